"""Hooks may return a value, an awaitable, or nothing; one helper resolves all three."""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["await_me_maybe"]


async def await_me_maybe(value: Any) -> Any:
    """Await ``value`` if it is awaitable, else return it as it is."""
    if inspect.isawaitable(value):
        return await value
    return value
