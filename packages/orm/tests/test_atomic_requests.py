"""ATOMIC_REQUESTS over real HTTP requests, on every database.

Whether a row is committed is always asked from a connection of its own (a
NullPool engine on the test database), never through the ORM, so an open
transaction of the request cannot answer for it. A pure-ASGI probe around the
app asks the same question at the moment ``http.response.start`` leaves the
app: that is what proves the commit came before the response.
"""

from __future__ import annotations

import sys
import types
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio.to_thread
import httpx2
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import JSONResponse, StreamingResponse
from orm_test_models import Author
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fastjango.core.project import Project
from fastjango.core.testing import SettingsOverride
from fastjango.core.urls import URLEntry, path
from fastjango.orm import ImproperlyConfigured, aget_object_or_404, get_object_or_404, transaction
from fastjango.orm.db.connections import get_databases

URLCONF = "atomic_requests_test_urls"

#: What the views, callbacks and the probe saw, in order; emptied before each test.
EVENTS: list[str] = []
SEEN: dict[str, list[str]] = {}


def committed_names() -> list[str]:
    """Author names committed in the test database, read on a connection of its own."""
    engine = create_engine(get_databases()["default"].sync_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            table = Author._meta.db_table
            return sorted(connection.execute(text(f"SELECT name FROM {table}")).scalars())
    finally:
        engine.dispose()


async def acommitted_names() -> list[str]:
    return await anyio.to_thread.run_sync(committed_names)


def fail(how: str) -> None:
    if how == "error":
        raise RuntimeError("the view failed")
    if how == "http":
        raise HTTPException(status_code=409, detail="conflict")
    raise AssertionError(how)


# -- views -------------------------------------------------------------------------------------------


async def create_async(name: str) -> dict[str, str]:
    await Author.objects.acreate(name=name)
    SEEN["view"] = await acommitted_names()
    return {"created": name}


def create_sync(name: str) -> dict[str, str]:
    Author.objects.create(name=name)
    SEEN["view"] = committed_names()
    return {"created": name}


async def fail_async(name: str, how: str) -> None:
    await Author.objects.acreate(name=name)
    if how == "404":
        await aget_object_or_404(Author, name="nobody")
    fail(how)


def fail_sync(name: str, how: str) -> None:
    Author.objects.create(name=name)
    if how == "404":
        get_object_or_404(Author, name="nobody")
    fail(how)


async def refuse_async(name: str, status: int) -> JSONResponse:
    await Author.objects.acreate(name=name)
    SEEN["view"] = await acommitted_names()
    return JSONResponse({"refused": name}, status_code=status)


def refuse_sync(name: str, status: int) -> JSONResponse:
    Author.objects.create(name=name)
    SEEN["view"] = committed_names()
    return JSONResponse({"refused": name}, status_code=status)


async def refuse_and_roll_back(name: str) -> JSONResponse:
    await Author.objects.acreate(name=name)
    transaction.set_rollback(True)
    return JSONResponse({"refused": name}, status_code=400)


async def stream(name: str) -> StreamingResponse:
    await Author.objects.acreate(name=name)
    SEEN["view"] = await acommitted_names()

    async def body() -> AsyncIterator[bytes]:
        SEEN["body"] = await acommitted_names()
        yield b"streamed"

    return StreamingResponse(body(), media_type="text/plain")


async def callback_async(name: str, how: str = "") -> dict[str, str]:
    async def after_commit() -> None:
        EVENTS.append("on_commit")
        SEEN["on_commit"] = await acommitted_names()

    await Author.objects.acreate(name=name)
    transaction.on_commit(after_commit)
    if how:
        fail(how)
    return {"created": name}


def callback_sync(name: str, how: str = "") -> dict[str, str]:
    def after_commit() -> None:
        EVENTS.append("on_commit")
        SEEN["on_commit"] = committed_names()

    Author.objects.create(name=name)
    transaction.on_commit(after_commit)
    if how:
        fail(how)
    return {"created": name}


@transaction.non_atomic_requests
async def create_non_atomic(name: str, how: str = "") -> dict[str, str]:
    await Author.objects.acreate(name=name)
    SEEN["view"] = await acommitted_names()
    if how:
        fail(how)
    return {"created": name}


@transaction.non_atomic_requests(using="default")
def create_non_atomic_sync(name: str) -> dict[str, str]:
    Author.objects.create(name=name)
    SEEN["view"] = committed_names()
    return {"created": name}


# An APIRouter is shared by every app that includes it; its routes are wrapped in place.
router = APIRouter()


@router.post("/router/create/")
def router_create(name: str) -> dict[str, str]:
    Author.objects.create(name=name)
    SEEN["view"] = committed_names()
    return {"created": name}


@transaction.non_atomic_requests  # above the route decorator: the function is marked, not replaced
@router.post("/router/create-non-atomic/")
async def router_create_non_atomic(name: str) -> dict[str, str]:
    await Author.objects.acreate(name=name)
    SEEN["view"] = await acommitted_names()
    return {"created": name}


URLPATTERNS: list[URLEntry] = [
    path("create-async/", create_async, methods=["POST"]),
    path("create-sync/", create_sync, methods=["POST"]),
    path("fail-async/", fail_async, methods=["POST"]),
    path("fail-sync/", fail_sync, methods=["POST"]),
    path("refuse-async/", refuse_async, methods=["POST"]),
    path("refuse-sync/", refuse_sync, methods=["POST"]),
    path("refuse-and-roll-back/", refuse_and_roll_back, methods=["POST"]),
    path("stream/", stream, methods=["POST"]),
    path("callback-async/", callback_async, methods=["POST"]),
    path("callback-sync/", callback_sync, methods=["POST"]),
    path("non-atomic/", create_non_atomic, methods=["POST"]),
    path("non-atomic-sync/", create_non_atomic_sync, methods=["POST"]),
    router,
]


# -- serving -----------------------------------------------------------------------------------------


class ResponseStartProbe:
    """Records, as the status line leaves the app, which rows another connection can see."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def probing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                EVENTS.append("response.start")
                SEEN["response.start"] = await acommitted_names()
            await send(message)

        await self.app(scope, receive, probing_send)


Serve = Callable[..., AbstractAsyncContextManager[httpx2.AsyncClient]]


def configure(settings: SettingsOverride, monkeypatch: pytest.MonkeyPatch, atomic: bool, extra: list[URLEntry]) -> None:
    urls = types.ModuleType(URLCONF)
    urls.urlpatterns = [*URLPATTERNS, *extra]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, URLCONF, urls)
    settings.ROOT_URLCONF = URLCONF
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DATABASES = {
        alias: config.model_copy(update={"ATOMIC_REQUESTS": atomic}) for alias, config in settings.DATABASES.items()
    }


@pytest.fixture
def serve(
    transactional_db: None, fastjango_project: Project, settings: SettingsOverride, monkeypatch: pytest.MonkeyPatch
) -> Serve:
    """``async with serve(atomic=True) as client:`` an app built with ATOMIC_REQUESTS set so, lifespan running."""

    @asynccontextmanager
    async def serving(
        atomic: bool = True, extra: list[URLEntry] | None = None, late: Callable[[FastAPI], None] | None = None
    ) -> AsyncIterator[httpx2.AsyncClient]:
        configure(settings, monkeypatch, atomic, extra or [])
        app = fastjango_project.build_app()
        if late is not None:
            late(app)
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=ResponseStartProbe(app), raise_app_exceptions=False)
            async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield client

    EVENTS.clear()
    SEEN.clear()
    return serving


async def names() -> list[str]:
    return [name async for name in Author.objects.order_by("name").values_list("name", flat=True)]


# -- tests -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["create-async", "create-sync", "router/create"])
async def test_a_view_runs_in_a_transaction_committed_before_the_response(serve: Serve, view: str) -> None:
    async with serve() as client:
        response = await client.post(f"/{view}/", params={"name": "Ann"})
    assert response.status_code == 200 and response.json() == {"created": "Ann"}
    assert SEEN["view"] == []  # inside the view the row is not committed yet: one transaction
    assert SEEN["response.start"] == ["Ann"]  # committed by the time the status line left the app
    assert await names() == ["Ann"]


@pytest.mark.parametrize("view", ["fail-async", "fail-sync"])
@pytest.mark.parametrize(("how", "status"), [("error", 500), ("http", 409), ("404", 404)])
async def test_a_view_that_raises_is_rolled_back(serve: Serve, view: str, how: str, status: int) -> None:
    async with serve() as client:
        response = await client.post(f"/{view}/", params={"name": "Gone", "how": how})
    assert response.status_code == status
    assert await names() == []
    assert SEEN["response.start"] == []


@pytest.mark.parametrize("view", ["refuse-async", "refuse-sync"])
@pytest.mark.parametrize("status", [400, 503])
async def test_a_returned_error_response_commits(serve: Serve, view: str, status: int) -> None:
    async with serve() as client:
        response = await client.post(f"/{view}/", params={"name": "Kept", "status": status})
    assert response.status_code == status
    assert SEEN["view"] == []
    assert SEEN["response.start"] == ["Kept"]
    assert await names() == ["Kept"]


async def test_set_rollback_lets_a_view_return_an_error_and_keep_nothing(serve: Serve) -> None:
    async with serve() as client:
        response = await client.post("/refuse-and-roll-back/", params={"name": "Undone"})
    assert response.status_code == 400
    assert await names() == []


async def test_a_streamed_body_is_sent_after_the_commit(serve: Serve) -> None:
    async with serve() as client:
        response = await client.post("/stream/", params={"name": "Flow"})
    assert response.status_code == 200 and response.text == "streamed"
    assert SEEN["view"] == []
    assert SEEN["response.start"] == ["Flow"]
    assert SEEN["body"] == ["Flow"]


@pytest.mark.parametrize("view", ["callback-async", "callback-sync"])
async def test_on_commit_callbacks_run_after_the_commit_and_before_the_response(serve: Serve, view: str) -> None:
    async with serve() as client:
        response = await client.post(f"/{view}/", params={"name": "Done"})
        assert response.status_code == 200
        assert EVENTS == ["on_commit", "response.start"]
        assert SEEN["on_commit"] == ["Done"]

        EVENTS.clear()
        response = await client.post(f"/{view}/", params={"name": "Undone", "how": "http"})
        assert response.status_code == 409
        assert EVENTS == ["response.start"]  # rolled back: the callback never ran
    assert await names() == ["Done"]


@pytest.mark.parametrize("view", ["non-atomic", "non-atomic-sync", "router/create-non-atomic"])
async def test_non_atomic_requests_keeps_a_view_in_autocommit(serve: Serve, view: str) -> None:
    async with serve() as client:
        response = await client.post(f"/{view}/", params={"name": "Free"})
        assert response.status_code == 200
        assert SEEN["view"] == ["Free"]  # committed by the create() itself
        response = await client.post("/create-sync/", params={"name": "Held"})
        assert SEEN["view"] == ["Free"]  # the other views of the app still run in a transaction
        if view == "non-atomic":
            response = await client.post(f"/{view}/", params={"name": "Stays", "how": "error"})
            assert response.status_code == 500
    assert await names() == (["Free", "Held", "Stays"] if view == "non-atomic" else ["Free", "Held"])


async def test_the_setting_decides_for_each_app_built(serve: Serve) -> None:
    """Off, on, off again, with the same shared router: each app follows its own settings."""
    for atomic, name in [(False, "First"), (True, "Second"), (False, "Third")]:
        SEEN.clear()
        async with serve(atomic=atomic) as client:
            for view in ["create-async", "router/create"]:
                response = await client.post(f"/{view}/", params={"name": f"{name} {view}"})
                assert response.status_code == 200
                assert (f"{name} {view}" in SEEN["view"]) is not atomic, (atomic, view)
            response = await client.post("/fail-sync/", params={"name": f"{name} failed", "how": "error"})
            assert response.status_code == 500
        assert (f"{name} failed" in await names()) is not atomic


async def test_routes_added_after_the_app_was_built_are_wrapped_at_startup(serve: Serve) -> None:
    def add_late_route(app: FastAPI) -> None:
        app.add_api_route("/late/", create_sync, methods=["POST"])

    async with serve(late=add_late_route) as client:
        response = await client.post("/late/", params={"name": "Late"})
    assert response.status_code == 200
    assert SEEN["view"] == []
    assert SEEN["response.start"] == ["Late"]


async def test_a_non_atomic_mark_for_an_unknown_database_stops_the_app(serve: Serve) -> None:
    @transaction.non_atomic_requests(using="reports")
    async def report() -> None: ...

    with pytest.raises(ImproperlyConfigured, match=r"non_atomic_requests\(using='reports'\).*no 'reports' entry"):
        async with serve(extra=[path("report/", report)]):
            pass


def test_the_synchronous_test_client_gets_the_same_behaviour(
    transactional_db: None, fastjango_project: Project, settings: SettingsOverride, monkeypatch: pytest.MonkeyPatch
) -> None:
    SEEN.clear()
    configure(settings, monkeypatch, True, [])
    with TestClient(fastjango_project.build_app(), raise_server_exceptions=False) as client:
        assert client.post("/create-sync/", params={"name": "Sync"}).status_code == 200
        assert SEEN["view"] == []
        assert client.post("/create-async/", params={"name": "Async"}).status_code == 200
        assert SEEN["view"] == ["Sync"]
        assert client.post("/fail-sync/", params={"name": "Sync failed", "how": "http"}).status_code == 409
        assert client.post("/fail-async/", params={"name": "Async failed", "how": "error"}).status_code == 500
    assert sorted(Author.objects.values_list("name", flat=True)) == ["Async", "Sync"]


def test_non_atomic_requests_refuses_what_it_cannot_mark() -> None:
    with pytest.raises(TypeError, match="takes a database alias"):
        transaction.non_atomic_requests(using=3)  # type: ignore[call-overload]

    class Views:
        def method(self) -> None: ...

    with pytest.raises(TypeError, match="cannot mark"):
        transaction.non_atomic_requests(Views().method)
