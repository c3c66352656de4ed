"""Crossing between sync and async code to call a receiver of the other kind."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio.from_thread
import anyio.to_thread

__all__ = ["is_async_callable", "run_async_from_sync", "run_sync_in_thread"]

_T = TypeVar("_T")


def is_async_callable(function: Callable[..., Any]) -> bool:
    """Does calling ``function`` return a coroutine? Callable objects are judged by their ``__call__``."""
    call = getattr(function, "__call__", None)  # noqa: B004 - a callable object's method
    return inspect.iscoroutinefunction(function) or (call is not None and inspect.iscoroutinefunction(call))


def run_async_from_sync(factory: Callable[[], Awaitable[_T]], signal_name: str) -> _T:
    """Run an async receiver to completion from synchronous code, as Django's ``async_to_sync`` does.

    In a worker thread of a running event loop (a ``def`` view, a sync
    receiver run by ``asend``) the coroutine runs on that loop, where the
    async database engines live; in a plain thread it gets a loop of its own.
    On a thread that runs an event loop it cannot run without blocking that
    loop, so that is refused.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            f"{signal_name}.send() was called on the event loop's thread and has async receivers, which it "
            f"cannot await there; use `await {signal_name}.asend(...)` in async code."
        )

    async def call() -> _T:
        return await factory()

    if _in_anyio_worker_thread():
        return anyio.from_thread.run(call)
    return asyncio.run(call())


def _in_anyio_worker_thread() -> bool:
    try:
        anyio.from_thread.check_cancelled()
    except RuntimeError:
        return False
    return True


async def run_sync_in_thread(function: Callable[[], _T]) -> _T:
    """Run blocking ``function`` in a worker thread, with the caller's context variables (the active project)."""
    return await anyio.to_thread.run_sync(function)
