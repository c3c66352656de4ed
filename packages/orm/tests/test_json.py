"""Lookups into JSONField documents on every database."""

from __future__ import annotations

import pytest
from orm_test_models import Author, Book

from fastjango.orm import FieldError, NotSupportedError

pytestmark = pytest.mark.usefixtures("db")


def make_documents() -> None:
    ann = Author.objects.create(name="Ann")
    Book.objects.create(
        title="A", author=ann, data={"lang": "en", "year": 2020, "tags": ["x", "y"], "meta": {"ok": True}}
    )
    Book.objects.create(
        title="B", author=ann, data={"lang": "fr", "year": 2023, "tags": ["y"], "meta": {"ok": False}, "n": None}
    )
    Book.objects.create(title="C", author=ann, data={"lang": "en", "year": "2020"})
    Book.objects.create(title="D", author=ann, data=None)


def titles(**lookups: object) -> list[str]:
    return sorted(book.title for book in Book.objects.filter(**lookups))


def test_key_paths_compare_with_the_value_type() -> None:
    make_documents()
    assert titles(data__lang="en") == ["A", "C"]
    assert titles(data__year=2020) == ["A"]  # the number, not the string "2020"
    assert titles(data__year="2020") == ["C"]
    assert titles(data__year__gte=2021) == ["B"]
    assert titles(data__meta__ok=True) == ["A"]
    assert titles(data__tags__0="x") == ["A"]
    assert titles(data__lang__in=["fr", "de"]) == ["B"]
    assert titles(data__lang__icontains="E") == ["A", "C"]


def test_has_key_isnull_and_json_null() -> None:
    make_documents()
    assert titles(data__has_key="tags") == ["A", "B"]
    assert titles(data__tags__isnull=True) == ["C", "D"]
    assert titles(data__isnull=True) == ["D"]
    assert titles(data__n=None) == ["B"]  # the key holds JSON null


def test_containment_of_documents(backend: str) -> None:
    make_documents()
    if backend == "sqlite":
        with pytest.raises(NotSupportedError, match="not supported on sqlite"):
            titles(data__contains={"lang": "en"})
        return
    assert titles(data__contains={"lang": "en"}) == ["A", "C"]
    assert titles(data__contains={"lang": "en", "year": 2020}) == ["A"]  # the number, not "2020"
    assert titles(data__contains={"tags": ["y"]}) == ["A", "B"]  # a list contains its sub-lists
    assert titles(data__contains={"meta": {"ok": False}}) == ["B"]
    assert titles(data__contains={}) == ["A", "B", "C"]  # every document, not the SQL NULL
    assert titles(data__contained_by={"lang": "en", "year": "2020", "extra": 1}) == ["C"]
    assert sorted(b.title for b in Book.objects.exclude(data__contains={"lang": "en"})) == ["B", "D"]


async def test_containment_in_async_code(backend: str) -> None:
    author = await Author.objects.acreate(name="Ann")
    await Book.objects.acreate(title="A", author=author, data={"k": [1, 2, 3]})
    query = Book.objects.filter(data__contains={"k": [3, 1]})
    if backend == "sqlite":
        with pytest.raises(NotSupportedError):
            await query.acount()
        return
    assert [book.title async for book in query] == ["A"]


def test_has_keys_and_has_any_keys() -> None:
    make_documents()
    assert titles(data__has_keys=["lang", "tags"]) == ["A", "B"]
    assert titles(data__has_keys=("lang", "n")) == ["B"]  # "n" holds JSON null: the key is there
    assert titles(data__has_any_keys=["n", "meta"]) == ["A", "B"]
    assert titles(data__has_any_keys=["nope", "year"]) == ["A", "B", "C"]
    assert sorted(book.title for book in Book.objects.exclude(data__has_keys=["lang", "tags"])) == ["C", "D"]
    assert sorted(book.title for book in Book.objects.exclude(data__has_key="tags")) == ["C", "D"]
    with pytest.raises(FieldError, match="needs a list of keys"):
        titles(data__has_keys="lang")
    with pytest.raises(FieldError, match="at least one key"):
        titles(data__has_any_keys=[])
