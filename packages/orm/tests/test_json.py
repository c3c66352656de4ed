"""Lookups into JSONField documents on every database."""

from __future__ import annotations

import pytest
from orm_test_models import Author, Book

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
