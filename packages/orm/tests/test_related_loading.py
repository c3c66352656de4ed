"""select_related and prefetch_related remove N+1 queries: exact query counts, sync and async."""

from __future__ import annotations

import pytest
from orm_test_models import Author, Book, Profile, Review, Tag, make_library

from fastjango.orm import FieldError, Prefetch
from fastjango.orm.testing import assert_num_queries

pytestmark = pytest.mark.usefixtures("db")


def reviewed_library() -> dict[str, object]:
    library = make_library()
    for book, stars in (("b1", 5), ("b1", 4), ("b2", 3)):
        Review.objects.create(book=library[book], stars=stars)
    python, orm = Tag.objects.create(slug="python"), Tag.objects.create(slug="orm")
    library["b1"].tags.add(python, orm)  # type: ignore[attr-defined]
    library["b3"].tags.add(orm)  # type: ignore[attr-defined]
    Profile.objects.create(author=library["ann"], website="https://ann.example.com")  # type: ignore[misc]
    return library


def test_without_loading_each_relation_costs_a_query() -> None:
    reviewed_library()
    with assert_num_queries(4):  # the books, then one author per book: the N+1 problem
        assert sorted(book.author.name for book in Book.objects.all()) == ["Ann", "Ann", "Bob"]


def test_select_related_joins_in_one_query() -> None:
    reviewed_library()
    with assert_num_queries(1):
        books = list(Book.objects.select_related("author", "publisher").order_by("title"))
        assert [(b.author.name, b.publisher.name if b.publisher else None) for b in books] == [
            ("Ann", "Acme"),
            ("Ann", None),
            ("Bob", None),
        ]
    with assert_num_queries(1):
        assert [r.book.author.name for r in Review.objects.select_related("book__author").order_by("stars")] == [
            "Ann",
            "Ann",
            "Ann",
        ]
    with assert_num_queries(1):  # no names: every non-null foreign key
        assert {b.author.name for b in Book.objects.select_related()} == {"Ann", "Bob"}
    with pytest.raises(FieldError, match="Invalid field name 'reviews'"):
        Book.objects.select_related("reviews")


def test_prefetch_related_one_query_per_relation() -> None:
    reviewed_library()
    with assert_num_queries(3):  # authors, their books, those books' reviews
        authors = list(Author.objects.prefetch_related("books__reviews"))
        summary = {a.name: sorted((b.title, len(b.reviews.all())) for b in a.books.all()) for a in authors}
        assert all(book.author is author for author in authors for book in author.books.all())
    assert summary == {"Ann": [("Alpha", 2), ("Beta", 1)], "Bob": [("Gamma", 0)], "Cid": []}


def test_prefetch_many_to_many_both_ways() -> None:
    reviewed_library()
    with assert_num_queries(3):  # books, the join table, the tags
        tags = {b.title: sorted(t.slug for t in b.tags.all()) for b in Book.objects.prefetch_related("tags")}
    assert tags == {"Alpha": ["orm", "python"], "Beta": [], "Gamma": ["orm"]}
    with assert_num_queries(3):
        books = {t.slug: sorted(b.title for b in t.books.all()) for t in Tag.objects.prefetch_related("books")}
    assert books == {"orm": ["Alpha", "Gamma"], "python": ["Alpha"]}


def test_prefetch_with_a_queryset_and_to_attr_and_one_to_one() -> None:
    reviewed_library()
    good = Prefetch("reviews", queryset=Review.objects.filter(stars__gte=4).order_by("-stars"), to_attr="good")
    with assert_num_queries(2):
        stars = {b.title: [r.stars for r in b.good] for b in Book.objects.prefetch_related(good)}  # type: ignore[attr-defined]
    assert stars == {"Alpha": [5, 4], "Beta": [], "Gamma": []}
    with assert_num_queries(2):
        sites = {
            a.name: a.profile.website if a.name == "Ann" else None for a in Author.objects.prefetch_related("profile")
        }
    assert sites["Ann"] == "https://ann.example.com"
    with assert_num_queries(2):  # forward foreign keys can be prefetched too
        assert {b.author.name for b in Book.objects.prefetch_related("author")} == {"Ann", "Bob"}


async def test_loading_related_objects_in_async_code() -> None:
    await Author.objects.acreate(name="Ann")
    ann = await Author.objects.aget(name="Ann")
    await Book.objects.acreate(title="One", author=ann)
    await Book.objects.acreate(title="Two", author=ann)
    with assert_num_queries(1):
        titles = [(b.title, b.author.name) async for b in Book.objects.select_related("author").order_by("title")]
    assert titles == [("One", "Ann"), ("Two", "Ann")]
    with assert_num_queries(2):
        authors = [a async for a in Author.objects.prefetch_related("books")]
        assert sorted(b.title for b in authors[0].books.all()) == ["One", "Two"]
