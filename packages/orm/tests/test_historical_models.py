"""Historical models of data migrations: the tables as they are on the migration's connection.

Each test plays a migration: it opens a connection of the test database's sync
engine, begins a transaction, creates tables with SQLAlchemy DDL and rows with
SQL, then works through ``HistoricalApps(connection)`` and checks the results
with SQL on the same connection.
"""

# ruff: noqa: N806  (models are named like classes, ``Post = apps.get_model(...)``, as in Django)

from __future__ import annotations

import asyncio
import datetime
import decimal
import uuid
from collections.abc import Iterator
from typing import Any

import orm_recording_plugin as recorder
import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Double,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    Uuid,
    event,
    inspect,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import mysql, postgresql

from fastjango.core.project import Project
from fastjango.orm import Model, TransactionManagementError, fields, transaction
from fastjango.orm.db.connections import Databases
from fastjango.orm.migrations.historical import HistoricalApps
from fastjango.orm.models.base import metadata
from fastjango.orm.models.builder import ColumnField
from fastjango.orm.models.registry import models_registry

ID = BigInteger().with_variant(Integer(), "sqlite")  # what an automatic primary key is on each database


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """A project whose plugin records lifecycle hooks: historical models must not fire them."""
    with recorder.recording_project(backend) as project:
        yield project


def _tables() -> tuple[MetaData, Table, Table]:
    schema = MetaData()
    author = Table("hist_author", schema, Column("id", ID, primary_key=True), Column("name", String(50)))
    post = Table(
        "hist_post",
        schema,
        Column("id", ID, primary_key=True),
        Column("title", String(100), nullable=False),
        Column("slug", String(100), nullable=False),
        Column("body", Text().with_variant(mysql.LONGTEXT(), "mariadb")),
        Column("views", Integer),
        Column("rank", SmallInteger),
        Column("big", BigInteger),
        Column("published", Boolean(create_constraint=False), nullable=False),
        Column("created", DateTime(timezone=True)),
        Column("day", Date),
        Column("at", Time),
        Column("price", Numeric(8, 2)),
        Column("score", Double),
        Column("data", JSON().with_variant(postgresql.JSONB(), "postgresql")),  # as JSONField makes it
        Column("token", Uuid),
        Column("blob", LargeBinary),
        Column("status", Enum("draft", "live", name="hist_status")),
        Column("author_id", ID, ForeignKey("hist_author.id")),
    )
    return schema, author, post


@pytest.fixture
def connection(fastjango_test_databases: Databases) -> Iterator[Connection]:
    """A migration's connection: in a transaction, with hist_author and hist_post created and filled."""
    schema, author, post = _tables()
    engine = fastjango_test_databases["default"].sync_engine
    with engine.connect() as connection:
        connection.begin()
        try:
            schema.create_all(connection)
            connection.execute(author.insert(), [{"name": "Ann"}, {"name": "Bob"}])
            connection.execute(
                post.insert(),
                [
                    {"title": "Hello World", "slug": "", "published": True, "author_id": 1, "views": 3},
                    {"title": "Second Post", "slug": "", "published": False, "author_id": 2, "views": None},
                    {"title": "Done", "slug": "done", "published": True, "author_id": None, "views": None},
                ],
            )
            yield connection
        finally:
            connection.rollback()
            schema.drop_all(connection, checkfirst=True)  # MariaDB commits DDL: the tables outlive a rollback
            connection.commit()


def _rows(connection: Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in connection.execute(text(sql))]


