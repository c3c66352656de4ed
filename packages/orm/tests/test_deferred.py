"""only() and defer(): fewer columns read; the rest load on first access (sync) or raise (async)."""

from __future__ import annotations

import pytest
from orm_test_models import Author, Book, make_library

from fastjango.orm import FieldError, NotLoadedError
from fastjango.orm.testing import assert_num_queries, capture_queries


@pytest.mark.usefixtures("db")
def test_only_reads_fewer_columns_and_loads_the_rest_on_access() -> None:
    make_library()
    with capture_queries() as captured:
        book = Book.objects.only("title").get(title="Alpha")
    assert "pages" not in captured.statements[0][1].split("FROM")[0]
    with assert_num_queries(1):
        assert book.pages == 100 and book.price is not None  # one query loads every missing field
    with assert_num_queries(0):
        assert book.title == "Alpha"


@pytest.mark.usefixtures("db")
def test_defer_and_saving_a_partly_loaded_object() -> None:
    make_library()
    author = Author.objects.defer("email").get(name="Ann")
    assert "email" not in author.__dict__
    author.name = "Anne"
    author.save()  # loads the deferred field first, then writes every field
    fresh = Author.objects.get(pk=author.pk)
    assert (fresh.name, fresh.email) == ("Anne", "ann@example.com")
    with pytest.raises(FieldError, match="primary key cannot be deferred"):
        Author.objects.defer("id")
    assert "email" in Author.objects.defer("email").defer(None).get(name="Anne").__dict__


@pytest.mark.usefixtures("db")
async def test_deferred_fields_in_async_code_raise_a_clear_error() -> None:
    ann = await Author.objects.acreate(name="Ann", email="a@example.com")
    loaded = await Author.objects.only("name").aget(pk=ann.pk)
    assert loaded.name == "Ann"
    with pytest.raises(NotLoadedError, match="arefresh_from_db"):
        loaded.email  # noqa: B018
    await loaded.arefresh_from_db(fields=["email"])
    assert loaded.email == "a@example.com"


@pytest.mark.usefixtures("transactional_db")
def test_models_in_a_sqlalchemy_session_of_your_own_load_as_sqlalchemy_does() -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from fastjango.orm.db.connections import get_databases

    Author.objects.create(name="Ann")
    with Session(get_databases()["default"].sync_engine) as session:
        author = session.scalars(select(Author).where(Author.name == "Ann")).one()
        session.expire(author)
        assert author.name == "Ann"  # SQLAlchemy's own refresh, through the session


def _selected_columns(sql: str) -> str:
    return sql.split("FROM")[0]


@pytest.mark.usefixtures("db")
def test_only_across_a_select_related_relation() -> None:
    make_library()
    with capture_queries() as captured:
        book = Book.objects.select_related("author").only("title", "author__name").get(title="Alpha")
    columns = _selected_columns(captured.statements[0][1])
    assert "email" not in columns and "pages" not in columns  # neither model's other fields were read
    assert "author_id" in columns  # the key the join follows stays, as in Django
    with assert_num_queries(0):
        assert (book.title, book.author.name) == ("Alpha", "Ann")
    with assert_num_queries(1):
        assert book.author.email == "ann@example.com"  # the author's missing fields, one query
    with assert_num_queries(1):
        assert book.pages == 100


@pytest.mark.usefixtures("db")
def test_defer_across_a_select_related_relation() -> None:
    make_library()
    with capture_queries() as captured:
        book = Book.objects.select_related("author").defer("author__email", "data").get(title="Alpha")
    columns = _selected_columns(captured.statements[0][1])
    assert "email" not in columns and "data" not in columns and "pages" in columns
    assert "email" not in book.author.__dict__ and "name" in book.author.__dict__
    with assert_num_queries(1):
        assert book.author.email == "ann@example.com"


@pytest.mark.usefixtures("db")
async def test_deferred_related_fields_in_async_code_raise_a_clear_error() -> None:
    ann = await Author.objects.acreate(name="Ann", email="a@example.com")
    await Book.objects.acreate(title="Alpha", author=ann)
    book = await Book.objects.select_related("author").only("title", "author__name").aget(title="Alpha")
    assert book.author.name == "Ann"
    with pytest.raises(NotLoadedError, match="arefresh_from_db"):
        book.author.email  # noqa: B018


@pytest.mark.usefixtures("db")
def test_deferring_across_relations_follows_djangos_rules() -> None:
    make_library()
    with pytest.raises(FieldError, match=r"add select_related\('author'\)"):
        list(Book.objects.only("title", "author__name"))
    with pytest.raises(FieldError, match="cannot be both deferred and traversed"):
        list(Book.objects.select_related("author").only("title"))
    with pytest.raises(FieldError, match="cannot be both deferred and traversed"):
        list(Book.objects.select_related("author").defer("author"))
    with pytest.raises(FieldError, match="not a column of Author"):
        Book.objects.only("author__books")
    with pytest.raises(FieldError, match="must be a foreign key"):
        Book.objects.only("title__name")
    # Naming the relation itself keeps all of it, and its key.
    book = Book.objects.select_related("author").only("title", "author").get(title="Alpha")
    with assert_num_queries(0):
        assert book.author.email == "ann@example.com"
