"""Where each statement runs: in the current ``atomic()`` block's connection, or on its own.

Outside ``atomic()`` the ORM works the way Django does, in autocommit: a read
borrows a pooled connection for one statement, a write commits at once. Inside
``atomic()`` every statement of that database goes to the block's connection.
The state lives in a context variable, so each request and each asyncio task
has its own, and a connection always goes back to the pool when the block or
statement ends, whether it raised or the client went away.

A connection the ORM did not open (a migration's) can be lent to it under an
alias of its own with :func:`bind_connection`: every statement of that alias
runs on the connection, in its current transaction, as if the alias were one
``atomic()`` block the lender owns.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from fastjango.orm.db.connections import Database, get_databases
from fastjango.orm.db.urls import BACKENDS
from fastjango.orm.exceptions import (
    ImproperlyConfigured,
    PoolExhaustedError,
    SynchronousOnlyOperation,
    TransactionManagementError,
)

__all__ = [
    "BoundDatabase",
    "TransactionState",
    "aread_session",
    "awrite_connection",
    "bind_connection",
    "bound_database",
    "current_transaction",
    "ensure_sync_allowed",
    "read_session",
    "resolve_database",
    "write_connection",
]

#: Set to 1 to allow synchronous queries from async code (for notebooks and the like), as Django allows.
ALLOW_ASYNC_UNSAFE_ENV = "FASTJANGO_ALLOW_ASYNC_UNSAFE"


@dataclass(eq=False)
class TransactionState:
    """The open ``atomic()`` block of one database in this context."""

    alias: str
    connection: Connection | AsyncConnection
    is_async: bool
    #: One entry per open block: the SQLAlchemy transaction object, or None for ``savepoint=False``.
    levels: list[Any] = field(default_factory=list)
    #: ``(level, callback)`` pairs run after the outermost commit.
    callbacks: list[tuple[int, Callable[[], Any]]] = field(default_factory=list)
    needs_rollback: bool = False
    #: Set by the test kit: the outermost block is the test's and is never committed.
    is_test: bool = False

    def sync_connection(self) -> Connection:
        """``connection``, for a synchronous block."""
        assert isinstance(self.connection, Connection)
        return self.connection

    def async_connection(self) -> AsyncConnection:
        """``connection``, for an async block."""
        assert isinstance(self.connection, AsyncConnection)
        return self.connection


_transactions: ContextVar[dict[str, TransactionState] | None] = ContextVar("fastjango_orm_transactions", default=None)

#: Aliases made by bind_connection() (a plain dict: current_transaction() checks it on every query).
_bound: dict[str, BoundDatabase] = {}
_bound_numbers = itertools.count(1)


def current_transaction(alias: str) -> TransactionState | None:
    states = _transactions.get()
    state = states.get(alias) if states else None
    if state is None and _bound:
        bound = _bound.get(alias)
        return bound.transaction if bound is not None else None
    return state


def set_transaction(alias: str, state: TransactionState | None) -> Any:
    states = dict(_transactions.get() or {})
    if state is None:
        states.pop(alias, None)
    else:
        states[alias] = state
    return _transactions.set(states or None)


def reset_transaction(token: Any) -> None:
    _transactions.reset(token)


class BoundDatabase(Database):
    """The database of an alias made by :func:`bind_connection`: one open connection, no settings, no pool."""

    def __init__(self, alias: str, connection: Connection) -> None:
        # Not Database.__init__: there is no DATABASES entry, URL or engine of its own.
        dialect = connection.dialect
        backend = BACKENDS.get("mariadb" if getattr(dialect, "is_mariadb", False) else dialect.name)
        if backend is None:
            raise ImproperlyConfigured(
                f"Cannot lend a {dialect.name} connection to the ORM; it works with sqlite, postgresql, mysql "
                "and mariadb."
            )
        self.alias = alias
        self.backend = backend
        self.connection = connection
        #: Never committed, rolled back or closed by the ORM; ``atomic()`` blocks in it are savepoints.
        self.transaction = TransactionState(alias, connection, is_async=False, levels=[None])

    @property
    def sync_engine(self) -> Engine:
        """The engine the connection came from: only looked at (for its listeners), never connected with."""
        return self.connection.engine

    @property
    def sync_read_engine(self) -> Engine:
        return self.connection.engine

    @property
    def async_engine(self) -> AsyncEngine:
        raise self._sync_only()

    @property
    def async_read_engine(self) -> AsyncEngine:
        raise self._sync_only()

    def _sync_only(self) -> TransactionManagementError:
        return TransactionManagementError(
            f"Database {self.alias!r} is a synchronous connection lent to the ORM (a migration's, for instance); "
            "use the synchronous API with it (get, filter, count, save, ...), not the async one."
        )


def bind_connection(connection: Connection, *, owner: object) -> str:
    """Lend ``connection`` to the ORM under a new database alias, for as long as ``owner`` lives.

    Every statement of the alias, reads included, runs on ``connection`` in its
    current transaction, never on a pooled connection; the ORM neither commits,
    rolls back nor closes it, so the lender keeps control of the transaction.
    Routers are not asked: queries name the alias (``using=``), or run on a
    model bound to it (``Options.bound_alias``). The synchronous API only.
    """
    alias = f"bound_{next(_bound_numbers)}"
    _bound[alias] = BoundDatabase(alias, connection)
    weakref.finalize(owner, _bound.pop, alias, None)
    return alias


def bound_database(alias: str) -> BoundDatabase | None:
    """The database of an alias made by :func:`bind_connection`, if ``alias`` is one."""
    return _bound.get(alias)


def ensure_sync_allowed(operation: str) -> None:
    """Refuse a blocking query on a thread that runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    if os.environ.get(ALLOW_ASYNC_UNSAFE_ENV):
        return
    raise SynchronousOnlyOperation(
        f"{operation} runs a synchronous query, which would block the event loop; in async code use its "
        "async twin (aget, afirst, acount, acreate, asave, async for ...), or run this code in a thread "
        f"(set {ALLOW_ASYNC_UNSAFE_ENV}=1 to allow it anyway)."
    )


