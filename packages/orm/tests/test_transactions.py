"""atomic() and on_commit() with real commits (transactional_db), sync and async."""

from __future__ import annotations

import pytest
from orm_test_models import Author

from fastjango.orm import TransactionManagementError, transaction

pytestmark = pytest.mark.usefixtures("transactional_db")


class Boom(Exception):
    """Raised on purpose inside a block, to roll it back."""


def names() -> list[str]:
    return sorted(Author.objects.values_list("name", flat=True))


def create_in_failing_block(name: str) -> None:
    with transaction.atomic():
        Author.objects.create(name=name)
        raise Boom(name)


def register_in_failing_block(callback: object) -> None:
    with transaction.atomic():
        transaction.on_commit(callback)  # type: ignore[arg-type]
        raise Boom("callback")


def test_commit_rollback_and_savepoints() -> None:
    with transaction.atomic():
        Author.objects.create(name="A")
    assert names() == ["A"]
    with pytest.raises(Boom):
        create_in_failing_block("B")
    assert names() == ["A"]
    with transaction.atomic():
        Author.objects.create(name="C")
        try:
            with transaction.atomic():
                Author.objects.create(name="D")
                raise KeyError
        except KeyError:
            pass
    assert names() == ["A", "C"]


def test_on_commit_runs_after_the_outermost_commit_only() -> None:
    ran: list[str] = []
    with transaction.atomic():
        transaction.on_commit(lambda: ran.append("outer"))
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("inner"))
        assert ran == []
        with pytest.raises(Boom):
            register_in_failing_block(lambda: ran.append("rolled back"))
    assert ran == ["outer", "inner"]
    with pytest.raises(Boom):
        register_in_failing_block(lambda: ran.append("never"))
    assert ran == ["outer", "inner"]
    transaction.on_commit(lambda: ran.append("now"))  # no transaction: runs at once
    assert ran[-1] == "now"


def test_atomic_as_decorator_and_set_rollback() -> None:
    @transaction.atomic
    def create(name: str) -> None:
        Author.objects.create(name=name)

    create("Deco")
    with transaction.atomic():
        Author.objects.create(name="Undone")
        transaction.set_rollback(True)
    assert names() == ["Deco"]
    with pytest.raises(TransactionManagementError):
        transaction.get_rollback()


def test_durable_blocks_cannot_nest() -> None:
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic(), transaction.atomic(durable=True):
        pass


def test_select_for_update_needs_a_transaction() -> None:
    Author.objects.create(name="Locked")
    with pytest.raises(TransactionManagementError, match="inside atomic"):
        list(Author.objects.select_for_update())
    with transaction.atomic():
        assert [a.name for a in Author.objects.select_for_update()] == ["Locked"]


async def test_async_on_commit_callbacks_are_awaited() -> None:
    ran: list[str] = []

    async def notify() -> None:
        ran.append("async")

    async with transaction.atomic():
        await Author.objects.acreate(name="Async")
        transaction.on_commit(notify)
        transaction.on_commit(lambda: ran.append("sync"))
    assert ran == ["async", "sync"]
    assert await Author.objects.filter(name="Async").aexists()


async def test_mixing_sync_and_async_transactions_is_refused() -> None:
    async with transaction.atomic():
        with pytest.raises(TransactionManagementError, match="nest the same kind"):
            await _enter_sync_block()


async def _enter_sync_block() -> None:
    import os

    os.environ["FASTJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    try:
        with transaction.atomic():
            pass
    finally:
        del os.environ["FASTJANGO_ALLOW_ASYNC_UNSAFE"]
