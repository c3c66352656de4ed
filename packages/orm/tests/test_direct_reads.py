"""Simple reads outside atomic(), sync and async, go straight to the driver (query/direct.py).

They must be indistinguishable from the ORM path: the same objects with the
same values and types, objects that save, delete and refresh as loaded ones
do, the same errors, and no connection lost or leaked on failures. A
cursor-execution listener on the engine sends reads down the ORM path (so
tracing tools see every statement); the tests use that to compare the paths.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from orm_test_models import Author, Book, Publisher, Tag
from server_connections import ID_QUERY, end_connection
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from fastjango.core.project import Project
from fastjango.orm import (
    NotLoadedError,
    PoolExhaustedError,
    Q,
    SynchronousOnlyOperation,
    TransactionManagementError,
    transaction,
)
from fastjango.orm.db.connections import Databases, get_databases, replaced_databases
from fastjango.orm.db.execution import current_transaction
from fastjango.orm.query import direct
from fastjango.orm.settings import PoolSettings
from fastjango.orm.testing import assert_num_queries

pytestmark = pytest.mark.usefixtures("transactional_db")


def _direct_shapes(model: type[Any], dialect: Any = None) -> list[tuple[Any, ...]]:
    """The shapes of ``model`` read directly so far (on ``dialect``, or every dialect)."""
    return [
        key[1]
        for on, plans in list(direct._plans.items())
        if dialect is None or on is dialect
        for key, plan in plans.items()
        if key[0] is model and plan
    ]


def _sync_dialect(databases: Databases | None = None) -> Any:
    """The dialect object of the default database's sync engine (plans are cached per dialect)."""
    return (databases or get_databases())["default"].sync_engine.dialect


