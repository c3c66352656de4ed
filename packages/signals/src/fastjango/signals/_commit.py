"""``connect(..., on_commit=True)``: a receiver called once the surrounding transaction commits.

The transaction is the one open on the signal's ``using`` database (the
model signals send it; other signals mean ``"default"``). Outside any
``atomic()`` block the write is already committed, so the receiver is called
at once, like any other. Inside one, the call goes to the ORM's
``transaction.on_commit`` and is dropped if the block (or the savepoint it
was registered in) rolls back. Imported only for such receivers, so the ORM
stays optional.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastjango.signals._calling import run_async_from_sync, run_sync_in_thread

if TYPE_CHECKING:
    from fastjango.signals.dispatcher import Receiver, Signal

__all__ = ["defer"]


def defer(signal: Signal, is_async: bool, receiver: Receiver, sender: Any, named: dict[str, Any], robust: bool) -> bool:
    """Register the call with ``on_commit`` if a transaction is open; did it?"""
    from fastjango.orm import transaction
    from fastjango.orm.db.execution import current_transaction

    using = named.get("using") or "default"
    state = current_transaction(using)
    if state is None:
        return False

    def call() -> Any:
        return receiver(signal=signal, sender=sender, **named)

    callback: Callable[[], Any]
    if state.is_async:
        # Called on the event loop after the commit: await an async receiver, thread a sync one.
        async def after_commit() -> None:
            if is_async:
                await call()
            else:
                await run_sync_in_thread(call)

        callback = after_commit
    elif is_async:

        def after_sync_commit() -> None:
            run_async_from_sync(call, signal.name)

        callback = after_sync_commit
    else:
        callback = call
    transaction.on_commit(callback, using=using, robust=robust)
    return True
