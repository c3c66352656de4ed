"""Proxy models: another class, managers and ordering over the same table, sync and async."""

from __future__ import annotations

import decimal
from collections.abc import Iterator

import orm_recording_plugin as recorder
import pytest
from orm_test_models import (
    Author,
    Book,
    Feature,
    Keeper,
    LongPublishedBook,
    PublishedBook,
    PublishedBookManager,
    Review,
    Shelf,
    Tag,
    TopShelf,
    Writer,
)
from sqlalchemy import Column, Integer, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fastjango.core.project import Project
from fastjango.orm import F, ImproperlyConfigured, Manager, Model, Sum, fields, metadata
from fastjango.orm.db.connections import get_databases
from fastjango.orm.models.registry import models_registry
from fastjango.orm.testing import assert_num_queries

#: Most tests write inside a transaction rolled back at their end; one needs real commits.
uses_db = pytest.mark.usefixtures("db")

PUBLISHED = Book.Status.PUBLISHED


def shelf() -> dict[str, Book]:
    """Two published books and a draft, written through the concrete model."""
    ann = Author.objects.create(name="Ann Lee")
    bob = Author.objects.create(name="Bob")
    return {
        "zeta": Book.objects.create(title="Zeta", author=ann, pages=300, status=PUBLISHED),
        "alpha": Book.objects.create(title="Alpha", author=bob, pages=120, status=PUBLISHED),
        "draft": Book.objects.create(title="Draft", author=ann, pages=999),
    }


async def ashelf() -> dict[str, Book]:
    ann = await Author.objects.acreate(name="Ann Lee")
    bob = await Author.objects.acreate(name="Bob")
    return {
        "zeta": await Book.objects.acreate(title="Zeta", author=ann, pages=300, status=PUBLISHED),
        "alpha": await Book.objects.acreate(title="Alpha", author=bob, pages=120, status=PUBLISHED),
        "draft": await Book.objects.acreate(title="Draft", author=ann, pages=999),
    }


# ---------------------------------------------------------------------------- one table


@uses_db
def test_a_proxy_has_no_table_of_its_own(backend: str) -> None:
    assert PublishedBook.__table__ is Book.__table__
    assert LongPublishedBook.__table__ is Book.__table__
    assert PublishedBook._meta.db_table == LongPublishedBook._meta.db_table == "library_book"
    assert [name for name in metadata.tables if name.startswith("library_book")] == [
        "library_book",
        "library_book_tags",
    ]
    assert not [name for name in metadata.tables if "published" in name or "writer" in name or "topshelf" in name]
    # What the database really holds (and what Alembic autogenerate compares against metadata).
    engine = get_databases()["default"].sync_engine
    tables = inspect(engine).get_table_names()
    assert "library_book" in tables
    assert not [name for name in tables if "published" in name or "writer" in name or "topshelf" in name]
    # No extra column, and SELECT through the proxy reads the same table without a discriminator.
    assert {column.name for column in PublishedBook.__mapper__.columns} == set(Book.__table__.c.keys())
    sql = str(select(PublishedBook))
    assert "FROM library_book" in sql and "WHERE" not in sql


def test_meta_describes_the_proxy() -> None:
    assert PublishedBook._meta.proxy and LongPublishedBook._meta.proxy and Writer._meta.proxy
    assert not Book._meta.proxy
    assert PublishedBook._meta.concrete_model is Book
    assert PublishedBook._meta.proxy_for_model is Book
    assert LongPublishedBook._meta.concrete_model is Book
    assert LongPublishedBook._meta.proxy_for_model is PublishedBook
    assert Book._meta.proxy_for_model is None and Book._meta.concrete_model is Book
    assert PublishedBook._meta.label == "library.PublishedBook"
    assert PublishedBook._meta.verbose_name == "published title"
    assert PublishedBook._meta.verbose_name_plural == "published titles"
    assert LongPublishedBook._meta.verbose_name == "long published book"
    assert models_registry.get_model("library.PublishedBook") is PublishedBook
    # The table's fields, primary key and constraints are the concrete model's.
    assert PublishedBook._meta.fields is Book._meta.fields
    assert PublishedBook._meta.pk is Book._meta.pk
    assert PublishedBook._meta.get_field("author") is Book._meta.get_field("author")
    assert PublishedBook._meta.constraints == Book._meta.constraints
    # Ordering: the proxy's own, or inherited (Writer takes Author's).
    assert PublishedBook._meta.ordering == ["title"]
    assert LongPublishedBook._meta.ordering == ["-pages"]
    assert Writer._meta.ordering == Author._meta.ordering == ["name"]
    assert issubclass(PublishedBook.DoesNotExist, Book.DoesNotExist)
    assert PublishedBook.DoesNotExist is not Book.DoesNotExist


