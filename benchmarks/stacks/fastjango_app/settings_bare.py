"""The same project with no middleware at all, to compare routing alone with bare FastAPI."""

from stacks.fastjango_app.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
