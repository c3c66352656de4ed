"""pytest plugin of fastjango-orm: the ``db``, ``transactional_db`` and ``assert_num_queries`` fixtures.

``db``
    The test runs inside a transaction that is rolled back at its end, so no
    row it writes outlives it. Works for ``def`` tests (a synchronous
    transaction) and ``async def`` tests (an async one, on the test's event
    loop). ``atomic()`` blocks inside the test become savepoints and
    ``on_commit`` callbacks do not run, as in Django's ``TestCase``. Requests
    made with ``async_client`` run in the test's task and see its rows; the
    synchronous ``client`` runs the app on another thread and event loop, so
    use ``transactional_db`` with it.
``transactional_db``
    Real commits (``on_commit`` runs); every table is emptied after the test.
``assert_num_queries``
    ``with assert_num_queries(2): ...`` fails when the block sends another
    number of SQL statements, listing the ones it sent.

The test databases are created once per project and test session (see
:mod:`fastjango.orm.testing.databases`) and dropped at the end.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from fastjango.core.project import Project
from fastjango.orm.db.connections import Databases, replaced_databases
from fastjango.orm.db.execution import TransactionState
from fastjango.orm.testing.databases import flush_tables, setup_test_databases
from fastjango.orm.testing.queries import assert_num_queries as _assert_num_queries

_SESSIONS: dict[int, tuple[Project, Databases, contextlib.ExitStack]] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fastjango")
    group.addoption(
        "--fastjango-keepdb",
        action="store_true",
        default=False,
        help="Keep the test databases (PostgreSQL, MariaDB) after the run.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fastjango_db: test uses the database (set by the db fixtures)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for _, _, stack in _SESSIONS.values():
        stack.close()
    _SESSIONS.clear()


def _test_databases(project: Project, keep: bool) -> Databases:
    entry = _SESSIONS.get(id(project))
    if entry is None or entry[0] is not project:
        stack = contextlib.ExitStack()
        databases = stack.enter_context(setup_test_databases(project, keep=keep))
        entry = _SESSIONS[id(project)] = (project, databases, stack)
    return entry[1]


@pytest.fixture
def fastjango_test_databases(fastjango_project: Project, request: pytest.FixtureRequest) -> Iterator[Databases]:
    """The project's test databases, active for this test."""
    databases = _test_databases(fastjango_project, bool(request.config.getoption("fastjango_keepdb")))
    with replaced_databases(fastjango_project, databases), fastjango_project.activated():
        yield databases


@pytest.fixture
def db(request: pytest.FixtureRequest, fastjango_test_databases: Databases) -> Iterator[None]:
    """Run the test in a transaction rolled back at its end (sync and async tests)."""
    if inspect.iscoroutinefunction(getattr(request, "function", None)):
        request.getfixturevalue("_fastjango_async_db")
        yield
        return
    from fastjango.orm.transaction import Atomic

    blocks = [Atomic(alias) for alias in fastjango_test_databases]
    with contextlib.ExitStack() as stack:
        for block in blocks:
            stack.enter_context(block)
            _mark_test(block)
        yield


def _mark_test(block: Any) -> None:
    state: TransactionState | None = block._state
    assert state is not None
    state.is_test = True


@pytest.fixture
async def _fastjango_async_db(fastjango_test_databases: Databases) -> AsyncIterator[None]:
    from fastjango.orm.transaction import Atomic

    blocks = [Atomic(alias) for alias in fastjango_test_databases]
    try:
        async with contextlib.AsyncExitStack() as stack:
            for block in blocks:
                await stack.enter_async_context(block)
                _mark_test(block)
            yield
    finally:
        # Pooled async connections belong to this test's event loop: close them while it runs.
        await fastjango_test_databases.aclose()


@pytest.fixture
async def _fastjango_async_engines(fastjango_test_databases: Databases) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await fastjango_test_databases.aclose()


@pytest.fixture
def transactional_db(
    request: pytest.FixtureRequest, fastjango_test_databases: Databases, fastjango_project: Project
) -> Iterator[None]:
    """Let the test commit for real; empty every table afterwards (then plugins' post-migrate rows come back)."""
    if inspect.iscoroutinefunction(getattr(request, "function", None)):
        request.getfixturevalue("_fastjango_async_engines")
    try:
        yield
    finally:
        flush_tables(fastjango_test_databases, fastjango_project)


@pytest.fixture
def assert_num_queries() -> Callable[..., Any]:
    """``with assert_num_queries(n, using=None): ...``"""
    return _assert_num_queries
