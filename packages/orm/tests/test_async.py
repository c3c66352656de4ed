"""The async API: the a-prefixed twins, async iteration, and what async code may not do."""

from __future__ import annotations

import datetime

import pytest
from orm_test_models import Author, Book, Profile, Tag

from fastjango.orm import NotLoadedError, SynchronousOnlyOperation, transaction
from fastjango.orm.testing import assert_num_queries

pytestmark = pytest.mark.usefixtures("db")


async def make_async_library() -> dict[str, object]:
    ann = await Author.objects.acreate(name="Ann")
    bob = await Author.objects.acreate(name="Bob")
    alpha = await Book.objects.acreate(title="Alpha", author=ann, pages=100)
    beta = await Book.objects.acreate(title="Beta", author=ann, pages=250)
    gamma = await Book.objects.acreate(title="Gamma", author=bob, pages=50)
    return {"ann": ann, "bob": bob, "alpha": alpha, "beta": beta, "gamma": gamma}


async def test_async_twins_give_the_same_answers() -> None:
    await make_async_library()
    assert [book.title async for book in Book.objects.filter(author__name="Ann").order_by("title")] == ["Alpha", "Beta"]
    assert await Book.objects.acount() == 3
    assert await Book.objects.filter(pages__gt=200).aexists()
    assert (await Book.objects.aget(title="Gamma")).pages == 50
    assert (await Author.objects.afirst()).name == "Ann"  # type: ignore[union-attr]
    assert (await Author.objects.alast()).name == "Bob"  # type: ignore[union-attr]
    assert (await Book.objects.alatest("pages")).title == "Beta"
    assert (await Book.objects.aearliest("pages")).title == "Gamma"
    assert await Book.objects.order_by("title").values_list("title", flat=True).alist() == ["Alpha", "Beta", "Gamma"]
    bulk = await Book.objects.ain_bulk(field_name="isbn")
    assert len(bulk) == 3
    with pytest.raises(Book.DoesNotExist):
        await Book.objects.aget(title="Nope")
    with pytest.raises(Book.MultipleObjectsReturned):
        await Book.objects.aget(author__name="Ann")


async def test_async_writes() -> None:
    library = await make_async_library()
    assert await Book.objects.filter(author__name="Ann").aupdate(pages=1) == 2
    tag, created = await Tag.objects.aget_or_create(slug="async")
    assert created and not (await Tag.objects.aget_or_create(slug="async"))[1]
    book, created = await Book.objects.aupdate_or_create(title="Alpha", author=library["ann"], defaults={"pages": 7})
    assert not created and (await Book.objects.aget(pk=book.pk)).pages == 7
    gamma = library["gamma"]
    assert isinstance(gamma, Book)
    gamma.title = "Gamma 2"
    await gamma.asave(update_fields=["title"])
    await gamma.arefresh_from_db()
    assert gamma.title == "Gamma 2"
    created_books = await Book.objects.abulk_create([Book(title=f"N{i}", author=library["bob"]) for i in range(3)])
    assert all(book.pk for book in created_books)
    total, _ = await Book.objects.filter(title__startswith="N").adelete()
    assert total == 3
    await gamma.tags.aadd(tag)
    assert [t.slug async for t in gamma.tags.all()] == ["async"]
    await gamma.tags.aclear()
    assert await gamma.tags.all().acount() == 0


async def test_unloaded_relation_in_async_code_raises_a_clear_error() -> None:
    await make_async_library()
    book = await Book.objects.aget(title="Alpha")
    with pytest.raises(NotLoadedError, match=r"select_related\('author'\).*arelated\('author'\)"):
        book.author  # noqa: B018
    with assert_num_queries(1):
        author = await book.arelated("author")
    assert author.name == "Ann"
    assert book.author.name == "Ann"  # loaded now: no error, no query
    ann = await Author.objects.aget(name="Ann")
    await Profile.objects.acreate(author=ann)
    with pytest.raises(NotLoadedError):
        ann.profile  # noqa: B018
    assert (await ann.arelated("profile")).author_id == ann.pk
    assert sorted(b.title for b in await ann.arelated("books")) == ["Alpha", "Beta"]


async def test_synchronous_queries_are_refused_on_the_event_loop() -> None:
    with pytest.raises(SynchronousOnlyOperation, match="acount"):
        Book.objects.count()
    with pytest.raises(SynchronousOnlyOperation):
        list(Book.objects.all())
    with pytest.raises(SynchronousOnlyOperation):
        Author(name="x").save()
    assert repr(Book.objects.all()) == "<QuerySet of Book (not evaluated in async code)>"


async def create_and_fail(ran: list[str]) -> None:
    async with transaction.atomic():
        await Author.objects.acreate(name="Dropped")
        transaction.on_commit(lambda: ran.append("dropped"))
        raise LookupError("on purpose")


async def test_async_atomic_savepoints_and_on_commit() -> None:
    ran: list[str] = []
    async with transaction.atomic():
        await Author.objects.acreate(name="Kept")
        with pytest.raises(LookupError, match="on purpose"):
            await create_and_fail(ran)
        transaction.on_commit(lambda: ran.append("kept"))
    assert sorted(await Author.objects.values_list("name", flat=True).alist()) == ["Kept"]
    # Inside the test's own transaction, which is rolled back, on_commit callbacks never run.
    assert ran == []


async def test_datetimes_come_back_aware_in_utc() -> None:
    ann = await Author.objects.acreate(name="Ann")
    naive = datetime.datetime(2024, 1, 2, 3, 4, 5)
    book = await Book.objects.acreate(title="T", author=ann, published=naive)
    loaded = await Book.objects.aget(pk=book.pk)
    assert loaded.published == naive.replace(tzinfo=datetime.UTC)
    paris = datetime.timezone(datetime.timedelta(hours=1))
    await Book.objects.filter(pk=book.pk).aupdate(published=datetime.datetime(2024, 1, 2, 4, 4, 5, tzinfo=paris))
    assert (await Book.objects.aget(pk=book.pk)).published == naive.replace(tzinfo=datetime.UTC)
