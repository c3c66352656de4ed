"""A project without the ``signals`` plugin pays nothing: no hook is implemented, no receiver runs.

And a plugin may use the ORM's hooks directly, with or without the signals plugin beside it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
import signals_recording_plugin as recording
from signals_blog.models import Post
from signals_testing import Connect, project_for
from starlette.testclient import TestClient

from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.core.testing import SettingsOverride
from fastjango.core.urls import path
from fastjango.orm.hooks import hook_caller
from fastjango.signals import RequestSignalsMiddleware, post_save, pre_save, request_started

ORM_HOOKS = [
    "fastjango_orm_class_prepared",
    "fastjango_orm_pre_save",
    "fastjango_orm_post_save",
    "fastjango_orm_pre_delete",
    "fastjango_orm_post_delete",
    "fastjango_orm_m2m_changed",
    "fastjango_orm_pre_migrate",
    "fastjango_orm_post_migrate",
]


@pytest.fixture
def fastjango_project(backend: str, request: pytest.FixtureRequest) -> Iterator[Project]:
    """The ORM alone, or with the plugins the test's ``plugins`` mark names."""
    mark = request.node.get_closest_marker("plugins")
    project = project_for(backend, tuple(mark.args) if mark else ("orm",))
    previous = get_project() if has_project(load=False) else None
    set_default_project(project)
    try:
        yield project
    finally:
        set_default_project(previous)


@pytest.mark.usefixtures("db")
def test_without_the_plugin_the_orm_calls_no_hook_and_no_receiver_runs(
    fastjango_project: Project, connect: Connect
) -> None:
    assert all(not getattr(fastjango_project.pm.hook, name).get_hookimpls() for name in ORM_HOOKS)
    assert hook_caller("fastjango_orm_post_save") is None  # what save() asks before calling anything
    heard: list[str] = []
    connect(pre_save, lambda sender, **kwargs: heard.append("pre_save"))
    connect(post_save, lambda sender, **kwargs: heard.append("post_save"))
    post = Post.objects.create(title="silent")
    post.delete()
    assert heard == []


async def test_without_the_plugin_async_saves_send_nothing(
    fastjango_project: Project, connect: Connect, db: None
) -> None:
    heard: list[str] = []

    async def on_save(sender: Any, **kwargs: Any) -> None:
        heard.append("post_save")

    connect(post_save, on_save)
    await Post.objects.acreate(title="silent")
    assert heard == []


def test_without_the_plugin_requests_send_nothing(
    fastjango_project: Project, connect: Connect, settings: SettingsOverride, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = types.ModuleType("signals_free_urls")
    urls.urlpatterns = [path("ping/", lambda: {"pong": True})]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "signals_free_urls", urls)
    heard: list[str] = []
    connect(request_started, lambda sender, **kwargs: heard.append("request_started"))
    settings.ROOT_URLCONF = "signals_free_urls"
    contributed = fastjango_project.pm.hook.fastjango_middleware(settings=fastjango_project.settings)
    assert RequestSignalsMiddleware not in [spec.middleware for specs in contributed for spec in specs]
    with TestClient(fastjango_project.build_app()) as client:
        assert client.get("/ping/").json() == {"pong": True}
    assert heard == []


@pytest.mark.plugins("orm", "signals_recording_plugin")
@pytest.mark.usefixtures("db")
def test_a_plugin_can_use_the_orm_hooks_without_the_signals_plugin(connect: Connect) -> None:
    recording.events.clear()
    heard: list[str] = []
    connect(post_save, lambda sender, **kwargs: heard.append("signal"))
    Post.objects.create(title="hooked")
    assert recording.events == [("hook post_save", "Post", True)]
    assert heard == []


@pytest.mark.plugins("orm", "signals", "signals_recording_plugin")
@pytest.mark.usefixtures("db")
def test_the_hooks_and_the_signals_work_side_by_side(connect: Connect) -> None:
    recording.events.clear()
    heard: list[str] = []
    connect(post_save, lambda sender, created, **kwargs: heard.append(f"signal created={created}"), sender=Post)
    Post.objects.create(title="both")
    assert recording.events == [("hook post_save", "Post", True)]
    assert heard == ["signal created=True"]
