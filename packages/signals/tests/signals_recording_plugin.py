"""A third-party plugin that implements the ORM's save hook directly, beside (or instead of) the signals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastjango.core import hookimpl

events: list[tuple[str, str, bool]] = []


@hookimpl
def fastjango_orm_post_save(
    model: type[Any], instance: Any, created: bool, using: str, update_fields: Sequence[str] | None
) -> None:
    events.append(("hook post_save", model.__name__, created))