def test_managers_of_a_proxy() -> None:
    assert isinstance(PublishedBook.objects, PublishedBookManager)
    assert PublishedBook.objects.model is PublishedBook
    assert PublishedBook._default_manager is PublishedBook.objects
    assert PublishedBook._base_manager.model is PublishedBook
    assert not isinstance(PublishedBook._base_manager, PublishedBookManager)
    # A proxy of a proxy inherits the manager, bound to itself; Writer gets Author's plain manager.
    assert isinstance(LongPublishedBook.objects, PublishedBookManager)
    assert LongPublishedBook.objects.model is LongPublishedBook
    assert type(Writer.objects) is Manager and Writer.objects.model is Writer
    assert type(Book.objects) is Manager and Book.objects.model is Book
    # A manager the proxy declares under another name is its default, as in Django; objects stays.
    assert TopShelf._default_manager is TopShelf.top
    assert type(TopShelf.objects) is Manager and TopShelf.objects.model is TopShelf
    assert Shelf._default_manager is Shelf.objects


# ---------------------------------------------------------------------------- reading


@uses_db
def test_queries_through_the_proxy_return_proxy_instances() -> None:
    books = shelf()
    published = list(PublishedBook.objects.all())
    assert [book.title for book in published] == ["Alpha", "Zeta"]  # its manager's filter, its ordering
    assert all(type(book) is PublishedBook for book in published)
    assert [book.shout for book in published] == ["ALPHA", "ZETA"]
    # The parent sees every row, as parent instances, with its own ordering.
    everything = list(Book.objects.order_by("title"))
    assert [(type(book), book.title) for book in everything] == [(Book, "Alpha"), (Book, "Draft"), (Book, "Zeta")]
    assert {book.pk for book in published} <= {book.pk for book in everything}
    assert PublishedBook._base_manager.count() == 3
    assert type(PublishedBook._base_manager.get(pk=books["draft"].pk)) is PublishedBook
    long_books = list(LongPublishedBook.objects.all())
    assert [(type(book), book.title, book.is_long()) for book in long_books] == [
        (LongPublishedBook, "Zeta", True),
        (LongPublishedBook, "Alpha", False),
    ]
    assert [writer.initials() for writer in Writer.objects.all()] == ["AL", "B"]
    assert list(PublishedBook.objects.values_list("title", flat=True)) == ["Alpha", "Zeta"]
    assert PublishedBook.objects.aggregate(total=Sum("pages")) == {"total": 420}
    assert PublishedBook.objects.filter(pages__gt=F("pages") - 1).count() == 2
    with pytest.raises(PublishedBook.DoesNotExist):
        PublishedBook.objects.get(pk=books["draft"].pk)
    with pytest.raises(Book.DoesNotExist):  # Django: the parent's exception catches the proxy's
        PublishedBook.objects.get(title="Draft")


@uses_db
def test_proxy_and_parent_instances_of_one_row_compare_equal() -> None:
    books = shelf()
    proxy = PublishedBook.objects.get(pk=books["zeta"].pk)
    assert isinstance(proxy, Book) and not isinstance(books["zeta"], PublishedBook)
    assert proxy == books["zeta"] and hash(proxy) == hash(books["zeta"])
    assert Book.objects.contains(proxy)
    assert proxy in Book.objects.all()


@pytest.mark.usefixtures("transactional_db")
def test_sqlalchemy_select_of_a_proxy(backend: str) -> None:
    books = shelf()
    engine = get_databases()["default"].sync_engine
    with Session(engine) as session:
        # One session, one row read as both classes: two objects (identity keys by class, as Django's instances).
        parent = session.scalars(select(Book).where(Book.id == books["zeta"].pk)).one()
        proxy = session.scalars(select(PublishedBook).where(PublishedBook.id == books["zeta"].pk)).one()
        assert type(parent) is Book and type(proxy) is PublishedBook
        assert proxy is not parent
        assert type(session.get(PublishedBook, books["alpha"].pk)) is PublishedBook
        joined = session.execute(
            select(PublishedBook.title, Author.name).join(PublishedBook.author).order_by(PublishedBook.title)
        ).all()
        assert [tuple(row) for row in joined] == [("Alpha", "Bob"), ("Draft", "Ann Lee"), ("Zeta", "Ann Lee")]


