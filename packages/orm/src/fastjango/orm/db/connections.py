"""The databases of a project: a sync and an async SQLAlchemy engine per alias, created on first use.

Engines belong to the project (two projects in one process keep separate
pools). Async engines also belong to an event loop: a pooled asyncpg or
asyncmy connection only works on the loop that opened it, so each loop gets
its own engine, and :meth:`Databases.aclose` disposes the running loop's.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from fastjango.orm.db.pool import LendingAsyncPool
from fastjango.orm.db.urls import Backend, database_urls
from fastjango.orm.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from fastjango.core.project import Project
    from fastjango.orm.settings import DatabaseSettings

__all__ = ["Database", "Databases", "databases_for", "get_databases", "query_listeners"]

#: Callables told about every statement sent: ``listener(alias, statement)``. The test kit counts with it.
query_listeners: list[Callable[[str, str], None]] = []


class Database:
    """One ``DATABASES`` entry: its settings, backend and engines."""

    def __init__(self, alias: str, config: DatabaseSettings) -> None:
        self.alias = alias
        self.config = config
        self.backend: Backend
        self.backend, self.sync_url, self.async_url = database_urls(config, alias)
        self._sync_engine: Engine | None = None
        self._async_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = (
            weakref.WeakKeyDictionary()
        )
        self._read_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = (
            weakref.WeakKeyDictionary()
        )
        self._sync_read_engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def vendor(self) -> str:
        """``sqlite``, ``postgresql``, ``mysql`` or ``mariadb``."""
        return self.backend.name

    def _engine_options(self) -> dict[str, Any]:
        pool = self.config.POOL
        options: dict[str, Any] = {
            "pool_pre_ping": pool.PRE_PING,
            "pool_recycle": pool.RECYCLE,
        }
        options.update(pool_size=pool.SIZE, max_overflow=pool.MAX_OVERFLOW, pool_timeout=pool.TIMEOUT)
        return options

    def _connect_args(self, is_async: bool) -> dict[str, Any]:
        args = dict(self.config.OPTIONS)
        if self.vendor == "sqlite":
            args.setdefault("timeout", 20)
        return args

    def _instrument(self, engine: Engine) -> None:
        alias = self.alias

        @event.listens_for(engine, "before_cursor_execute")
        def _announce(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
            if statement == "BEGIN":
                return  # SQLite's explicit BEGIN (see below) is transaction control, not a query
            for listener in query_listeners:
                listener(alias, statement)

        if self.vendor in ("mysql", "mariadb"):

            @event.listens_for(engine, "handle_error")
            def _integrity_errors(context: Any) -> Any:
                # MariaDB/MySQL report a failed CHECK (4025, 3819) or a NULL in a NOT NULL column (1048)
                # as OperationalError; they are integrity errors, as on the other databases (and in Django).
                original = context.original_exception
                code = original.args[0] if getattr(original, "args", None) else None
                if isinstance(context.sqlalchemy_exception, sa_exc.OperationalError) and code in (1048, 3819, 4025):
                    return sa_exc.IntegrityError(context.statement, context.parameters, original)
                return None

        if self.vendor == "sqlite":

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
                # Foreign keys are off by default in SQLite; Django turns them on as well.
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.close()
                # The sqlite3 module opens transactions itself, late and not before a SAVEPOINT, so
                # releasing the first savepoint would commit. Take over: no implicit BEGIN from the
                # driver, an explicit one from SQLAlchemy (SQLAlchemy's documented recipe).
                dbapi_connection.isolation_level = None

            @event.listens_for(engine, "begin")
            def _sqlite_begin(connection: Any) -> None:
                if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
                    return  # a read outside atomic(): no transaction, as in Django
                connection.exec_driver_sql("BEGIN")

    def _import_error(self, error: ImportError, url: URL) -> ImproperlyConfigured:
        hint = (
            f'pip install "fastjango-orm[{self.backend.extra}]"' if self.backend.extra else "pip install fastjango-orm"
        )
        return ImproperlyConfigured(
            f"DATABASES[{self.alias!r}] needs the {url.get_driver_name()} driver, which is not installed "
            f"({error}). Install it with: {hint}"
        )

    @property
    def sync_engine(self) -> Engine:
        engine = self._sync_engine
        if engine is None:
            with self._lock:
                if self._sync_engine is None:
                    try:
                        created = create_engine(
                            self.sync_url, connect_args=self._connect_args(False), **self._engine_options()
                        )
                    except ImportError as error:
                        raise self._import_error(error, self.sync_url) from error
                    self._instrument(created)
                    self._sync_engine = created
                engine = self._sync_engine
        return engine

    @property
    def async_engine(self) -> AsyncEngine:
        loop = asyncio.get_running_loop()
        engine = self._async_engines.get(loop)
        if engine is None:
            try:
                engine = create_async_engine(
                    self.async_url,
                    connect_args=self._connect_args(True),
                    poolclass=LendingAsyncPool,
                    **self._engine_options(),
                )
            except ImportError as error:
                raise self._import_error(error, self.async_url) from error
            self._instrument(engine.sync_engine)
            self._async_engines[loop] = engine
        return engine

    @property
    def autocommit_reads(self) -> bool:
        """Whether reads outside ``atomic()`` run in autocommit, without BEGIN and ROLLBACK.

        That is how Django reads, and it saves two round trips per query. It
        is on where switching a pooled connection to autocommit and back is a
        flag on the driver's connection (PostgreSQL, SQLite); MySQL's drivers
        would send a ``SET autocommit`` each way, so MariaDB reads keep the
        transaction the driver opens.
        """
        return self.vendor in ("postgresql", "sqlite")

    @property
    def sync_read_engine(self) -> Engine:
        """``sync_engine`` in autocommit where :attr:`autocommit_reads` allows it (same pool)."""
        engine = self._sync_read_engine
        if engine is None:
            engine = self.sync_engine
            if self.autocommit_reads:
                engine = engine.execution_options(isolation_level="AUTOCOMMIT")
            self._sync_read_engine = engine
        return engine

    @property
    def async_read_engine(self) -> AsyncEngine:
        """``async_engine`` in autocommit where :attr:`autocommit_reads` allows it (same pool)."""
        loop = asyncio.get_running_loop()
        engine = self._read_engines.get(loop)
        if engine is None:
            engine = self.async_engine
            if self.autocommit_reads:
                engine = engine.execution_options(isolation_level="AUTOCOMMIT")
            self._read_engines[loop] = engine
        return engine

    def close(self) -> None:
        """Close the sync engine's pooled connections."""
        if self._sync_engine is not None:
            self._sync_engine.dispose()
            self._sync_engine = None
            self._sync_read_engine = None

    async def aclose(self) -> None:
        """Close the running loop's async engine."""
        self._read_engines.pop(asyncio.get_running_loop(), None)
        engine = self._async_engines.pop(asyncio.get_running_loop(), None)
        if engine is not None:
            await engine.dispose()


