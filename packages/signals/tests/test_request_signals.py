"""The request signals, through real HTTP requests to a project's app."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import HTTPException
from signals_blog.models import Post
from signals_testing import Connect
from starlette.requests import Request
from starlette.testclient import TestClient

from fastjango.core.project import Project
from fastjango.core.testing import SettingsOverride
from fastjango.core.urls import path
from fastjango.signals import (
    RequestSignalsMiddleware,
    got_request_exception,
    post_save,
    request_finished,
    request_started,
)

URLCONF = "signals_request_test_urls"
EVENTS: list[str] = []


def create_post(title: str) -> dict[str, str]:
    EVENTS.append("view")
    Post.objects.create(title=title)
    return {"created": title}


async def hello() -> dict[str, str]:
    EVENTS.append("view")
    return {"hello": "world"}


async def broken() -> None:
    raise RuntimeError("the view broke")


async def missing() -> None:
    raise HTTPException(status_code=404, detail="no such thing")


@pytest.fixture
def client(
    fastjango_project: Project, settings: SettingsOverride, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    urls = types.ModuleType(URLCONF)
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("posts/", create_post, methods=["POST"]),
        path("hello/", hello),
        path("broken/", broken),
        path("missing/", missing),
    ]
    monkeypatch.setitem(sys.modules, URLCONF, urls)
    settings.ROOT_URLCONF = URLCONF
    settings.ALLOWED_HOSTS = ["testserver"]
    EVENTS.clear()
    with TestClient(fastjango_project.build_app(), raise_server_exceptions=False) as test_client:
        yield test_client


def recorder(name: str) -> Any:
    def receive(sender: Any, **kwargs: Any) -> None:
        EVENTS.append(name)

    return receive


@pytest.mark.usefixtures("transactional_db")
def test_a_request_is_framed_by_request_started_and_request_finished(client: TestClient, connect: Connect) -> None:
    scopes: list[str] = []

    async def started(sender: Any, scope: dict[str, Any], **kwargs: Any) -> None:
        assert sender is RequestSignalsMiddleware
        scopes.append(scope["path"])
        EVENTS.append("request_started")

    connect(request_started, started)
    connect(post_save, recorder("post_save"), sender=Post)
    connect(request_finished, recorder("request_finished"))
    response = client.post("/posts/", params={"title": "via HTTP"})
    assert response.json() == {"created": "via HTTP"}
    assert EVENTS == ["request_started", "view", "post_save", "request_finished"]
    assert scopes == ["/posts/"]
    assert list(Post.objects.values_list("title", flat=True)) == ["via HTTP"]


def test_request_started_comes_before_every_other_middleware(client: TestClient, connect: Connect) -> None:
    connect(request_started, recorder("request_started"))
    connect(request_finished, recorder("request_finished"))
    # TrustedHostMiddleware refuses this host: the signals middleware is outside it, so it still sees the request.
    response = client.get("/hello/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
    assert EVENTS == ["request_started", "request_finished"]


def test_an_unhandled_exception_sends_got_request_exception(client: TestClient, connect: Connect) -> None:
    reports: list[tuple[str, str]] = []

    def report(sender: Any, request: Request, exception: Exception, **kwargs: Any) -> None:
        reports.append((request.url.path, str(exception)))

    def broken_receiver(sender: Any, **kwargs: Any) -> None:
        raise ValueError("a receiver failing must not hide the view's error")

    connect(got_request_exception, broken_receiver)
    connect(got_request_exception, report)
    connect(request_finished, recorder("request_finished"))
    assert client.get("/broken/").status_code == 500
    assert reports == [("/broken/", "the view broke")]
    assert EVENTS == ["request_finished"]


def test_a_handled_http_error_is_not_an_exception_to_report(client: TestClient, connect: Connect) -> None:
    connect(got_request_exception, recorder("got_request_exception"))
    assert client.get("/missing/").status_code == 404
    assert client.get("/hello/").json() == {"hello": "world"}
    assert EVENTS == ["view"]


def test_a_request_started_receiver_that_fails_fails_the_request(client: TestClient, connect: Connect) -> None:
    def refuse(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("closed for maintenance")

    connect(request_started, refuse)
    assert client.get("/hello/").status_code == 500
    assert EVENTS == []


async def test_async_client_requests_send_the_signals_too(
    fastjango_project: Project, settings: SettingsOverride, monkeypatch: pytest.MonkeyPatch, connect: Connect
) -> None:
    urls = types.ModuleType(URLCONF)
    urls.urlpatterns = [path("hello/", hello)]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, URLCONF, urls)
    settings.ROOT_URLCONF = URLCONF
    settings.ALLOWED_HOSTS = ["testserver"]
    EVENTS.clear()
    connect(request_started, recorder("request_started"))
    connect(request_finished, recorder("request_finished"))
    app = fastjango_project.build_app()
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as async_client:
        assert (await async_client.get("/hello/")).status_code == 200
    assert EVENTS == ["request_started", "view", "request_finished"]