@contextmanager
def orm_path(sync: bool = False) -> Iterator[list[str]]:
    """Reads take the ORM path while a cursor listener is on the engine; yields the statements it saw."""
    database = get_databases()["default"]
    engine = database.sync_engine if sync else database.async_engine.sync_engine
    seen: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _state(obj: Any) -> tuple[Any, ...]:
    """Every column value of ``obj`` with its type, and its identity."""
    values = tuple(
        (field.attname, type(getattr(obj, field.attname)), getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
    )
    return (type(obj), values, inspect(obj).key, inspect(obj).detached)


_AUTHORS: dict[str, dict[str, Any]] = {
    "ann": {"name": "Ann", "email": "ann@example.com", "born": datetime.date(1980, 5, 17)},
    "bob": {"name": "Bob"},
}


def _books(ann: Author, bob: Author, acme: Publisher) -> dict[str, dict[str, Any]]:
    return {
        "alpha": {
            "title": "Alpha",
            "author": ann,
            "publisher": acme,
            "pages": 120,
            "price": decimal.Decimal("12.50"),
            "rating": 4.5,
            "published": datetime.datetime(2024, 3, 1, 12, 30, tzinfo=datetime.UTC),
            "reading_time": datetime.timedelta(hours=2, minutes=5),
            "data": {"tags": ["x", "y"], "n": 1, "nested": {"ok": True}},
            "status": Book.Status.PUBLISHED,
        },
        "beta": {"title": "Beta", "author": ann, "pages": 80, "editor": bob},
        "gamma": {"title": "Gamma", "author": bob, "pages": 300, "data": [1, 2, 3]},
    }


async def _library() -> dict[str, Any]:
    library: dict[str, Any] = {key: await Author.objects.acreate(**values) for key, values in _AUTHORS.items()}
    library["acme"] = await Publisher.objects.acreate(name="Acme")
    for key, values in _books(library["ann"], library["bob"], library["acme"]).items():
        library[key] = await Book.objects.acreate(**values)
    return library


def _sync_library() -> dict[str, Any]:
    library: dict[str, Any] = {key: Author.objects.create(**values) for key, values in _AUTHORS.items()}
    library["acme"] = Publisher.objects.create(name="Acme")
    for key, values in _books(library["ann"], library["bob"], library["acme"]).items():
        library[key] = Book.objects.create(**values)
    return library


def _simple_reads(library: dict[str, Any]) -> list[Callable[[], Any]]:
    """QuerySets of every shape the direct path covers, and how many rows each finds."""
    alpha, ann = library["alpha"], library["ann"]
    return [
        lambda: Book.objects.filter(pk=alpha.pk),
        lambda: Book.objects.filter(author=ann).order_by("-pages"),
        lambda: Book.objects.filter(author_id=ann.pk, pages=80),
        lambda: Book.objects.filter(isbn=alpha.isbn),
        lambda: Book.objects.filter(status=Book.Status.PUBLISHED),
        lambda: Book.objects.filter(price=decimal.Decimal("12.50")),
        lambda: Book.objects.filter(published=alpha.published),
        lambda: Book.objects.filter(reading_time=datetime.timedelta(hours=2, minutes=5)),
        lambda: Book.objects.order_by("title")[1:3],
        lambda: Book.objects.order_by("-title")[1:],
        lambda: Book.objects.order_by("pages", "-id")[:2],
        lambda: Author.objects.all(),  # Meta.ordering
        lambda: Author.objects.filter(name="Ann").filter(email="ann@example.com"),
        lambda: Tag.objects.filter(slug="none"),
    ]


_SIMPLE_READ_ROWS = [1, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 0]
_SIMPLE_READ_SHAPES = [
    (("id",), ("-created",), False, False),
    (("author_id",), ("-pages",), False, False),
    ((), ("title",), True, True),
]


async def test_simple_reads_go_direct_and_match_the_orm_path() -> None:
    reads = _simple_reads(await _library())
    direct_results = [[_state(obj) for obj in await read().alist()] for read in reads]
    with orm_path() as seen:
        orm_results = [[_state(obj) for obj in await read().alist()] for read in reads]
    assert len(seen) == len(reads)  # the listener turned every read to the ORM path
    assert direct_results == orm_results
    assert [len(rows) for rows in direct_results] == _SIMPLE_READ_ROWS
    # Those reads were direct: fastjango compiled a plan for each shape.
    assert all(shape in _direct_shapes(Book) for shape in _SIMPLE_READ_SHAPES)
    assert _direct_shapes(Author)


def test_sync_simple_reads_go_direct_and_match_the_orm_path() -> None:
    reads = _simple_reads(_sync_library())
    dialect = _sync_dialect()
    direct_results = [[_state(obj) for obj in read()] for read in reads]
    # Those reads were direct: fastjango compiled a plan for each shape, for the sync driver's dialect.
    assert all(shape in _direct_shapes(Book, dialect) for shape in _SIMPLE_READ_SHAPES)
    assert _direct_shapes(Author, dialect)
    with orm_path(sync=True) as seen:
        orm_results = [[_state(obj) for obj in read()] for read in reads]
    assert len(seen) == len(reads)  # the listener turned every read to the ORM path
    assert direct_results == orm_results
    assert [len(rows) for rows in direct_results] == _SIMPLE_READ_ROWS


async def test_get_first_last_and_in_bulk_go_direct() -> None:
    library = await _library()
    with assert_num_queries(1) as captured:
        book = await Book.objects.aget(pk=library["beta"].pk)
    assert book.title == "Beta" and book.editor_id == library["bob"].pk
    assert captured.statements[0][0] == "default" and "WHERE" in captured.statements[0][1]
    assert ((("id",), (), True, False)) in _direct_shapes(Book)
    assert (await Book.objects.order_by("pages").afirst()).title == "Beta"  # type: ignore[union-attr]
    assert (await Book.objects.order_by("pages").alast()).title == "Gamma"  # type: ignore[union-attr]
    with pytest.raises(Book.DoesNotExist):
        await Book.objects.aget(pk=10**6)
    with pytest.raises(Book.MultipleObjectsReturned):
        await Book.objects.aget(author=library["ann"])


async def test_direct_objects_behave_as_loaded_objects() -> None:
    library = await _library()
    book = await Book.objects.aget(pk=library["alpha"].pk)
    assert book == library["alpha"] and inspect(book).detached and not inspect(book).modified
    book.title = "Alpha, revised"
    await book.asave()
    assert await Book.objects.acount() == 3  # an UPDATE, not a second row
    assert (await Book.objects.aget(pk=book.pk)).title == "Alpha, revised"
    await Book.objects.filter(pk=book.pk).aupdate(pages=999)
    await book.arefresh_from_db()
    assert book.pages == 999
    with pytest.raises(NotLoadedError):
        _ = book.author  # no lazy query in async code, as with ORM-loaded objects
    assert (await book.arelated("author")).name == "Ann"
    assert [b.title async for b in library["ann"].books.order_by("title")] == ["Alpha, revised", "Beta"]
    await book.adelete()
    assert await Book.objects.acount() == 2


async def test_reads_the_direct_path_does_not_cover_still_work() -> None:
    library = await _library()
    shapes_before = len(_direct_shapes(Book))
    assert [b.title async for b in Book.objects.filter(author__name="Ann").order_by("title")] == ["Alpha", "Beta"]
    assert [b.title async for b in Book.objects.filter(Q(pages__gt=100) | Q(title="Beta")).order_by("id")] == [
        "Alpha",
        "Beta",
        "Gamma",
    ]
    assert [b.title async for b in Book.objects.exclude(pk=library["alpha"].pk).order_by("id")] == ["Beta", "Gamma"]
    assert [b.title async for b in Book.objects.filter(editor=None).order_by("id")] == ["Alpha", "Gamma"]
    assert [b.title async for b in Book.objects.order_by("author", "title")] == ["Alpha", "Beta", "Gamma"]
    assert (await Book.objects.select_related("author").aget(pk=library["beta"].pk)).author.name == "Ann"
    assert [b.title async for b in Book.objects.filter(pk=library["gamma"].pk).only("title")] == ["Gamma"]
    assert len(_direct_shapes(Book)) == shapes_before


async def test_reads_inside_atomic_go_direct_on_the_blocks_connection() -> None:
    library = await _library()
    beta = library["beta"]
    shapes_before = len(_direct_shapes(Book))
    async with transaction.atomic():
        await Book.objects.filter(pk=beta.pk).aupdate(title="Beta 2")
        # The block's own uncommitted row, read directly in its transaction.
        assert (await Book.objects.filter(isbn=beta.isbn).aget()).title == "Beta 2"
        assert [b.title async for b in Book.objects.filter(author=library["ann"]).order_by("pages")] == [
            "Beta 2",
            "Alpha",
        ]
        transaction.set_rollback(True)
    assert len(_direct_shapes(Book)) == shapes_before + 2  # both shapes were read directly
    assert (await Book.objects.aget(pk=beta.pk)).title == "Beta"  # rolled back
    async with transaction.atomic():
        with pytest.raises(sa_exc.IntegrityError):  # a failed statement without a savepoint ...
            await Publisher.objects.acreate(name="Acme")
        with pytest.raises(TransactionManagementError, match="until the end of its atomic"):
            await Book.objects.aget(pk=beta.pk)  # ... and no read may run until the block ends


async def test_a_load_listener_still_sees_every_object() -> None:
    library = await _library()
    loaded: list[Any] = []

    def on_load(target: Any, context: Any) -> None:
        loaded.append(target.title)

    event.listen(Book, "load", on_load)
    try:
        assert (await Book.objects.aget(pk=library["alpha"].pk)).title == "Alpha"
    finally:
        event.remove(Book, "load", on_load)
    assert loaded == ["Alpha"]


async def test_a_key_no_row_can_hold_is_simply_not_found() -> None:
    await _library()
    # A 71-bit key: no database is asked (drivers refuse it); as in Django 5, no row matches.
    with pytest.raises(Book.DoesNotExist):
        await Book.objects.aget(pk=2**70)
    with orm_path(), pytest.raises(Book.DoesNotExist):
        await Book.objects.aget(pk=2**70)
    assert await Book.objects.acount() == 3  # and the pool still works


def _pool(databases: Databases, **pool: Any) -> Databases:
    config = databases._configs["default"]
    return Databases({"default": config.model_copy(update={"POOL": PoolSettings(**pool)})})


@asynccontextmanager
async def _own_pool(project: Project, databases: Databases, **pool: Any) -> AsyncIterator[Databases]:
    own = _pool(databases, **pool)
    with replaced_databases(project, own):
        try:
            yield own
        finally:
            await own.aclose()


async def test_an_exhausted_pool_is_the_usual_fast_error(
    fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = await _library()
    async with _own_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0, TIMEOUT=0.3) as own:
        async with own["default"].async_engine.connect():  # holds the only connection
            with pytest.raises(PoolExhaustedError, match="all 1 pooled connections are in use"):
                await Book.objects.aget(pk=library["alpha"].pk)
        assert (await Book.objects.aget(pk=library["alpha"].pk)).title == "Alpha"


async def test_cancelled_reads_leave_no_connection_behind(
    fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = await _library()
    pk = library["gamma"].pk
    async with _own_pool(fastjango_project, fastjango_test_databases, SIZE=3, MAX_OVERFLOW=0, TIMEOUT=5) as own:
        for delay in (0, 0.0005, 0.001, 0.002, 0.005):
            tasks = [asyncio.create_task(Book.objects.aget(pk=pk)) for _ in range(12)]
            await asyncio.sleep(delay)
            for task in tasks[::2]:
                task.cancel()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
            assert all(isinstance(o, asyncio.CancelledError) or o.title == "Gamma" for o in outcomes)  # type: ignore[union-attr]
            # A cancelled read may finish in the background first; then every connection is back.
            pool = own["default"].async_engine.sync_engine.pool
            for _ in range(500):
                if pool.checkedout() == 0:
                    break
                await asyncio.sleep(0.01)
            assert pool.checkedout() == 0
        titles = await asyncio.gather(*(Book.objects.aget(pk=pk) for _ in range(9)))
        assert {book.title for book in titles} == {"Gamma"}


async def test_recycled_connections_are_reopened_on_the_way_to_a_direct_read(
    fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    # RECYCLE=0: every idle connection is past its age, so each checkout closes it and opens a new one,
    # which needs I/O in the pool; a read that started without a greenlet must still get its row.
    library = await _library()
    async with _own_pool(fastjango_project, fastjango_test_databases, SIZE=2, MAX_OVERFLOW=0, RECYCLE=0) as own:
        opened: list[object] = []
        pool = own["default"].async_engine.sync_engine.pool
        event.listen(pool, "connect", lambda dbapi_connection, record: opened.append(dbapi_connection))
        titles = []
        for _ in range(3):
            for key in ("alpha", "beta"):
                titles.append((await Book.objects.aget(pk=library[key].pk)).title)
            titles.extend(book.title for book in await Book.objects.filter(title="Gamma").alist())
        assert titles == ["Alpha", "Beta", "Gamma"] * 3
        assert len(opened) >= 9  # a fresh connection for each read
        assert pool.checkedout() == 0


async def test_reads_with_pre_ping_on(fastjango_project: Project, fastjango_test_databases: Databases) -> None:
    library = await _library()
    async with _own_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0, PRE_PING=True) as own:
        pings: list[object] = []
        pool = own["default"].async_engine.sync_engine.pool
        event.listen(pool, "checkout", lambda *args: pings.append(args))
        assert [(await Book.objects.aget(pk=library[key].pk)).title for key in ("alpha", "beta")] == ["Alpha", "Beta"]
        assert len(pings) == 2
        assert pool.checkedout() == 0


@pytest.mark.servers_only
async def test_a_dead_connection_costs_no_direct_read(
    backend: str, fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = await _library()
    async with _own_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0) as own:
        engine = own["default"].async_engine
        async with engine.connect() as connection:  # the one pooled connection: note who it is
            own_id = (await connection.execute(text(ID_QUERY[backend]))).scalar_one()
        end_connection(backend, engine.sync_engine.url, own_id)
        # The direct read meets the dead connection, drops it, and the ORM path reads on a new one.
        assert (await Book.objects.aget(pk=library["alpha"].pk)).title == "Alpha"
        assert (await Book.objects.aget(pk=library["beta"].pk)).title == "Beta"


# ------------------------------------------------------------------ synchronous reads


def test_sync_get_first_last_and_related_managers_go_direct() -> None:
    library = _sync_library()
    dialect = _sync_dialect()
    with assert_num_queries(1) as captured:
        book = Book.objects.get(pk=library["beta"].pk)
    assert book.title == "Beta" and book.editor_id == library["bob"].pk
    assert captured.statements[0][0] == "default" and "WHERE" in captured.statements[0][1]
    assert (("id",), (), True, False) in _direct_shapes(Book, dialect)
    assert Book.objects.order_by("pages").first().title == "Beta"  # type: ignore[union-attr]
    assert Book.objects.order_by("pages").last().title == "Gamma"  # type: ignore[union-attr]
    assert [b.title for b in library["ann"].books.order_by("title")] == ["Alpha", "Beta"]
    assert (("author_id",), ("title",), False, False) in _direct_shapes(Book, dialect)
    with pytest.raises(Book.DoesNotExist):
        Book.objects.get(pk=10**6)
    with pytest.raises(Book.MultipleObjectsReturned):
        Book.objects.get(author=library["ann"])


def test_sync_direct_objects_behave_as_loaded_objects() -> None:
    library = _sync_library()
    book = Book.objects.get(pk=library["alpha"].pk)
    assert (("id",), (), True, False) in _direct_shapes(Book, _sync_dialect())
    assert book == library["alpha"] and inspect(book).detached and not inspect(book).modified
    book.title = "Alpha, revised"
    book.save()
    assert Book.objects.count() == 3  # an UPDATE, not a second row
    assert Book.objects.get(pk=book.pk).title == "Alpha, revised"
    Book.objects.filter(pk=book.pk).update(pages=999)
    book.refresh_from_db()
    assert book.pages == 999
    with assert_num_queries(1):
        assert book.author.name == "Ann"  # a lazy load, as with ORM-loaded objects in sync code
    book.delete()
    assert Book.objects.count() == 2


def test_sync_reads_the_direct_path_does_not_cover_still_work() -> None:
    library = _sync_library()
    beta = library["beta"]
    assert Book.objects.get(pk=beta.pk).title == "Beta"  # direct: outside atomic()
    dialect = _sync_dialect()
    shapes_before = len(_direct_shapes(Book, dialect))
    assert shapes_before
    with transaction.atomic():  # inside a transaction: directly, on the block's connection
        Book.objects.filter(pk=beta.pk).update(title="Beta 2")
        assert Book.objects.get(title="Beta 2").pk == beta.pk
        assert [b.title for b in Book.objects.filter(author=library["ann"]).order_by("pages")] == ["Beta 2", "Alpha"]
    shapes_before += 2  # those two shapes were new, and read directly
    assert len(_direct_shapes(Book, dialect)) == shapes_before
    assert [b.title for b in Book.objects.filter(author__name="Ann").order_by("title")] == ["Alpha", "Beta 2"]
    assert [b.title for b in Book.objects.filter(pk=library["gamma"].pk).only("title")] == ["Gamma"]
    loaded: list[Any] = []

    def on_load(target: Any, context: Any) -> None:
        loaded.append(target.title)

    event.listen(Book, "load", on_load)
    try:
        assert Book.objects.filter(isbn=beta.isbn).get().title == "Beta 2"
    finally:
        event.remove(Book, "load", on_load)
    assert loaded == ["Beta 2"]
    assert len(_direct_shapes(Book, dialect)) == shapes_before


@contextmanager
def _own_sync_pool(project: Project, databases: Databases, **pool: Any) -> Iterator[Databases]:
    own = _pool(databases, **pool)
    with replaced_databases(project, own):
        try:
            yield own
        finally:
            own.close()


def test_sync_an_exhausted_pool_is_the_usual_fast_error(
    fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = _sync_library()
    with _own_sync_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0, TIMEOUT=0.3) as own:
        holder = own["default"].sync_engine.connect()  # holds the only connection
        with holder, pytest.raises(PoolExhaustedError, match="all 1 pooled connections are in use"):
            Book.objects.get(pk=library["alpha"].pk)
        assert Book.objects.get(pk=library["alpha"].pk).title == "Alpha"
        assert _direct_shapes(Book, _sync_dialect(own))
        assert own["default"].sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


@pytest.mark.servers_only
def test_sync_a_dead_connection_costs_no_direct_read(
    backend: str, fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = _sync_library()
    with _own_sync_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0) as own:
        engine = own["default"].sync_engine
        with engine.connect() as connection:  # the one pooled connection: note who it is
            own_id = connection.execute(text(ID_QUERY[backend])).scalar_one()
        end_connection(backend, engine.url, own_id)
        # The direct read meets the dead connection, drops it, and the ORM path reads on a new one.
        # (The ORM path alone would fail here: the pool does not ping connections by default.)
        assert Book.objects.get(pk=library["alpha"].pk).title == "Alpha"
        assert Book.objects.get(pk=library["beta"].pk).title == "Beta"
        assert _direct_shapes(Book, _sync_dialect(own))
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_sync_direct_reads_send_no_begin(
    backend: str, fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = _sync_library()
    with _own_sync_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0) as own:
        engine = own["default"].sync_engine
        returned: list[tuple[bool, bool]] = []

        def on_reset(dbapi_connection: Any, record: Any, state: Any) -> None:
            # Before the pool's ROLLBACK: (autocommit flag as the pool left it, in a transaction?)
            if backend == "postgresql":
                status = dbapi_connection.info.transaction_status.name
                returned.append((dbapi_connection.autocommit, status != "IDLE"))
            elif backend == "mariadb":  # MariaDB's own answer; PyMySQL keeps no flag
                cursor = dbapi_connection.cursor()
                cursor.execute("SELECT @@in_transaction")
                (in_transaction,) = cursor.fetchone()
                cursor.close()
                returned.append((dbapi_connection.get_autocommit(), bool(in_transaction)))
            else:
                returned.append((dbapi_connection.isolation_level is None, dbapi_connection.in_transaction))

        event.listen(engine.pool, "reset", on_reset)
        try:
            assert Book.objects.get(pk=library["alpha"].pk).title == "Alpha"
            assert [b.title for b in Book.objects.order_by("title")[:2]] == ["Alpha", "Beta"]
        finally:
            event.remove(engine.pool, "reset", on_reset)
        assert len(_direct_shapes(Book, _sync_dialect(own))) == 2
        # PostgreSQL and SQLite: no BEGIN was sent, and psycopg's autocommit is off again (sqlite3
        # connections are always in it). MariaDB keeps the driver's transaction, as the ORM path does
        # there (autocommit would cost a round trip each way); the pool rolls it back.
        expected = (False, True) if backend == "mariadb" else (backend == "sqlite", False)
        assert returned == [expected] * 2


async def test_sync_reads_in_async_code_are_refused_before_any_direct_read(
    monkeypatch: pytest.MonkeyPatch, fastjango_project: Project, fastjango_test_databases: Databases
) -> None:
    library = await _library()
    with _own_sync_pool(fastjango_project, fastjango_test_databases, SIZE=1, MAX_OVERFLOW=0) as own:
        with pytest.raises(SynchronousOnlyOperation, match="Evaluating a Book QuerySet"):
            Book.objects.get(pk=library["alpha"].pk)
        with pytest.raises(SynchronousOnlyOperation):
            list(Book.objects.filter(author=library["ann"]))
        assert not _direct_shapes(Book, _sync_dialect(own))
        monkeypatch.setenv("FASTJANGO_ALLOW_ASYNC_UNSAFE", "1")  # allowed: then the read is direct as anywhere
        assert Book.objects.get(pk=library["alpha"].pk).title == "Alpha"
        assert _direct_shapes(Book, _sync_dialect(own)) == [(("id",), (), True, False)]


@pytest.mark.servers_only
def test_sync_a_failed_read_inside_atomic_is_reported_and_ends_the_block(
    backend: str, fastjango_test_databases: Databases
) -> None:
    # Another connection locks the table; the block's read gives up waiting for it. The read cannot be
    # retried on the ORM path inside a transaction, so the driver's error is reported as SQLAlchemy
    # reports it, and the block accepts no more statements, as after a failed ORM query.
    library = _sync_library()
    engine = fastjango_test_databases["default"].sync_engine
    table = Book._meta.db_table
    outsider = create_engine(engine.url, poolclass=NullPool)
    try:
        with outsider.connect() as locker, locker.begin():
            if backend == "postgresql":
                locker.execute(text(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE'))
            else:
                locker.execute(text(f"LOCK TABLES `{table}` WRITE"))
            alpha = library["alpha"]
            with transaction.atomic():
                block = current_transaction("default")
                assert block is not None
                if backend == "postgresql":
                    block.sync_connection().exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                else:
                    block.sync_connection().exec_driver_sql("SET SESSION lock_wait_timeout = 1")
                failing = Book.objects.filter(title=alpha.title, pages=alpha.pages).order_by("-pages", "title")
                with pytest.raises(sa_exc.OperationalError, match="(?i)lock"):
                    failing.get()
                # It was a direct read (its shape has a plan), and the block must roll back now.
                assert (("pages", "title"), (), True, False) in _direct_shapes(
                    Book, _sync_dialect()
                )  # get() drops the order
                assert block.needs_rollback
                with pytest.raises(TransactionManagementError, match="until the end of its atomic"):
                    Book.objects.get(pk=library["beta"].pk)
                if backend == "mariadb":
                    block.needs_rollback = False  # only to reset the session setting
                    block.sync_connection().exec_driver_sql("SET SESSION lock_wait_timeout = DEFAULT")
                transaction.set_rollback(True)
    finally:
        outsider.dispose()
    assert Book.objects.get(pk=library["alpha"].pk).title == "Alpha"  # and the next block works
