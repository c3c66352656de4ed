"""``connect(..., on_commit=True)``: receivers that act only on committed data, on every database."""

from __future__ import annotations

from typing import Any

import pytest
from signals_blog.models import Post
from signals_testing import Connect

from fastjango.orm import transaction
from fastjango.signals import Signal, post_save

pytestmark = pytest.mark.usefixtures("transactional_db")


class Rollback(Exception):
    pass


def committed_titles() -> list[str]:
    return sorted(Post.objects.values_list("title", flat=True))


def create_and_roll_back(title: str) -> None:
    with transaction.atomic():
        Post.objects.create(title=title)
        raise Rollback


async def acreate_and_roll_back(title: str) -> None:
    async with transaction.atomic():
        await Post.objects.acreate(title=title)
        raise Rollback


def test_an_on_commit_receiver_runs_after_the_commit_and_sees_the_row(connect: Connect) -> None:
    seen: list[tuple[str, list[str]]] = []
    inside: list[list[tuple[str, list[str]]]] = []

    def notify(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        seen.append((instance.title, committed_titles()))

    connect(post_save, notify, sender=Post, on_commit=True)
    with transaction.atomic():
        Post.objects.create(title="kept")
        inside.append(list(seen))
    assert inside == [[]]
    assert seen == [("kept", ["kept"])]


def test_a_rollback_drops_the_on_commit_receiver_but_not_the_immediate_one(connect: Connect) -> None:
    deferred: list[str] = []
    immediate: list[str] = []
    connect(post_save, lambda sender, instance, **kw: deferred.append(instance.title), sender=Post, on_commit=True)
    connect(post_save, lambda sender, instance, **kw: immediate.append(instance.title), sender=Post)
    with pytest.raises(Rollback):
        create_and_roll_back("lost")
    assert immediate == ["lost"]
    assert deferred == []
    assert committed_titles() == []


def test_a_rolled_back_savepoint_drops_only_its_receivers(connect: Connect) -> None:
    deferred: list[str] = []
    connect(post_save, lambda sender, instance, **kw: deferred.append(instance.title), sender=Post, on_commit=True)
    with transaction.atomic():
        Post.objects.create(title="outer")
        with pytest.raises(Rollback):
            create_and_roll_back("inner")
    assert deferred == ["outer"]
    assert committed_titles() == ["outer"]


def test_without_a_transaction_an_on_commit_receiver_runs_at_once(connect: Connect) -> None:
    deferred: list[list[str]] = []
    connect(post_save, lambda sender, instance, **kw: deferred.append(committed_titles()), sender=Post, on_commit=True)
    Post.objects.create(title="autocommit")
    assert deferred == [["autocommit"]]


def test_an_async_on_commit_receiver_runs_after_a_synchronous_commit(connect: Connect) -> None:
    deferred: list[str] = []

    async def notify(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        deferred.append(instance.title)

    connect(post_save, notify, sender=Post, on_commit=True)
    with transaction.atomic():
        Post.objects.create(title="async receiver")
        assert deferred == []
    assert deferred == ["async receiver"]


async def test_after_an_async_commit_both_kinds_of_receivers_run(connect: Connect) -> None:
    deferred: list[str] = []

    async def notify(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        deferred.append("async " + instance.title)

    def invalidate(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        deferred.append("sync " + instance.title)

    connect(post_save, notify, sender=Post, on_commit=True)
    connect(post_save, invalidate, sender=Post, on_commit=True)
    async with transaction.atomic():
        await Post.objects.acreate(title="a")
        assert deferred == []
    assert deferred == ["async a", "sync a"]


async def test_an_async_rollback_drops_on_commit_receivers(connect: Connect) -> None:
    deferred: list[str] = []

    async def notify(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        deferred.append(instance.title)

    connect(post_save, notify, sender=Post, on_commit=True)
    with pytest.raises(Rollback):
        await acreate_and_roll_back("lost")
    assert deferred == []
    assert await Post.objects.acount() == 0


def test_a_custom_signal_defers_on_the_default_database(connect: Connect) -> None:
    order_placed = Signal("order_placed")
    sent: list[str] = []

    def ship(sender: Any, number: str, **kwargs: Any) -> str:
        sent.append(number)
        return "shipped"

    connect(order_placed, ship, on_commit=True)
    with transaction.atomic():
        assert order_placed.send(None, number="A1") == [(ship, None)]  # deferred: no response yet
        assert sent == []
    assert sent == ["A1"]