# ---------------------------------------------------------------------------- writing


@uses_db
def test_create_save_refresh_and_delete_through_a_proxy() -> None:
    ann = Author.objects.create(name="Ann")
    created = PublishedBook.objects.create(title="Proxy", author=ann, status=PUBLISHED, pages=10)
    assert type(created) is PublishedBook and created.pk is not None
    row = Book.objects.get(pk=created.pk)
    assert type(row) is Book and row.title == "Proxy"
    created.pages = 11
    created.save()
    assert Book.objects.get(pk=created.pk).pages == 11
    Book.objects.filter(pk=created.pk).update(price=decimal.Decimal("9.99"))
    created.refresh_from_db()
    assert created.price == decimal.Decimal("9.99")
    loaded = PublishedBook.objects.get(pk=created.pk)
    loaded.retract()  # a proxy method that saves
    assert Book.objects.get(pk=created.pk).status == Book.Status.DRAFT
    assert not PublishedBook.objects.filter(pk=created.pk).exists()
    assert loaded.delete() == (1, {"library.PublishedBook": 1})
    assert not Book.objects.filter(pk=created.pk).exists()
    assert loaded.pk is None


@uses_db
def test_deleting_through_a_proxy_queryset_cascades() -> None:
    books = shelf()
    Review.objects.create(book=books["zeta"], stars=5)
    feature = Feature.objects.create(book=books["alpha"])
    count, per_model = PublishedBook.objects.all().delete()
    assert per_model["library.PublishedBook"] == 2
    assert per_model["library.Review"] == 1 and per_model["library.Feature"] == 1
    assert count == 4
    assert list(Book.objects.values_list("title", flat=True)) == ["Draft"]
    assert not Feature.objects.filter(pk=feature.pk).exists()


@uses_db
async def test_async_create_save_refresh_delete_and_iteration() -> None:
    ann = await Author.objects.acreate(name="Ann")
    created = await PublishedBook.objects.acreate(title="Proxy", author=ann, status=PUBLISHED)
    assert type(created) is PublishedBook
    assert type(await Book.objects.aget(pk=created.pk)) is Book
    fetched = await PublishedBook.objects.aget(pk=created.pk)
    assert type(fetched) is PublishedBook
    fetched.pages = 42
    await fetched.asave()
    assert (await Book.objects.aget(pk=created.pk)).pages == 42
    await Book.objects.filter(pk=created.pk).aupdate(title="Renamed")
    await created.arefresh_from_db()
    assert created.title == "Renamed"
    await Book.objects.acreate(title="Draft", author=ann)
    titles = [(type(book), book.title) async for book in PublishedBook.objects.all()]
    assert titles == [(PublishedBook, "Renamed")]
    assert [book.title async for book in Book.objects.order_by("title")] == ["Draft", "Renamed"]
    assert await PublishedBook.objects.acount() == 1
    assert await fetched.adelete() == (1, {"library.PublishedBook": 1})
    assert await Book.objects.acount() == 1
    assert await PublishedBook.objects.afirst() is None


@uses_db
async def test_async_reads_of_a_proxy_of_a_proxy() -> None:
    books = await ashelf()
    long_books = [book async for book in LongPublishedBook.objects.all()]
    assert [(type(book), book.title) for book in long_books] == [
        (LongPublishedBook, "Zeta"),
        (LongPublishedBook, "Alpha"),
    ]
    one = await LongPublishedBook.objects.aget(pk=books["alpha"].pk)
    assert type(one) is LongPublishedBook and not one.is_long()
    with pytest.raises(LongPublishedBook.DoesNotExist):
        await LongPublishedBook.objects.aget(pk=books["draft"].pk)


# ---------------------------------------------------------------------------- relations


