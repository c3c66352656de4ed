"""``atomic()`` and ``on_commit()``, as in Django, for sync and async code.

.. code-block:: python

    with transaction.atomic():            # sync
        order.save()
        transaction.on_commit(send_receipt)

    async with transaction.atomic():      # async
        await order.asave()

    @transaction.atomic                   # a decorator, sync or async function
    def place_order(...): ...

    @transaction.non_atomic_requests      # a view kept out of ATOMIC_REQUESTS
    async def import_feed(...): ...

Nested blocks are savepoints: an exception leaving an inner block rolls back
that block only. ``on_commit`` callbacks run after the outermost block commits,
in the order they were registered, and never after a rollback (including the
rollback of the savepoint they were registered in).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar, cast, overload

from sqlalchemy import exc as sa_exc

from fastjango.orm.db.connections import get_databases
from fastjango.orm.db.execution import (
    TransactionState,
    current_transaction,
    ensure_sync_allowed,
    pool_error,
    reset_transaction,
    set_transaction,
)
from fastjango.orm.exceptions import TransactionManagementError

__all__ = ["Atomic", "atomic", "get_rollback", "non_atomic_requests", "on_commit", "set_rollback"]

logger = logging.getLogger("fastjango.orm.transaction")

_F = TypeVar("_F", bound=Callable[..., Any])

#: Where ``non_atomic_requests`` records the databases a view is kept out of.
_NON_ATOMIC = "_fastjango_non_atomic_requests"


class Atomic:
    """One ``atomic()`` block; see the module docstring. Use :func:`atomic` to make one."""

    def __init__(self, using: str | None = None, savepoint: bool = True, durable: bool = False) -> None:
        self.using = using or "default"
        self.savepoint = savepoint
        self.durable = durable
        self._state: TransactionState | None = None
        self._token: Any = None
        self._outermost = False

    # ------------------------------------------------------------------ decorator
    def __call__(self, function: _F) -> _F:
        using, savepoint, durable = self.using, self.savepoint, self.durable
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                async with Atomic(using, savepoint, durable):
                    return await function(*args, **kwargs)

            return cast(_F, async_wrapper)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with Atomic(using, savepoint, durable):
                return function(*args, **kwargs)

        return cast(_F, wrapper)

    # ------------------------------------------------------------------ sync
    def __enter__(self) -> Atomic:
        ensure_sync_allowed("atomic()")
        state = current_transaction(self.using)
        if state is None:
            database = get_databases()[self.using]
            try:
                connection = database.sync_engine.connect()
            except sa_exc.TimeoutError as error:
                raise pool_error(database) from error
            try:
                root = connection.begin()
            except BaseException:
                connection.close()
                raise
            state = TransactionState(self.using, connection, is_async=False, levels=[root])
            self._token = set_transaction(self.using, state)
            self._outermost = True
        else:
            self._check_nesting(state, is_async=False)
            connection = state.sync_connection()
            state.levels.append(connection.begin_nested() if self.savepoint else None)
        self._state = state
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        state = self._state
        assert state is not None
        level = len(state.levels) - 1
        transaction = state.levels.pop()
        failed = exc_type is not None or state.needs_rollback
        if not self._outermost:
            if transaction is None:  # savepoint=False: a failure dooms the enclosing block
                if exc_type is not None:
                    state.needs_rollback = True
                else:
                    _merge_callbacks(state, level)
                return
            if failed and state.connection.in_transaction():
                transaction.rollback()
                state.needs_rollback = False
                state.callbacks = [(lvl, cb) for lvl, cb in state.callbacks if lvl < level]
            elif not failed:
                transaction.commit()  # RELEASE SAVEPOINT
                _merge_callbacks(state, level)
            return
        callbacks = state.callbacks
        try:
            if failed or state.is_test:
                transaction.rollback()
            else:
                transaction.commit()
        finally:
            state.sync_connection().close()
            reset_transaction(self._token)
        if not failed and not state.is_test:
            _run_callbacks([callback for _, callback in callbacks])

    # ------------------------------------------------------------------ async
    async def __aenter__(self) -> Atomic:
        state = current_transaction(self.using)
        if state is None:
            database = get_databases()[self.using]
            try:
                connection = await database.async_engine.connect()
            except sa_exc.TimeoutError as error:
                raise pool_error(database) from error
            try:
                root = await connection.begin()
            except BaseException:
                await connection.close()
                raise
            state = TransactionState(self.using, connection, is_async=True, levels=[root])
            self._token = set_transaction(self.using, state)
            self._outermost = True
        else:
            self._check_nesting(state, is_async=True)
            connection = state.async_connection()
            nested = await connection.begin_nested() if self.savepoint else None
            state.levels.append(nested)
        self._state = state
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        state = self._state
        assert state is not None
        level = len(state.levels) - 1
        transaction = state.levels.pop()
        failed = exc_type is not None or state.needs_rollback
        if not self._outermost:
            if transaction is None:
                if exc_type is not None:
                    state.needs_rollback = True
                else:
                    _merge_callbacks(state, level)
                return
            if failed and state.connection.in_transaction():
                await transaction.rollback()
                state.needs_rollback = False
                state.callbacks = [(lvl, cb) for lvl, cb in state.callbacks if lvl < level]
            elif not failed:
                await transaction.commit()
                _merge_callbacks(state, level)
            return
        callbacks = state.callbacks
        try:
            if failed or state.is_test:
                await transaction.rollback()
            else:
                await transaction.commit()
        finally:
            await state.async_connection().close()
            reset_transaction(self._token)
        if not failed and not state.is_test:
            await _arun_callbacks([callback for _, callback in callbacks])

    def _check_nesting(self, state: TransactionState, is_async: bool) -> None:
        if self.durable and not state.is_test:
            raise RuntimeError("A durable atomic block cannot be nested inside another atomic block.")
        if state.is_async != is_async:
            raise TransactionManagementError(
                f"Database {self.using!r} already has {'an async' if state.is_async else 'a synchronous'} atomic() "
                "block open here; nest the same kind."
            )
        if state.needs_rollback:
            raise TransactionManagementError(
                "An error occurred in the current transaction; no new atomic() block can start until it ends."
            )


@overload
def atomic(using: _F) -> _F: ...


@overload
def atomic(using: str | None = None, savepoint: bool = True, durable: bool = False) -> Atomic: ...


def atomic(using: Any = None, savepoint: bool = True, durable: bool = False) -> Any:
    """A transaction block: ``with atomic():``, ``async with atomic():`` or ``@atomic``."""
    if callable(using):
        return Atomic(None, savepoint, durable)(using)
    return Atomic(using, savepoint, durable)


@overload
def non_atomic_requests(using: _F) -> _F: ...


@overload
def non_atomic_requests(using: str | None = None) -> Callable[[_F], _F]: ...


def non_atomic_requests(using: Any = None) -> Any:
    """Keep a view out of the per-request transaction that ``ATOMIC_REQUESTS`` opens on ``using``.

    ``@non_atomic_requests`` is for ``default``; stack ``@non_atomic_requests(using="other")`` for
    other databases. The view itself is marked, not wrapped, so the decorator may go above or below
    ``@router.get(...)``. For views that manage their own transactions or stream long work.
    """
    if callable(using):
        return _mark_non_atomic(using, "default")
    if using is not None and not isinstance(using, str):
        raise TypeError(f"non_atomic_requests(using=...) takes a database alias such as 'default', not {using!r}.")
    alias = using or "default"
    return lambda view: _mark_non_atomic(view, alias)


def non_atomic_aliases(view: Callable[..., Any]) -> frozenset[str]:
    """The databases ``view`` was kept out of with :func:`non_atomic_requests`."""
    marked: frozenset[str] = getattr(view, _NON_ATOMIC, frozenset())
    return marked


def _mark_non_atomic(view: _F, alias: str) -> _F:
    if not callable(view):
        raise TypeError(f"non_atomic_requests decorates a view function, not {view!r}.")
    try:
        setattr(view, _NON_ATOMIC, non_atomic_aliases(view) | {alias})
    except AttributeError:
        raise TypeError(f"non_atomic_requests cannot mark {view!r}; decorate the function it calls instead.") from None
    return view


def on_commit(callback: Callable[[], Any], using: str | None = None, robust: bool = False) -> None:
    """Run ``callback`` after the current transaction commits (at once when there is none).

    An async callback may be registered in an ``async with atomic()`` block;
    it is awaited after the commit. With ``robust=True`` an exception it raises
    is logged instead of propagated.
    """
    alias = using or "default"
    state = current_transaction(alias)
    call = _robust(callback) if robust else callback
    if state is None:
        if inspect.iscoroutinefunction(callback):
            raise TransactionManagementError(
                "on_commit() got an async callback outside atomic(); await it directly instead."
            )
        call()
        return
    if inspect.iscoroutinefunction(callback) and not state.is_async:
        raise TransactionManagementError("An async on_commit() callback needs an `async with atomic()` block.")
    state.callbacks.append((len(state.levels) - 1, call))


def get_rollback(using: str | None = None) -> bool:
    """Is the current block marked to roll back?"""
    state = current_transaction(using or "default")
    if state is None:
        raise TransactionManagementError("get_rollback() needs an atomic() block.")
    return state.needs_rollback


def set_rollback(rollback: bool, using: str | None = None) -> None:
    """Mark the current block to roll back when it ends (or undo that), without raising."""
    state = current_transaction(using or "default")
    if state is None:
        raise TransactionManagementError("set_rollback() needs an atomic() block.")
    state.needs_rollback = rollback


def _merge_callbacks(state: TransactionState, level: int) -> None:
    """A released savepoint's callbacks now belong to the enclosing block (a later rollback of a
    sibling block must not drop them)."""
    state.callbacks = [(min(lvl, level - 1), callback) for lvl, callback in state.callbacks]


def _robust(callback: Callable[[], Any]) -> Callable[[], Any]:
    if inspect.iscoroutinefunction(callback):

        async def guarded_async() -> None:
            try:
                await callback()
            except Exception:
                logger.exception("on_commit callback %r failed", callback)

        return guarded_async

    def guarded() -> None:
        try:
            callback()
        except Exception:
            logger.exception("on_commit callback %r failed", callback)

    return guarded


def _run_callbacks(callbacks: list[Callable[[], Any]]) -> None:
    for callback in callbacks:
        callback()


async def _arun_callbacks(callbacks: list[Callable[[], Any]]) -> None:
    for callback in callbacks:
        result = callback()
        if isinstance(result, Awaitable):
            await result
