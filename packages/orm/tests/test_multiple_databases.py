"""Several databases: ``using()``, objects remembering where they came from, and ``DATABASE_ROUTERS``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from orm_test_models import Author, Book, Publisher, Tag

from fastjango.core import hookimpl
from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.orm.db.connections import get_databases
from fastjango.orm.testing.databases import flush_tables, setup_test_databases


class PublishersElsewhere:
    """A router as a project would write one: publishers live in "catalogue", everything else in "default"."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return "catalogue" if model is Publisher else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "catalogue" if model is Publisher else None


#: (action, using) of every m2m_changed hook call: this module is also the project's plugin.
m2m_events: list[tuple[str, str]] = []


@hookimpl
def fastjango_orm_m2m_changed(
    model: type[Any],
    instance: Any,
    action: str,
    reverse: bool,
    related_model: type[Any],
    pk_set: set[Any] | None,
    using: str,
) -> None:
    m2m_events.append((action, using))


@pytest.fixture
def two_databases() -> Iterator[None]:
    project = Project(
        {
            "INSTALLED_PLUGINS": ["orm", __name__],
            "DATABASES": {
                "default": {"ENGINE": "sqlite", "NAME": "unused-default.sqlite3"},
                "catalogue": {"ENGINE": "sqlite", "NAME": "unused-catalogue.sqlite3"},
            },
            "DATABASE_ROUTERS": [f"{__name__}.PublishersElsewhere"],
        }
    )
    previous = get_project() if has_project(load=False) else None
    set_default_project(project)
    try:
        with setup_test_databases(project) as databases:  # a temporary file per alias, tables created
            try:
                yield
            finally:
                flush_tables(databases)
    finally:
        set_default_project(previous)


pytestmark = pytest.mark.usefixtures("two_databases")


def test_using_reads_and_writes_the_named_database() -> None:
    Author.objects.create(name="Ann")
    Author.objects.using("catalogue").create(name="Bob")
    assert list(Author.objects.values_list("name", flat=True)) == ["Ann"]
    assert list(Author.objects.using("catalogue").values_list("name", flat=True)) == ["Bob"]


def test_an_object_saves_and_deletes_where_it_was_loaded_from() -> None:
    Author.objects.using("catalogue").create(name="Bob")
    bob = Author.objects.using("catalogue").get(name="Bob")
    bob.name = "Robert"
    bob.save()  # no using=: back to "catalogue", where it came from
    assert Author.objects.using("catalogue").get().name == "Robert"
    assert not Author.objects.exists()
    copy = Author(name="Copy")
    copy.save(using="catalogue")
    assert Author.objects.using("catalogue").count() == 2
    bob.delete()
    assert list(Author.objects.using("catalogue").values_list("name", flat=True)) == ["Copy"]


def test_select_related_objects_remember_the_database_too() -> None:
    ann = Author.objects.using("catalogue").create(name="Ann")
    Book.objects.using("catalogue").create(title="Alpha", author=ann)
    book = Book.objects.using("catalogue").select_related("author").get()
    book.author.name = "Anne"
    book.author.save()  # no using=: back to "catalogue", where the join read it from
    assert Author.objects.using("catalogue").get().name == "Anne"
    assert not Author.objects.exists()


def test_a_router_sends_a_models_queries_to_its_database() -> None:
    Publisher.objects.create(name="Acme")
    Author.objects.create(name="Ann")
    assert Publisher.objects.get().name == "Acme"  # read back through the router
    assert Publisher.objects.using("default").count() == 0  # it never reached "default"
    assert Author.objects.using("catalogue").count() == 0
    assert Author.objects.count() == 1


async def test_async_queries_follow_using_and_the_router() -> None:
    try:
        await Publisher.objects.acreate(name="Acme")
        await Author.objects.using("catalogue").acreate(name="Bob")
        assert (await Publisher.objects.aget()).name == "Acme"
        assert await Publisher.objects.using("default").acount() == 0
        bob = await Author.objects.using("catalogue").aget()
        bob.name = "Robert"
        await bob.asave()
        assert [author.name async for author in Author.objects.using("catalogue")] == ["Robert"]
        assert await Author.objects.acount() == 0
    finally:
        await get_databases().aclose()  # this loop's pooled connections, before the loop closes


def test_an_unknown_alias_names_the_configured_ones() -> None:
    with pytest.raises(Exception, match="catalogue") as raised:
        Author.objects.using("replica").count()
    assert "replica" in str(raised.value)


def test_related_objects_are_prefetched_from_the_objects_database() -> None:
    ann = Author.objects.using("catalogue").create(name="Ann")
    Book.objects.using("catalogue").create(title="Alpha", author=ann)
    Book.objects.using("catalogue").create(title="Beta", author=ann)
    authors = list(Author.objects.using("catalogue").prefetch_related("books"))
    assert [sorted(b.title for b in a.books.all()) for a in authors] == [["Alpha", "Beta"]]
    books = list(Book.objects.using("catalogue").order_by("title").prefetch_related("author"))
    assert [book.author.name for book in books] == ["Ann", "Ann"]
    # The prefetched objects came from "catalogue" too, and save back there.
    books[0].author.name = "Annie"
    books[0].author.save()
    assert Author.objects.using("catalogue").get().name == "Annie"
    assert not Author.objects.exists()


def test_related_managers_and_lazy_loads_use_the_objects_database() -> None:
    ann = Author.objects.using("catalogue").create(name="Ann")
    alpha = Book.objects.using("catalogue").create(title="Alpha", author=ann)
    fiction = Tag.objects.using("catalogue").create(slug="fiction")
    alpha.tags.add(fiction)  # the through row goes where the book lives
    loaded = Author.objects.using("catalogue").get()
    assert [book.title for book in loaded.books.all()] == ["Alpha"]
    book = Book.objects.using("catalogue").get()
    assert book.author.name == "Ann"  # a lazy load, from "catalogue"
    assert [tag.slug for tag in book.tags.all()] == ["fiction"]
    assert [b.title for b in Tag.objects.using("catalogue").get().books.all()] == ["Alpha"]
    book.tags.clear()
    assert list(book.tags.all()) == []
    # Plugins (and the signals built on them) are told the database the rows were written to.
    assert m2m_events[-4:] == [
        ("pre_add", "catalogue"),
        ("post_add", "catalogue"),
        ("pre_clear", "catalogue"),
        ("post_clear", "catalogue"),
    ]
    assert not Book.objects.exists() and not Tag.objects.exists()


async def test_async_related_managers_use_the_objects_database() -> None:
    try:
        ann = await Author.objects.using("catalogue").acreate(name="Ann")
        book = await Book.objects.using("catalogue").acreate(title="Alpha", author=ann)
        fiction = await Tag.objects.using("catalogue").acreate(slug="fiction")
        await book.tags.aadd(fiction)
        loaded = await Book.objects.using("catalogue").aget()
        assert (await loaded.arelated("author")).name == "Ann"
        assert [tag.slug async for tag in loaded.tags.all()] == ["fiction"]
        assert [b.title async for b in (await Author.objects.using("catalogue").aget()).books.all()] == ["Alpha"]
    finally:
        await get_databases().aclose()