@uses_db
def test_lookups_across_relations_from_and_to_a_proxy() -> None:
    books = shelf()
    Review.objects.create(book=books["zeta"], stars=5)
    tag = Tag.objects.create(slug="classic")
    books["alpha"].tags.add(tag)  # type: ignore[attr-defined]
    assert [b.title for b in PublishedBook.objects.filter(author__name="Ann Lee")] == ["Zeta"]
    assert [b.title for b in PublishedBook.objects.filter(reviews__stars__gte=4)] == ["Zeta"]
    assert [b.title for b in PublishedBook.objects.filter(tags__slug="classic")] == ["Alpha"]
    assert [b.title for b in PublishedBook.objects.exclude(author__name="Bob")] == ["Zeta"]
    assert [a.name for a in Writer.objects.filter(books__title="Draft")] == ["Ann Lee"]
    Feature.objects.create(book=books["zeta"], note="staff pick")
    assert [a.name for a in Author.objects.filter(books__features__note="staff pick")] == ["Ann Lee"]
    assert [f.note for f in Feature.objects.filter(book__author__name="Ann Lee")] == ["staff pick"]


@uses_db
def test_relation_accessors_on_proxy_instances() -> None:
    books = shelf()
    Review.objects.create(book=books["zeta"], stars=4)
    zeta = PublishedBook.objects.get(title="Zeta")
    assert zeta.author.name == "Ann Lee"  # loads, as on the concrete model
    assert [review.stars for review in zeta.reviews.all()] == [4]  # type: ignore[attr-defined]
    zeta.tags.add(Tag.objects.create(slug="sci-fi"))  # type: ignore[attr-defined]
    assert [tag.slug for tag in books["zeta"].tags.all()] == ["sci-fi"]  # type: ignore[attr-defined]
    writer = Writer.objects.get(name="Ann Lee")
    assert sorted(book.title for book in writer.books.all()) == ["Draft", "Zeta"]  # type: ignore[attr-defined]


@uses_db
def test_a_foreign_key_to_a_proxy_uses_the_concrete_table() -> None:
    books = shelf()
    [foreign_key] = Feature.__table__.c.book_id.foreign_keys
    assert foreign_key.column.table is Book.__table__
    [writer_key] = Feature.__table__.c.writer_id.foreign_keys
    assert writer_key.column.table is Author.__table__
    # A parent instance is accepted for a key to the proxy (any object of the table, as in Django).
    feature = Feature.objects.create(book=books["zeta"], writer=books["zeta"].author, note="one")
    loaded = Feature.objects.get(pk=feature.pk)
    assert type(loaded.book) is PublishedBook and loaded.book.title == "Zeta"
    assert type(loaded.writer) is Writer
    with pytest.raises(ValueError, match="must be a"):
        Feature(book=Author.objects.get(name="Bob"))
    # The reverse accessor lives on the concrete model, so parent and proxy instances both have it.
    assert [f.note for f in books["zeta"].features.all()] == ["one"]  # type: ignore[attr-defined]
    assert [f.note for f in PublishedBook.objects.get(pk=books["zeta"].pk).features.all()] == ["one"]  # type: ignore[attr-defined]
    assert [f.note for f in Author.objects.get(name="Ann Lee").features.all()] == ["one"]  # type: ignore[attr-defined]


@uses_db
def test_many_to_many_to_a_proxy() -> None:
    books = shelf()
    feature = Feature.objects.create(book=books["zeta"])
    feature.shortlist.add(books["zeta"], books["alpha"], books["draft"])  # type: ignore[attr-defined]
    # The proxy's default manager decides what the relation shows, as in Django: the draft is hidden.
    shortlisted = list(feature.shortlist.all())  # type: ignore[attr-defined]
    assert [(type(book), book.title) for book in shortlisted] == [(PublishedBook, "Alpha"), (PublishedBook, "Zeta")]
    assert [f.pk for f in books["draft"].shortlisted_in.all()] == [feature.pk]  # type: ignore[attr-defined]
    assert [f.pk for f in Feature.objects.filter(shortlist__title="Alpha")] == [feature.pk]
    with assert_num_queries(3):
        [loaded] = Feature.objects.prefetch_related("shortlist")
        assert [book.title for book in loaded.shortlist.all()] == ["Alpha", "Zeta"]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="save it first"):  # a parent instance is checked as an object, too
        feature.shortlist.add(Book(title="Unsaved", author=books["zeta"].author))  # type: ignore[attr-defined]
    feature.shortlist.remove(books["alpha"])  # type: ignore[attr-defined]
    assert [book.title for book in feature.shortlist.all()] == ["Zeta"]  # type: ignore[attr-defined]


