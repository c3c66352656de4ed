"""A sync save on the event loop's thread (FASTJANGO_ALLOW_ASYNC_UNSAFE) still sends its model signals.

The ORM tells the hooks whether a save is async; without that the plugin would
have to guess from the running loop, and a sync save there would hand back an
awaitable that nobody awaits. Not inside the ``db`` fixture's async block:
the save commits, as such code does.
"""

from __future__ import annotations

from typing import Any

import pytest
from signals_blog.models import Post
from signals_testing import Connect
from test_model_signals import record

from fastjango.signals import post_delete, post_save

pytestmark = pytest.mark.usefixtures("transactional_db")


async def test_a_sync_save_on_the_event_loop_thread_still_sends_its_signals(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With FASTJANGO_ALLOW_ASYNC_UNSAFE a sync save may run on the loop's thread; the ORM tells the hook it is
    # sync, so the signals go out at once rather than as an awaitable nobody awaits.
    monkeypatch.setenv("FASTJANGO_ALLOW_ASYNC_UNSAFE", "1")
    events: list[tuple[Any, ...]] = []
    connect(post_save, record(events, "post_save"), sender=Post)
    connect(post_delete, record(events, "post_delete"), sender=Post)
    post = Post.objects.create(title="on the loop")
    post.delete()
    assert [event[0] for event in events] == ["post_save", "post_delete"]