def test_a_data_migration_reads_and_writes_through_the_historical_model(connection: Connection) -> None:
    apps = HistoricalApps(connection)
    Post = apps.get_model("hist", "Post")

    for post in Post.objects.filter(slug=""):
        post.slug = post.title.lower().replace(" ", "-")
        post.save()
    Post.objects.create(title="Welcome", slug="welcome", published=False)
    assert _rows(connection, "SELECT id, slug FROM hist_post ORDER BY id") == [
        (1, "hello-world"),
        (2, "second-post"),
        (3, "done"),
        (4, "welcome"),
    ]

    assert Post.objects.count() == 4
    assert Post.objects.filter(published=True).exclude(slug="done").get().title == "Hello World"
    assert Post.objects.get(pk=1).author_id == 1  # a foreign key is its plain column
    first = Post.objects.order_by("-id").first()
    assert first is not None
    assert first.slug == "welcome"
    assert Post.objects.filter(author_id=2).exists()
    assert list(Post.objects.filter(author_id__isnull=False).order_by("id").values("slug", "author_id")) == [
        {"slug": "hello-world", "author_id": 1},
        {"slug": "second-post", "author_id": 2},
    ]
    assert list(Post.objects.order_by("id").values_list("id", flat=True)) == [1, 2, 3, 4]

    assert Post.objects.filter(published=False).update(views=10) == 2
    posts = list(Post.objects.order_by("id"))
    for post in posts:
        post.rank = post.id * 2
    assert Post.objects.bulk_update(posts, ["rank"]) == 4
    Post.objects.bulk_create([Post(title="Bulk", slug="bulk", published=True)])
    obj, created = Post.objects.get_or_create(slug="welcome", defaults={"title": "Other", "published": True})
    assert (obj.title, created) == ("Welcome", False)
    assert Post.objects.get_or_create(slug="new", defaults={"title": "New", "published": True})[1] is True
    assert _rows(connection, "SELECT slug, views, rank FROM hist_post ORDER BY id") == [
        ("hello-world", 3, 2),
        ("second-post", 10, 4),
        ("done", None, 6),
        ("welcome", 10, 8),
        ("bulk", None, None),
        ("new", None, None),
    ]

    done = Post.objects.get(slug="done")
    connection.execute(text("UPDATE hist_post SET title = 'Changed' WHERE id = 3"))
    done.refresh_from_db()
    assert done.title == "Changed"
    done.delete()
    assert Post.objects.filter(slug__in=["bulk", "new"]).delete()[0] == 2
    assert _rows(connection, "SELECT id FROM hist_post ORDER BY id") == [(1,), (2,), (4,)]
    assert recorder.events == []  # no lifecycle hook fired for the historical model


def test_everything_runs_on_the_connection_in_its_transaction(backend: str, connection: Connection) -> None:
    pool = connection.engine.pool
    checked_out = pool.checkedout()
    checkouts: list[object] = []

    def count(*args: object) -> None:
        checkouts.append(args)

    event.listen(pool, "checkout", count)
    try:
        Post = HistoricalApps(connection).get_model("hist", "Post")
        post = Post.objects.get(pk=1)  # a simple read (the direct path), on the connection
        post.title = "Renamed"
        post.save()
        Post.objects.create(title="New", slug="new", published=True)
        Post.objects.filter(pk=2).delete()
        assert [p.title for p in Post.objects.order_by("id")] == ["Renamed", "Done", "New"]
        assert pool.checkedout() == checked_out
    finally:
        event.remove(pool, "checkout", count)
    assert checkouts == []  # the ORM took no connection from the pool

    connection.rollback()
    with connection.begin():
        names = inspect(connection).get_table_names()
        if backend == "mariadb":  # DDL commits there; the rows written after it are gone
            assert _rows(connection, "SELECT COUNT(*) FROM hist_post") == [(0,)]
        else:  # transactional DDL: the tables are gone too
            assert "hist_post" not in names
            assert "hist_author" not in names