@uses_db
def test_select_related_and_prefetch_related_from_and_to_proxies() -> None:
    books = shelf()
    for stars in (5, 3):
        Review.objects.create(book=books["zeta"], stars=stars)
    Feature.objects.create(book=books["zeta"], plain=books["zeta"], note="both")
    with assert_num_queries(1):
        pairs = [(b.title, b.author.name) for b in PublishedBook.objects.select_related("author")]
    assert pairs == [("Alpha", "Bob"), ("Zeta", "Ann Lee")]
    with assert_num_queries(2):
        stars = {
            b.title: sorted(r.stars for r in b.reviews.all()) for b in PublishedBook.objects.prefetch_related("reviews")
        }  # type: ignore[attr-defined]
    assert stars == {"Alpha": [], "Zeta": [3, 5]}
    with assert_num_queries(1):
        [feature] = Feature.objects.select_related("book", "plain", "book__author")
        # Two keys to one row, through the proxy and through the parent: one object of each class.
        assert type(feature.book) is PublishedBook and type(feature.plain) is Book
        assert feature.book.author.name == "Ann Lee"
    with assert_num_queries(2):
        [feature] = Feature.objects.prefetch_related("book")
        assert type(feature.book) is PublishedBook
    with assert_num_queries(2):
        notes = {b.title: [f.note for f in b.features.all()] for b in Book.objects.prefetch_related("features")}  # type: ignore[attr-defined]
    assert notes == {"Alpha": [], "Draft": [], "Zeta": ["both"]}


@uses_db
def test_a_relation_installed_after_the_proxy_was_defined() -> None:
    # Shelf.keeper names Keeper, defined after TopShelf: the relation reached the proxy when it was installed.
    keeper = Keeper.objects.create(name="Kim")
    Shelf.objects.create(label="top", keeper=keeper)
    with assert_num_queries(1):
        [top] = TopShelf.objects.select_related("keeper")
        assert type(top) is TopShelf and top.keeper.name == "Kim"
    loaded = TopShelf.objects.get(keeper__name="Kim")
    assert loaded.label == "top" and loaded.keeper.name == "Kim"  # the Django-style accessor loads it
    assert [type(s) for s in keeper.shelves.all()] == [Shelf]  # type: ignore[attr-defined]


@uses_db
async def test_async_relations_of_proxies() -> None:
    books = await ashelf()
    await Review.objects.acreate(book=books["zeta"], stars=5)
    await Feature.objects.acreate(book=books["alpha"], note="async")
    zeta = await PublishedBook.objects.select_related("author").aget(title="Zeta")
    assert zeta.author.name == "Ann Lee"
    alpha = await PublishedBook.objects.aget(title="Alpha")
    assert (await alpha.arelated("author")).name == "Bob"
    assert [f.note for f in await alpha.arelated("features")] == ["async"]
    prefetched = [b async for b in PublishedBook.objects.prefetch_related("reviews")]
    assert [len(b.reviews.all()) for b in prefetched] == [0, 1]  # type: ignore[attr-defined]
    feature = await Feature.objects.select_related("book").aget(note="async")
    assert type(feature.book) is PublishedBook and feature.book.title == "Alpha"
    titles = [b.title async for b in PublishedBook.objects.filter(author__name="Ann Lee")]
    assert titles == ["Zeta"]


# ---------------------------------------------------------------------------- declaration errors


def test_a_proxy_may_not_declare_fields() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Proxy model LoudBook declares the field 'volume'"):

        class LoudBook(Book):
            volume = fields.IntegerField(default=0)

            class Meta:
                proxy = True

    with pytest.raises(ImproperlyConfigured, match=r"Proxy model SqlBook declares the field 'extra'"):

        class SqlBook(Book):
            extra = Column(Integer)

            class Meta:
                proxy = True

    with pytest.raises(ImproperlyConfigured, match=r"Proxy model MappedBook declares the field 'extra'"):

        class MappedBook(Book):
            extra: Mapped[int] = mapped_column(Integer)

            class Meta:
                proxy = True

    with pytest.raises(ImproperlyConfigured, match=r"Proxy model AnnotatedBook declares the mapped column 'extra'"):

        class AnnotatedBook(Book):
            extra: Mapped[int]

            class Meta:
                proxy = True

    with pytest.raises(ImproperlyConfigured, match=r"Proxy model TabledBook sets __tablename__; .* table of Book"):

        class TabledBook(Book):
            __tablename__ = "library_tabledbook"

            class Meta:
                proxy = True

    assert set(Book.__table__.c.keys()).isdisjoint({"volume", "extra"})
    assert "library_tabledbook" not in metadata.tables


