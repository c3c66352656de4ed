"""The model signals, sent from the ORM's hooks for sync and async saves, on every database."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from signals_blog.models import Comment, Label, Post
from signals_testing import Connect

from fastjango.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

pytestmark = pytest.mark.usefixtures("db")


def record(events: list[tuple[Any, ...]], name: str) -> Any:
    def receiver(sender: type[Any], instance: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        events.append((name, sender.__name__, kwargs.get("created"), fields, instance.pk is not None))

    return receiver


def test_save_sends_pre_save_and_post_save_with_created_and_update_fields(connect: Connect) -> None:
    events: list[tuple[Any, ...]] = []
    connect(pre_save, record(events, "pre_save"), sender=Post)
    connect(post_save, record(events, "post_save"), sender=Post)
    post = Post.objects.create(title="Hello")
    post.title = "Hello again"
    post.save(update_fields=["title"])
    assert events == [
        ("pre_save", "Post", True, None, False),
        ("post_save", "Post", True, None, True),
        ("pre_save", "Post", False, frozenset({"title"}), True),
        ("post_save", "Post", False, frozenset({"title"}), True),
    ]


def test_a_pre_save_receiver_changes_what_is_saved(connect: Connect) -> None:
    def slugify(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        instance.slug = instance.title.lower().replace(" ", "-")

    connect(pre_save, slugify, sender=Post)
    post = Post.objects.create(title="Big News")
    assert Post.objects.get(pk=post.pk).slug == "big-news"


def test_a_receiver_for_one_model_does_not_hear_another(connect: Connect) -> None:
    events: list[tuple[Any, ...]] = []
    connect(post_save, record(events, "post_save"), sender=Comment)
    Post.objects.create(title="Quiet")
    assert events == []
    Comment.objects.create(post=Post.objects.create(title="Loud"), body="hi")
    assert [event[1] for event in events] == ["Comment"]


def test_an_exception_in_a_receiver_propagates_from_save(connect: Connect) -> None:
    def refuse(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        raise PermissionError(f"no saving {instance.title}")

    connect(pre_save, refuse, sender=Post)
    with pytest.raises(PermissionError, match="no saving Draft"):
        Post.objects.create(title="Draft")
    assert not Post.objects.filter(title="Draft").exists()


def test_delete_sends_pre_and_post_delete_for_each_object_of_a_cascade(connect: Connect) -> None:
    events: list[tuple[str, str, Any]] = []

    def on_pre(sender: type[Any], instance: Any, using: str, **kwargs: Any) -> None:
        events.append(("pre_delete", sender.__name__, using))

    def on_post(sender: type[Any], instance: Any, **kwargs: Any) -> None:
        events.append(("post_delete", sender.__name__, instance.pk is not None))

    post = Post.objects.create(title="Gone")
    Comment.objects.create(post=post, body="too")
    connect(pre_delete, on_pre)
    connect(post_delete, on_post)
    post.delete()
    assert sorted(events) == [
        ("post_delete", "Comment", True),
        ("post_delete", "Post", True),
        ("pre_delete", "Comment", "default"),
        ("pre_delete", "Post", "default"),
    ]


def test_m2m_changed_is_sent_by_the_through_model(connect: Connect) -> None:
    through = Label._meta.get_field("posts").through_model
    events: list[tuple[Any, ...]] = []

    def on_change(sender: Any, instance: Any, action: str, pk_set: set[Any] | None, **kwargs: Any) -> None:
        events.append((action, kwargs["model"].__name__, kwargs["reverse"], len(pk_set) if pk_set else None))

    connect(m2m_changed, on_change, sender=through)
    label = Label.objects.create(name="news")
    posts = [Post.objects.create(title="a"), Post.objects.create(title="b")]
    label.posts.add(*posts)
    label.posts.clear()
    assert events == [
        ("pre_add", "Post", False, 2),
        ("post_add", "Post", False, 2),
        ("pre_clear", "Post", False, None),
        ("post_clear", "Post", False, None),
    ]


def test_bulk_operations_send_no_per_row_signals(connect: Connect) -> None:
    events: list[tuple[Any, ...]] = []
    connect(pre_save, record(events, "pre_save"))
    connect(post_save, record(events, "post_save"))
    Post.objects.bulk_create([Post(title="one"), Post(title="two")])
    Post.objects.filter(title="one").update(title="uno")
    assert events == []
    assert sorted(Post.objects.values_list("title", flat=True)) == ["two", "uno"]


async def test_async_saves_send_the_same_signals_to_async_and_sync_receivers(connect: Connect) -> None:
    events: list[tuple[Any, ...]] = []
    loop_thread = threading.get_ident()

    async def on_pre(sender: type[Post], instance: Post, created: bool, **kwargs: Any) -> None:
        instance.slug = "async-" + instance.title
        events.append(("async pre_save", created, threading.get_ident() == loop_thread))

    def on_post(sender: type[Post], instance: Post, created: bool, **kwargs: Any) -> None:
        events.append(("sync post_save", created, threading.get_ident() == loop_thread))

    connect(pre_save, on_pre, sender=Post)
    connect(post_save, on_post, sender=Post)
    post = await Post.objects.acreate(title="hi")
    post.title = "ho"
    await post.asave(update_fields=["title"])
    assert events == [
        ("async pre_save", True, True),
        ("sync post_save", True, False),  # a sync receiver runs in a worker thread, off the loop
        ("async pre_save", False, True),
        ("sync post_save", False, False),
    ]
    assert (await Post.objects.aget(pk=post.pk)).slug == "async-hi"  # update_fields=["title"] kept the slug


async def test_async_deletes_and_m2m_changes_send_signals(connect: Connect) -> None:
    events: list[str] = []

    async def on_delete(sender: type[Any], instance: Any, **kwargs: Any) -> None:
        events.append(f"post_delete {sender.__name__}")

    def on_m2m(sender: Any, action: str, **kwargs: Any) -> None:
        events.append(action)

    connect(post_delete, on_delete, sender=Post)
    connect(m2m_changed, on_m2m)
    label = await Label.objects.acreate(name="l")
    post = await Post.objects.acreate(title="p")
    await label.posts.aadd(post)
    await post.adelete()
    assert events[:2] == ["pre_add", "post_add"]
    assert events[-1] == "post_delete Post"


async def test_an_async_receivers_exception_propagates_from_asave(connect: Connect) -> None:
    async def refuse(sender: type[Post], instance: Post, **kwargs: Any) -> None:
        raise PermissionError("read only")

    connect(pre_save, refuse, sender=Post)
    with pytest.raises(PermissionError, match="read only"):
        await Post.objects.acreate(title="x")
