"""Session data to and from JSON (pydantic-core: fast, and no pickle, so stored data can never run code)."""

from __future__ import annotations

from typing import Any

from pydantic_core import from_json, to_json

__all__ = ["SessionDataError", "dumps", "loads"]


class SessionDataError(ValueError):
    """Stored session data is not a JSON object (corrupt or foreign): the session is treated as absent."""


def dumps(data: dict[str, Any]) -> bytes:
    """JSON bytes of the session's data. Values must be JSON types (datetimes become ISO strings)."""
    return to_json(data)


def loads(raw: str | bytes) -> dict[str, Any]:
    """The data of a stored session; :class:`SessionDataError` when it is not a JSON object."""
    try:
        data = from_json(raw)
    except ValueError as exc:
        raise SessionDataError("session data is not valid JSON") from exc
    if not isinstance(data, dict):
        raise SessionDataError("session data is not a JSON object")
    return data
