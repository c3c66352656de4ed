"""``Signal``: many receivers told of one event, as Django's ``django.dispatch.Signal``.

Receivers are called in the order they were connected. A receiver is any
callable taking ``sender`` and ``**kwargs``; ``async def`` receivers are
awaited. See docs/signals.md for the sync/async rules and ``on_commit``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastjango.signals._calling import is_async_callable, run_async_from_sync, run_sync_in_thread

__all__ = ["Receiver", "Signal", "receiver"]

logger = logging.getLogger("fastjango.signals")

Receiver = Callable[..., Any]
_R = TypeVar("_R", bound=Receiver)


@dataclass(frozen=True, slots=True, eq=False)
class _Connection:
    """One connected receiver: how to reach it and how to call it."""

    key: tuple[Hashable, int]
    reference: Callable[[], Receiver | None]
    sender: Any
    is_async: bool
    on_commit: bool


class Signal:
    """An event receivers connect to; ``send`` / ``asend`` calls them.

    ``concurrent`` lets ``asend`` run async receivers at the same time (and
    the sync ones together in one worker thread), as Django does. Signals
    whose receivers share the caller's database transaction, such as the
    model signals, are built with ``concurrent=False``: one receiver at a
    time, in order, because one connection cannot run two queries at once.
    """

    def __init__(self, name: str | None = None, *, concurrent: bool = True) -> None:
        self.name = name or "signal"
        self.concurrent = concurrent
        self._connections: list[_Connection] = []
        self._lock = threading.Lock()
        self._has_dead = False

    def __repr__(self) -> str:
        return f"<Signal {self.name}>"

    # ------------------------------------------------------------------ connecting

    def connect(
        self,
        receiver: Receiver,
        sender: Any = None,
        weak: bool = True,
        dispatch_uid: Hashable | None = None,
        *,
        on_commit: bool = False,
    ) -> None:
        """Call ``receiver(signal=..., sender=..., **kwargs)`` on each send (from ``sender`` only, if given).

        ``weak`` holds the receiver by weak reference, so connecting does not
        keep it (or a bound method's object) alive. ``dispatch_uid`` names the
        connection: connecting again under the same name does nothing, which
        keeps a module imported twice from connecting twice. ``on_commit``
        defers the call until the transaction of the signal's ``using``
        database commits, and drops it on rollback (needs fastjango-orm).
        """
        if not callable(receiver):
            raise TypeError(f"{self.name}.connect() needs a callable receiver, not {receiver!r}.")
        _check_accepts_kwargs(receiver, self.name)
        if on_commit:
            _require_orm(self.name)
        key = (dispatch_uid if dispatch_uid is not None else _id_of(receiver), id(sender))
        reference = _weak_reference(receiver, self._mark_dead, self.name) if weak else _Strong(receiver)
        connection = _Connection(key, reference, sender, is_async_callable(receiver), on_commit)
        with self._lock:
            self._prune()
            if not any(existing.key == key for existing in self._connections):
                self._connections = [*self._connections, connection]

    def disconnect(
        self, receiver: Receiver | None = None, sender: Any = None, dispatch_uid: Hashable | None = None
    ) -> bool:
        """Disconnect ``receiver`` (or the connection named ``dispatch_uid``) for ``sender``; was it connected?"""
        if receiver is None and dispatch_uid is None:
            raise TypeError(f"{self.name}.disconnect() needs the receiver or its dispatch_uid.")
        key = (dispatch_uid if dispatch_uid is not None else _id_of(receiver), id(sender))
        with self._lock:
            self._prune()
            kept = [connection for connection in self._connections if connection.key != key]
            found = len(kept) != len(self._connections)
            self._connections = kept
        return found

    def has_listeners(self, sender: Any = None) -> bool:
        """Would a send from ``sender`` reach any receiver?"""
        if not self._connections:
            return False
        return bool(self._live(sender))

    # ------------------------------------------------------------------ sending from sync code

    def send(self, sender: Any, **named: Any) -> list[tuple[Receiver, Any]]:
        """Call every receiver for ``sender``, in connection order; ``(receiver, response)`` pairs.

        The first exception a receiver raises propagates and the receivers
        after it are not called. Async receivers are run to completion (see
        docs/signals.md); a receiver connected with ``on_commit`` answers
        ``None``.
        """
        if not self._connections:
            return []
        return [
            (receiver, self._call(connection, receiver, sender, named)) for connection, receiver in self._live(sender)
        ]

    def send_robust(self, sender: Any, **named: Any) -> list[tuple[Receiver, Any]]:
        """Like :meth:`send`, but an exception a receiver raises is logged and returned as its response."""
        if not self._connections:
            return []
        responses: list[tuple[Receiver, Any]] = []
        for connection, receiver in self._live(sender):
            try:
                response = self._call(connection, receiver, sender, named, robust=True)
            except Exception as error:
                self._log(receiver, error, "send_robust")
                response = error
            responses.append((receiver, response))
        return responses

    def _call(
        self, connection: _Connection, receiver: Receiver, sender: Any, named: dict[str, Any], robust: bool = False
    ) -> Any:
        if connection.on_commit and _deferred(self, connection, receiver, sender, named, robust):
            return None
        if connection.is_async:
            return run_async_from_sync(lambda: receiver(signal=self, sender=sender, **named), self.name)
        return receiver(signal=self, sender=sender, **named)

    # ------------------------------------------------------------------ sending from async code

    async def asend(self, sender: Any, **named: Any) -> list[tuple[Receiver, Any]]:
        """Await every receiver for ``sender``; ``(receiver, response)`` pairs in connection order.

        Sync receivers run in a worker thread, so they never block the event
        loop. With ``concurrent`` the receivers run together and the first
        exception (in connection order) is raised once all have finished;
        without it they run one by one and the first exception stops the rest.
        """
        if not self._connections:
            return []
        return await self._asend(sender, named, robust=False)

    async def asend_robust(self, sender: Any, **named: Any) -> list[tuple[Receiver, Any]]:
        """Like :meth:`asend`, but an exception a receiver raises is logged and returned as its response."""
        if not self._connections:
            return []
        return await self._asend(sender, named, robust=True)

    async def _asend(self, sender: Any, named: dict[str, Any], robust: bool) -> list[tuple[Receiver, Any]]:
        live = self._live(sender)
        if not live:
            return []
        if not self.concurrent:
            return [
                (receiver, await self._acall_guarded(connection, receiver, sender, named, robust))
                for connection, receiver in live
            ]
        # Sync receivers share one worker thread, one after another; async ones run beside them.
        sync_part = [(connection, receiver) for connection, receiver in live if not _runs_on_loop(connection)]
        async_part = [(connection, receiver) for connection, receiver in live if _runs_on_loop(connection)]

        def call_sync_receivers() -> list[Any]:
            results: list[Any] = []
            for _, receiver in sync_part:
                try:
                    results.append(receiver(signal=self, sender=sender, **named))
                except Exception as error:
                    if not robust:
                        return [*results, _Failure(error)]
                    self._log(receiver, error, "asend_robust")
                    results.append(error)
            return results

        async def sync_results() -> list[Any]:
            return await run_sync_in_thread(call_sync_receivers) if sync_part else []

        gathered = await asyncio.gather(
            sync_results(),
            *(self._acall_guarded(connection, receiver, sender, named, robust) for connection, receiver in async_part),
            return_exceptions=not robust,
        )
        by_receiver: dict[int, Any] = {}
        sync_outcomes = gathered[0]
        if isinstance(sync_outcomes, BaseException):
            raise sync_outcomes
        for (connection, _), outcome in zip(sync_part, sync_outcomes, strict=False):
            by_receiver[id(connection)] = outcome
        for (connection, _), outcome in zip(async_part, gathered[1:], strict=True):
            by_receiver[id(connection)] = outcome
        responses: list[tuple[Receiver, Any]] = []
        for connection, receiver in live:
            outcome = by_receiver.get(id(connection))
            if isinstance(outcome, _Failure):
                raise outcome.error
            if not robust and isinstance(outcome, BaseException):
                raise outcome
            responses.append((receiver, outcome))
        return responses

    async def _acall_guarded(
        self, connection: _Connection, receiver: Receiver, sender: Any, named: dict[str, Any], robust: bool
    ) -> Any:
        if not robust:
            return await self._acall(connection, receiver, sender, named, robust)
        try:
            return await self._acall(connection, receiver, sender, named, robust)
        except Exception as error:
            self._log(receiver, error, "asend_robust")
            return error

    async def _acall(
        self, connection: _Connection, receiver: Receiver, sender: Any, named: dict[str, Any], robust: bool
    ) -> Any:
        if connection.on_commit and _deferred(self, connection, receiver, sender, named, robust):
            return None
        if connection.is_async:
            return await receiver(signal=self, sender=sender, **named)
        return await run_sync_in_thread(lambda: receiver(signal=self, sender=sender, **named))

    # ------------------------------------------------------------------ bookkeeping

    def _live(self, sender: Any) -> list[tuple[_Connection, Receiver]]:
        if self._has_dead:
            with self._lock:
                self._prune()
        live: list[tuple[_Connection, Receiver]] = []
        for connection in self._connections:
            if connection.sender is None or connection.sender is sender:
                receiver = connection.reference()
                if receiver is not None:
                    live.append((connection, receiver))
        return live

    def _mark_dead(self, _reference: object) -> None:
        # Called by the garbage collector at any moment, maybe with the lock held: only flag it.
        self._has_dead = True

    def _prune(self) -> None:
        """Drop connections whose receiver was garbage collected (the caller holds the lock)."""
        if self._has_dead:
            self._has_dead = False
            self._connections = [connection for connection in self._connections if connection.reference() is not None]

    def _log(self, receiver: Receiver, error: Exception, method: str) -> None:
        logger.error("Error calling %r in %s.%s()", receiver, self.name, method, exc_info=error)


def receiver(signal: Signal | Sequence[Signal], **options: Any) -> Callable[[_R], _R]:
    """Connect the decorated function to ``signal`` (or each of a list), with ``connect``'s options.

    ``@receiver(post_save, sender=Post)``
    """
    signals = [signal] if isinstance(signal, Signal) else list(signal)

    def decorate(function: _R) -> _R:
        for each in signals:
            each.connect(function, **options)
        return function

    return decorate


@dataclass(frozen=True, slots=True)
class _Failure:
    """An exception a sync receiver raised in ``asend``'s worker thread, raised again on the loop."""

    error: Exception


class _Strong:
    """A strong reference with the interface of a weak one."""

    __slots__ = ("_receiver",)

    def __init__(self, receiver: Receiver) -> None:
        self._receiver = receiver

    def __call__(self) -> Receiver:
        return self._receiver


def _deferred(
    signal: Signal, connection: _Connection, receiver: Receiver, sender: Any, named: dict[str, Any], robust: bool
) -> bool:
    from fastjango.signals._commit import defer

    return defer(signal, connection.is_async, receiver, sender, named, robust)


def _runs_on_loop(connection: _Connection) -> bool:
    return connection.is_async or connection.on_commit


def _id_of(receiver: Any) -> Hashable:
    """A bound method is a new object on each attribute access: identify it by its object and function."""
    if inspect.ismethod(receiver):
        return (id(receiver.__self__), id(receiver.__func__))
    return id(receiver)


def _weak_reference(receiver: Receiver, callback: Callable[[object], None], name: str) -> Callable[[], Receiver | None]:
    try:
        if inspect.ismethod(receiver):
            return weakref.WeakMethod(receiver, callback)
        return weakref.ref(receiver, callback)
    except TypeError:
        raise TypeError(
            f"{name}.connect() cannot hold {receiver!r} by weak reference; pass weak=False to keep it alive."
        ) from None


def _check_accepts_kwargs(receiver: Receiver, name: str) -> None:
    try:
        parameters = inspect.signature(receiver).parameters.values()
    except (TypeError, ValueError):
        return  # no signature to read (some builtins): trust the caller
    if not any(parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters):
        raise TypeError(
            f"Receiver {receiver!r} of {name} must accept **kwargs: signals grow new arguments over time "
            "(def handler(sender, **kwargs))."
        )


def _require_orm(name: str) -> None:
    try:
        import fastjango.orm.transaction  # noqa: F401
    except ImportError:
        raise RuntimeError(
            f"{name}.connect(on_commit=True) waits for a database transaction, which needs fastjango-orm: "
            'pip install "fastjango[orm]".'
        ) from None
