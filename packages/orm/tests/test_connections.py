"""Connections: pool exhaustion fails fast and clearly; a connection the server dropped is replaced."""

from __future__ import annotations

import threading
import time

import pytest
from orm_test_models import Author
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

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
        own_id = connection.execute(
            text("SELECT pg_backend_pid()" if backend == "postgresql" else "SELECT CONNECTION_ID()")
        ).scalar_one()
    outsider = create_engine(engine.url, poolclass=NullPool)  # not a pooled connection
    try:
        with outsider.connect() as killer:
            if backend == "postgresql":
                killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": own_id})
            else:
                killer.execute(text(f"KILL {int(own_id)}"))
    finally:
        outsider.dispose()


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