def test_a_proxy_needs_exactly_one_concrete_base() -> None:
    with pytest.raises(ImproperlyConfigured, match="Proxy model Floating has no non-abstract model base class"):

        class Floating(Model):
            class Meta:
                proxy = True
                app_label = "library"

    with pytest.raises(ImproperlyConfigured, match="Proxy model Hybrid has more than one non-abstract model base"):

        class Hybrid(Book, Author):
            class Meta:
                proxy = True

    class Stamp(Model):
        stamped = fields.BooleanField(default=False)

        class Meta:
            abstract = True
            app_label = "library"

    with pytest.raises(ImproperlyConfigured, match=r"abstract base Stamp, which declares fields \(stamped\)"):

        class StampedBook(Book, Stamp):
            class Meta:
                proxy = True

    class Behaviour(Model):
        def describe(self) -> str:
            return f"#{self.pk}"

        class Meta:
            abstract = True
            app_label = "library"

    class DescribedBook(Behaviour, Book):  # an abstract base without fields is fine
        class Meta:
            proxy = True

    try:
        assert DescribedBook._meta.concrete_model is Book
        assert DescribedBook.__table__ is Book.__table__
    finally:
        models_registry.unregister(DescribedBook)


def test_proxy_meta_options_that_would_shape_a_table_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Proxy model Renamed sets Meta.db_table; .* table of Book"):

        class Renamed(Book):
            class Meta:
                proxy = True
                db_table = "elsewhere"

    with pytest.raises(ImproperlyConfigured, match="sets both abstract and proxy"):

        class Both(Book):
            class Meta:
                proxy = True
                abstract = True

    with pytest.raises(ImproperlyConfigured, match=r"multi-table inheritance is not supported.*proxy = True"):

        class Child(PublishedBook):
            class Meta:
                app_label = "library"

    assert [name for name in metadata.tables if "renamed" in name or "child" in name or "elsewhere" in name] == []


# ---------------------------------------------------------------------------- lifecycle hooks


@uses_db
class TestLifecycleHooks:
    """The hooks' sender (``model``) is the proxy class when a proxy instance is saved or deleted."""

    @pytest.fixture
    def fastjango_project(self, backend: str) -> Iterator[Project]:
        with recorder.recording_project(backend) as project:
            yield project

    def test_save_and_delete_hooks_name_the_proxy(self) -> None:
        ann = Author.objects.create(name="Ann")
        recorder.events.clear()
        book = PublishedBook.objects.create(title="One", author=ann, status=PUBLISHED)
        book.pages = 5
        book.save(update_fields=["pages"])
        pk = book.pk
        book.delete()
        assert recorder.events == [
            ("pre_save", "PublishedBook", True, None),
            ("post_save", "PublishedBook", True, True),
            ("pre_save", "PublishedBook", False, ("pages",)),
            ("post_save", "PublishedBook", False, True),
            ("pre_delete", "PublishedBook"),
            ("post_delete", "PublishedBook", pk),
        ]
        recorder.events.clear()
        Book.objects.create(title="Two", author=ann)
        assert [event[:2] for event in recorder.events] == [("pre_save", "Book"), ("post_save", "Book")]

    async def test_async_save_and_delete_hooks_name_the_proxy(self) -> None:
        ann = await Author.objects.acreate(name="Ann")
        recorder.events.clear()
        book = await LongPublishedBook.objects.acreate(title="One", author=ann, status=PUBLISHED)
        await book.asave()
        await book.adelete()
        assert [event[:2] for event in recorder.events] == [
            ("pre_save", "LongPublishedBook"),
            ("post_save", "LongPublishedBook"),
            ("pre_save", "LongPublishedBook"),
            ("post_save", "LongPublishedBook"),
            ("pre_delete", "LongPublishedBook"),
            ("post_delete", "LongPublishedBook"),
        ]
