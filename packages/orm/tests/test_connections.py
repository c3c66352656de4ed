"""Connections: pool exhaustion fails fast and clearly; a connection the server dropped is replaced."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from orm_test_models import Author
from server_connections import ID_QUERY, end_connection
from sqlalchemy import event, text

from fastjango.core.project import Project
from fastjango.orm import PoolExhaustedError, transaction
from fastjango.orm.db.connections import Databases, replaced_databases
from fastjango.orm.exceptions import ImproperlyConfigured, OperationalError
from fastjango.orm.settings import DatabaseSettings, PoolSettings


def _tiny_pool(databases: Databases) -> Databases:
    config = databases._configs["default"]
    small = config.model_copy(update={"POOL": PoolSettings(SIZE=1, MAX_OVERFLOW=0, TIMEOUT=0.3)})
    return Databases({"default": small})


@pytest.mark.usefixtures("transactional_db")
def test_pool_exhaustion_is_a_fast_clear_error(fastjango_project: Project, fastjango_test_databases: Databases) -> None:
    tiny = _tiny_pool(fastjango_test_databases)
    errors: list[BaseException] = []
    with replaced_databases(fastjango_project, tiny):
        with transaction.atomic():  # holds the only connection
            Author.objects.create(name="Holder")

            def other_thread() -> None:
                with fastjango_project.activated():
                    try:
                        Author.objects.count()
                    except BaseException as error:
                        errors.append(error)

            started = time.monotonic()
            worker = threading.Thread(target=other_thread)
            worker.start()
            worker.join(10)
            waited = time.monotonic() - started
        assert Author.objects.count() == 1  # the pool works again once the block ends
        with transaction.atomic():  # the pool is free again: a block can open

            def blocked_atomic() -> None:
                with fastjango_project.activated():
                    try:
                        with transaction.atomic():
                            pass
                    except BaseException as error:
                        errors.append(error)

            worker = threading.Thread(target=blocked_atomic)
            worker.start()
            worker.join(10)
        tiny.close()
    assert len(errors) == 2 and all(isinstance(error, PoolExhaustedError) for error in errors)
    assert "all 1 pooled connections are in use" in str(errors[0])
    assert waited < 5


def _kill_pooled_connection(backend: str, databases: Databases) -> None:
    """Have the server end the connection the pool will hand out next, from another connection."""
    engine = databases["default"].sync_engine
    with engine.connect() as connection:  # check one out, note who it is, give it back to the pool
        own_id = connection.execute(text(ID_QUERY[backend])).scalar_one()
    end_connection(backend, engine.url, own_id)


def _with_pool(databases: Databases, **pool: object) -> Databases:
    config = databases._configs["default"]
    return Databases({"default": config.model_copy(update={"POOL": PoolSettings(**pool)})})  # type: ignore[arg-type]


@pytest.mark.servers_only
@pytest.mark.usefixtures("transactional_db")
def test_a_dead_connection_costs_at_most_one_failed_query(
    backend: str, fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    databases = _with_pool(fastjango_test_databases)
    with replaced_databases(fastjango_project, databases):
        Author.objects.create(name="Before")
        _kill_pooled_connection(backend, databases)
        with pytest.raises(OperationalError):
            Author.objects.count()  # meets the dead connection: the pool is renewed
        assert Author.objects.count() == 1  # and the next query works
        databases.close()


@pytest.mark.servers_only
@pytest.mark.usefixtures("transactional_db")
def test_with_pre_ping_a_dead_connection_costs_nothing(
    backend: str, fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    databases = _with_pool(fastjango_test_databases, PRE_PING=True)
    with replaced_databases(fastjango_project, databases):
        Author.objects.create(name="Before")
        _kill_pooled_connection(backend, databases)
        assert Author.objects.count() == 1
        databases.close()


def test_bad_database_settings_name_the_problem() -> None:
    with pytest.raises(Exception, match="unknown ENGINE 'oracle'"):
        DatabaseSettings(ENGINE="oracle")
    with pytest.raises(ImproperlyConfigured, match="in-memory database"):
        Databases({"default": DatabaseSettings(ENGINE="sqlite", NAME=":memory:")})["default"]
    with pytest.raises(ImproperlyConfigured, match="No database 'other'"):
        Databases({"default": DatabaseSettings(NAME="x.sqlite3")})["other"]


def _in_transaction(driver_connection: object) -> bool:
    """Whether the driver's connection is inside a transaction, asked through each driver's public API."""
    if hasattr(driver_connection, "is_in_transaction"):  # asyncpg
        return bool(driver_connection.is_in_transaction())
    if hasattr(driver_connection, "info") and hasattr(driver_connection.info, "transaction_status"):  # psycopg
        return driver_connection.info.transaction_status.name != "IDLE"
    if type(driver_connection).__module__.startswith("pymysql"):  # MariaDB's own answer; PyMySQL keeps no flag
        cursor = driver_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("SELECT @@in_transaction")
        (value,) = cursor.fetchone()
        cursor.close()
        return bool(value)
    if hasattr(driver_connection, "server_status"):  # asyncmy: the server's SERVER_STATUS_IN_TRANS bit
        return bool(driver_connection.server_status & 1)
    return bool(driver_connection.in_transaction)  # type: ignore[attr-defined]  # sqlite3, aiosqlite


def _watch_transactions(engine: Any, seen: list[bool]) -> Any:
    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(_in_transaction(conn.connection.driver_connection))

    event.listen(engine, "after_cursor_execute", after)
    return after


@pytest.mark.usefixtures("transactional_db")
def test_reads_outside_atomic_run_in_autocommit_where_that_is_free(
    fastjango_project: Project, fastjango_test_databases: Databases, backend: str
) -> None:
    """As in Django: a read outside atomic() is one statement, with no BEGIN and ROLLBACK around it.

    PostgreSQL and SQLite switch to autocommit with a flag; MySQL's drivers would need a round trip
    each way, so MariaDB reads keep the transaction their driver opens.
    """
    Author.objects.create(name="Ada")
    database = fastjango_test_databases["default"]
    seen: list[bool] = []
    listener = _watch_transactions(database.sync_engine, seen)
    try:
        assert Author.objects.get(name="Ada").name == "Ada"
        assert Author.objects.count() == 1
        with transaction.atomic():
            assert Author.objects.filter(name="Ada").exists()
    finally:
        event.remove(database.sync_engine, "after_cursor_execute", listener)
    outside_atomic = backend != "mariadb"
    assert seen == [not outside_atomic, not outside_atomic, True]


@pytest.mark.usefixtures("transactional_db")
async def test_async_reads_outside_atomic_run_in_autocommit_where_that_is_free(
    fastjango_project: Project, fastjango_test_databases: Databases, backend: str
) -> None:
    await Author.objects.acreate(name="Ada")
    database = fastjango_test_databases["default"]
    engine = database.async_engine.sync_engine
    seen: list[bool] = []
    listener = _watch_transactions(engine, seen)
    try:
        assert (await Author.objects.aget(name="Ada")).name == "Ada"
        assert [author.name async for author in Author.objects.all()] == ["Ada"]
        async with transaction.atomic():
            assert await Author.objects.filter(name="Ada").aexists()
    finally:
        event.remove(engine, "after_cursor_execute", listener)
    outside_atomic = backend != "mariadb"
    assert seen == [not outside_atomic, not outside_atomic, True]