class Databases:
    """Every database of one project, by alias (``databases["default"]``)."""

    def __init__(self, configs: dict[str, DatabaseSettings]) -> None:
        self._configs = configs
        self._databases: dict[str, Database] = {}

    def __getitem__(self, alias: str) -> Database:
        database = self._databases.get(alias)
        if database is None:
            config = self._configs.get(alias)
            if config is None:
                from fastjango.orm.db.execution import bound_database

                bound = bound_database(alias)  # a connection lent to the ORM (bind_connection)
                if bound is not None:
                    return bound
                raise ImproperlyConfigured(
                    f"No database {alias!r} in DATABASES (configured: {', '.join(self._configs) or 'none'})."
                )
            database = self._databases[alias] = Database(alias, config)
        return database

    def __iter__(self) -> Iterator[str]:
        return iter(self._configs)

    def __contains__(self, alias: object) -> bool:
        return alias in self._configs

    def close(self) -> None:
        for database in self._databases.values():
            database.close()

    async def aclose(self) -> None:
        for database in self._databases.values():
            await database.aclose()
            database.close()


_by_project: weakref.WeakKeyDictionary[Project, Databases] = weakref.WeakKeyDictionary()


def databases_for(project: Project) -> Databases:
    """The project's databases, built from its settings on first use."""
    databases = _by_project.get(project)
    if databases is None:
        from fastjango.orm.db.config import effective_databases

        databases = _by_project[project] = Databases(effective_databases(project.settings))
    return databases


def get_databases() -> Databases:
    """The active project's databases."""
    from fastjango.core.project import get_project

    return databases_for(get_project())


@contextmanager
def replaced_databases(project: Project, databases: Databases) -> Iterator[Databases]:
    """Use ``databases`` for ``project`` inside the block (the test kit's test databases)."""
    previous = _by_project.get(project)
    _by_project[project] = databases
    try:
        yield databases
    finally:
        if previous is None:
            _by_project.pop(project, None)
        else:
            _by_project[project] = previous
