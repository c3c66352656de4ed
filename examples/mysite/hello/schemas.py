"""Pydantic schemas of the hello app: the shapes of its answers, documented at /docs."""

from pydantic import BaseModel


class Welcome(BaseModel):
    """What the home page answers."""

    message: str
    docs: str | None
    try_it: str


class Greeting(BaseModel):
    """A greeting for someone."""

    message: str
    name: str
