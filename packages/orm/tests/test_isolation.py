"""The test kit's isolation: what a test writes under ``db`` is gone for the next test (sync and async)."""

from __future__ import annotations

import pytest
from orm_test_models import Author, Tag

pytestmark = pytest.mark.usefixtures("db")


def test_1_writes_rows() -> None:
    Author.objects.create(name="Leaky")
    Tag.objects.bulk_create([Tag(slug="a"), Tag(slug="b")])
    assert Author.objects.count() == 1


def test_2_sees_none_of_them() -> None:
    assert Author.objects.count() == 0
    assert Tag.objects.count() == 0


async def test_3_async_writes_rows() -> None:
    await Author.objects.acreate(name="Leaky too")
    assert await Author.objects.acount() == 1


async def test_4_async_sees_none_of_them() -> None:
    assert await Author.objects.acount() == 0


def test_5_sync_after_async_sees_none_either() -> None:
    assert Author.objects.count() == 0