def test_columns_become_django_style_fields_and_values_round_trip(backend: str, connection: Connection) -> None:
    Post = HistoricalApps(connection).get_model("hist", "Post")
    meta = Post._meta
    kinds = {field.name: type(field) for field in meta.fields}
    assert kinds == {
        "id": fields.AutoField if backend == "sqlite" else fields.BigAutoField,  # SQLite's id is an INTEGER
        "title": fields.CharField,
        "slug": fields.CharField,
        "body": fields.TextField,
        "views": fields.IntegerField,
        "rank": fields.SmallIntegerField,
        "big": fields.BigIntegerField,
        "published": fields.BooleanField,  # TINYINT(1) on MariaDB
        "created": fields.DateTimeField,
        "day": fields.DateField,
        "at": fields.TimeField,
        "price": fields.DecimalField,
        "score": fields.FloatField,
        "data": fields.JSONField,  # LONGTEXT with a json_valid() check on MariaDB
        # SQLite stores a UUID as CHAR(32): without a current model declaring a UUIDField, text.
        "token": fields.CharField if backend == "sqlite" else fields.UUIDField,
        "blob": fields.BinaryField,
        # An enum has no field: the column keeps its reflected type (SQLite has no enum: a VARCHAR).
        "status": fields.CharField if backend == "sqlite" else ColumnField,
        "author_id": fields.IntegerField if backend == "sqlite" else fields.BigIntegerField,
    }
    assert meta.pk is meta.get_field("id")
    assert meta.get_field("title").max_length == 100
    price = meta.get_field("price")
    assert isinstance(price, fields.DecimalField)
    assert (price.max_digits, price.decimal_places) == (8, 2)
    assert {field.name for field in meta.fields if field.null} == {
        *["body", "views", "rank", "big", "created", "day", "at", "price", "score", "data"],
        *["token", "blob", "status", "author_id"],
    }

    token = uuid.uuid4()
    created = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    values: dict[str, Any] = {
        "title": "Typed",
        "slug": "typed",
        "body": "A long body",
        "views": 2**31 - 1,
        "rank": 7,
        "big": 2**62,
        "published": True,
        "created": created,
        "day": datetime.date(2024, 5, 6),
        "at": datetime.time(7, 8, 9),
        "price": decimal.Decimal("123456.78"),
        "score": 0.5,
        "data": {"tags": ["a", "b"], "n": 1},
        "token": token if backend != "sqlite" else token.hex,
        "blob": b"\x00\x01binary",
        "status": "live",
        "author_id": 2,
    }
    pk = Post.objects.create(**values).pk
    loaded = Post.objects.get(pk=pk)
    for name, value in values.items():
        assert getattr(loaded, name) == value, name
        assert type(getattr(loaded, name)) is type(value), name
    assert Post.objects.filter(published=False).count() == 1
    assert Post.objects.get(data__n=1, token=values["token"]).pk == pk
    assert _rows(connection, f"SELECT title, author_id FROM hist_post WHERE id = {int(pk)}") == [("Typed", 2)]


def test_a_current_model_gives_its_table_and_the_database_its_columns(backend: str, connection: Connection) -> None:
    name = f"Entry{backend.title()}"  # one class per backend: SQLAlchemy keeps classes by name
    meta = type("Meta", (), {"app_label": "hist", "db_table": "hist_custom_entries", "ordering": ["-title"]})
    current: type[Model] = type(
        name,
        (Model,),
        {
            "__module__": __name__,
            "Meta": meta,
            "title": fields.CharField(max_length=50),
            "token": fields.UUIDField(),
            "took": fields.DurationField(),
            "shout": lambda self: self.title.upper(),
        },
    )
    try:
        table = current.__table__.to_metadata(MetaData())
        table.append_column(Column("rating", Integer, nullable=True))  # added since: not on the current model
        table.create(connection)
        token = uuid.uuid4()
        connection.execute(
            table.insert(), [{"title": "Old", "token": token, "took": datetime.timedelta(seconds=90), "rating": 4}]
        )

        Entry = HistoricalApps(connection).get_model("hist", name.lower())  # model names are case-insensitive
        assert Entry is not current
        assert Entry.__name__ == name
        assert Entry._meta.db_table == "hist_custom_entries"
        assert Entry._meta.ordering == []
        assert not hasattr(Entry, "shout")
        assert [field.name for field in Entry._meta.fields] == ["id", "title", "token", "took", "rating"]
        # The current model says what CHAR(32) and BIGINT hold on SQLite and MariaDB.
        assert isinstance(Entry._meta.get_field("token"), fields.UUIDField)
        assert isinstance(Entry._meta.get_field("took"), fields.DurationField)
        entry = Entry.objects.get(rating=4)
        assert (entry.title, entry.token, entry.took) == ("Old", token, datetime.timedelta(seconds=90))
        Entry.objects.create(title="New", token=uuid.uuid4(), took=datetime.timedelta(0), rating=5)
        assert _rows(connection, "SELECT title, rating FROM hist_custom_entries ORDER BY id") == [
            ("Old", 4),
            ("New", 5),
        ]
    finally:
        models_registry.unregister(current)
        metadata.remove(current.__table__)
        connection.rollback()
        connection.execute(text("DROP TABLE IF EXISTS hist_custom_entries"))
        connection.commit()
        connection.begin()