def _usable(state: TransactionState, is_async: bool) -> None:
    if state.is_async != is_async:
        kind = "an async" if state.is_async else "a synchronous"
        raise TransactionManagementError(
            f"Database {state.alias!r} is inside {kind} atomic() block; queries in it must be "
            f"{'awaited' if state.is_async else 'synchronous'} (use {'async with' if not is_async else 'with'} "
            "atomic() for the other kind)."
        )
    if state.needs_rollback:
        raise TransactionManagementError(
            "An error occurred in the current transaction, so no query can run until the end of its atomic() "
            "block (wrap the statement that may fail in its own atomic() to recover from it)."
        )


def pool_error(database: Database) -> PoolExhaustedError:
    """The error for a pool that had no connection to give within its timeout."""
    pool = database.config.POOL
    return PoolExhaustedError(
        f"Database {database.alias!r}: all {pool.SIZE + pool.MAX_OVERFLOW} pooled connections are in use and none "
        f"came free within {pool.TIMEOUT:g} s. Raise DATABASES[{database.alias!r}]['POOL'] SIZE / MAX_OVERFLOW, "
        "or look for code holding connections (long transactions, unclosed iterators)."
    )


def resolve_database(alias: str | None) -> tuple[str, Database]:
    """The alias (``default`` for None) and its Database."""
    name = alias or "default"
    return name, get_databases()[name]


@contextmanager
def read_session(alias: str | None, *, autocommit: bool = True) -> Iterator[Session]:
    """A session for reading: on the transaction's connection, or on a pooled one for this statement.

    Outside ``atomic()`` the statement runs in autocommit where the database
    allows it (see ``Database.autocommit_reads``), as Django's reads do: no
    BEGIN and ROLLBACK around it. ``autocommit=False`` keeps the transaction,
    which server-side cursors need.
    """
    name, database = resolve_database(alias)
    state = current_transaction(name)
    if state is not None:
        _usable(state, is_async=False)
        session = Session(bind=state.sync_connection(), expire_on_commit=False, autoflush=False)
        try:
            yield session
        except sa_exc.DBAPIError:
            state.needs_rollback = True
            raise
        finally:
            session.close()
        return
    engine = database.sync_read_engine if autocommit else database.sync_engine
    session = Session(bind=engine, expire_on_commit=False, autoflush=False)
    try:
        yield session
    except sa_exc.TimeoutError as error:
        raise pool_error(database) from error
    finally:
        session.close()


@asynccontextmanager
async def aread_session(alias: str | None, *, autocommit: bool = True) -> AsyncIterator[AsyncSession]:
    """``read_session()`` for async code."""
    name, database = resolve_database(alias)
    state = current_transaction(name)
    if state is not None:
        _usable(state, is_async=True)
        session = AsyncSession(bind=state.async_connection(), expire_on_commit=False, autoflush=False)
        try:
            yield session
        except sa_exc.DBAPIError:
            state.needs_rollback = True
            raise
        finally:
            await session.close()
        return
    engine = database.async_read_engine if autocommit else database.async_engine
    session = AsyncSession(bind=engine, expire_on_commit=False, autoflush=False)
    try:
        yield session
    except sa_exc.TimeoutError as error:
        raise pool_error(database) from error
    finally:
        await session.close()


@contextmanager
def write_connection(alias: str | None) -> Iterator[Connection]:
    """A connection for writing: the transaction's, or one that commits when the block ends."""
    name, database = resolve_database(alias)
    state = current_transaction(name)
    if state is not None:
        _usable(state, is_async=False)
        try:
            yield state.sync_connection()
        except sa_exc.DBAPIError:
            state.needs_rollback = True
            raise
        return
    try:
        with database.sync_engine.begin() as connection:
            yield connection
    except sa_exc.TimeoutError as error:
        raise pool_error(database) from error


@asynccontextmanager
async def awrite_connection(alias: str | None) -> AsyncIterator[AsyncConnection]:
    """``write_connection()`` for async code."""
    name, database = resolve_database(alias)
    state = current_transaction(name)
    if state is not None:
        _usable(state, is_async=True)
        try:
            yield state.async_connection()
        except sa_exc.DBAPIError:
            state.needs_rollback = True
            raise
        return
    try:
        async with database.async_engine.begin() as connection:
            yield connection
    except sa_exc.TimeoutError as error:
        raise pool_error(database) from error
