"""union / intersection / difference, and streaming with iterator() / aiterator()."""

from __future__ import annotations

import pytest
from orm_test_models import Author, Book, make_library

from fastjango.orm.testing import assert_num_queries

pytestmark = pytest.mark.usefixtures("db")


def test_union_intersection_difference() -> None:
    make_library()
    long_books = Book.objects.filter(pages__gte=100)
    by_bob = Book.objects.filter(author__name="Bob")
    assert [b.title for b in long_books.union(by_bob).order_by("title")] == ["Alpha", "Beta", "Gamma"]
    assert [b.title for b in long_books.intersection(Book.objects.filter(title__startswith="B"))] == ["Beta"]
    assert [b.title for b in long_books.difference(Book.objects.filter(title="Alpha"))] == ["Beta"]
    assert long_books.union(by_bob).count() == 3
    assert len(list(long_books.union(long_books, all=True))) == 4
    assert list(
        long_books.values_list("title", flat=True).union(by_bob.values_list("title", flat=True)).order_by("-title")
    ) == [
        "Gamma",
        "Beta",
        "Alpha",
    ]
    assert [b.title for b in long_books.union(by_bob).order_by("title")[1:]] == ["Beta", "Gamma"]
    with pytest.raises(NotImplementedError, match="after union"):
        long_books.union(by_bob).filter(pages=1)


def test_iterator_streams_in_chunks_and_prefetches_per_chunk() -> None:
    make_library()
    assert [a.name for a in Author.objects.iterator(chunk_size=2)] == ["Ann", "Bob", "Cid"]
    with assert_num_queries(3):  # authors (one streamed query), then one prefetch query per chunk of 2
        counts = {a.name: len(a.books.all()) for a in Author.objects.prefetch_related("books").iterator(chunk_size=2)}
    assert counts == {"Ann": 2, "Bob": 1, "Cid": 0}
    assert list(Book.objects.order_by("pages").values_list("pages", flat=True).iterator()) == [50, 100, 250]
    with pytest.raises(ValueError, match="chunk_size"):
        list(Author.objects.iterator(chunk_size=0))


async def test_aiterator() -> None:
    ann = await Author.objects.acreate(name="Ann")
    await Book.objects.abulk_create([Book(title=f"B{i}", author=ann, pages=i) for i in range(5)])
    assert [b.pages async for b in Book.objects.order_by("pages").aiterator(chunk_size=2)] == [0, 1, 2, 3, 4]


async def test_aiterator_with_prefetch_inside_a_transaction() -> None:
    ann = await Author.objects.acreate(name="Ann")
    await Book.objects.acreate(title="One", author=ann)
    names = {
        a.name: [b.title for b in a.books.all()] async for a in Author.objects.prefetch_related("books").aiterator()
    }
    assert names == {"Ann": ["One"]}