def test_models_are_cached_per_apps_and_never_registered(connection: Connection) -> None:
    models_before = models_registry.get_models()
    tables_before = set(metadata.tables)

    apps = HistoricalApps(connection)
    Post = apps.get_model("hist", "Post")
    assert apps.get_model("hist", "post") is Post
    assert apps.get_model("hist.Post") is Post
    assert (Post.__name__, Post._meta.app_label, Post._meta.label) == ("Post", "hist", "hist.Post")
    assert Post.metadata is not metadata
    Post.objects.create(title="x", slug="x", published=True)
    Author = apps.get_model("hist", "Author")

    # The next migration's apps reflect the schema as it is by then.
    connection.execute(text("ALTER TABLE hist_author ADD COLUMN email VARCHAR(254)"))
    assert apps.get_model("hist", "Author") is Author
    assert "email" not in [field.name for field in Author._meta.fields]
    later = HistoricalApps(connection)
    assert later.get_model("hist", "Post") is not Post
    assert [field.name for field in later.get_model("hist", "Author")._meta.fields] == ["id", "name", "email"]

    assert models_registry.get_models() == models_before
    assert set(metadata.tables) == tables_before
    with pytest.raises(LookupError):
        models_registry.get_model("hist", "Post")
    assert "hist.Post" not in recorder.prepared


def test_a_missing_table_is_a_lookup_error_naming_the_tables_there_are(connection: Connection) -> None:
    apps = HistoricalApps(connection)
    with pytest.raises(LookupError) as error:
        apps.get_model("hist", "Comment")
    message = str(error.value)
    assert "No table 'hist_comment' for model hist.Comment" in message
    assert "the tables starting with 'hist_' are: hist_author, hist_post" in message
    with pytest.raises(LookupError, match="no table starts with 'nowhere_'"):
        apps.get_model("nowhere", "Thing")


def test_errors_in_a_savepoint_leave_the_migration_usable(connection: Connection) -> None:
    apps = HistoricalApps(connection)
    Post = apps.get_model("hist", "Post")
    assert Post._meta.bound_alias == apps.alias
    with pytest.raises(sa_exc.IntegrityError), transaction.atomic(using=apps.alias):
        Post.objects.create(id=1, title="Clash", slug="clash", published=True)
    assert Post.objects.count() == 3
    assert _rows(connection, "SELECT COUNT(*) FROM hist_post") == [(3,)]


def test_the_async_api_is_refused_with_a_clear_error(connection: Connection) -> None:
    Post = HistoricalApps(connection).get_model("hist", "Post")
    with pytest.raises(TransactionManagementError, match="synchronous"):
        asyncio.run(Post.objects.aget(pk=1))
    with pytest.raises(TransactionManagementError, match="synchronous"):
        asyncio.run(Post.objects.acount())
