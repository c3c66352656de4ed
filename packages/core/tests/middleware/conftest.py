"""A small project with a few views, built per test with the settings it needs."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.testclient import TestClient

from fastjango.core import Project, path
from fastjango.core.middleware import get_request_id


class Note(BaseModel):
    text: str
    stars: int


async def hello() -> dict[str, str]:
    return {"hello": "world"}


async def big() -> PlainTextResponse:
    return PlainTextResponse("x" * 5000)


async def framed() -> PlainTextResponse:
    return PlainTextResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"})


async def whoami(request: Request) -> dict[str, Any]:
    return {"state": request.state.request_id, "context": get_request_id()}


async def create_note(note: Note) -> Note:
    return note


async def stream() -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for index in range(10):
            yield f"chunk {index} ".encode() * 20

    return StreamingResponse(chunks(), media_type="text/plain")


async def events() -> PlainTextResponse:
    return PlainTextResponse("data: x\n\n" * 200, media_type="text/event-stream")


async def encoded() -> Response:
    return Response(b"\x00" * 2000, headers={"Content-Encoding": "br", "Vary": "Cookie"})


async def upload(request: Request) -> dict[str, int]:
    return {"received": len(await request.body())}


async def crash() -> None:
    raise RuntimeError("secret internals")


@pytest.fixture
def make_client(package: Callable[..., str]) -> Callable[..., TestClient]:
    name = package(urls="urlpatterns = []\n")
    importlib.import_module(f"{name}.urls").urlpatterns = [
        path("", hello),
        path("big/", big),
        path("framed/", framed),
        path("whoami/", whoami),
        path("notes/", create_note, methods=["POST"]),
        path("crash/", crash),
        path("stream/", stream),
        path("events/", events),
        path("encoded/", encoded),
        path("upload/", upload, methods=["POST"]),
    ]

    def make(base_url: str = "http://testserver", **settings: Any) -> TestClient:
        settings.setdefault("ALLOWED_HOSTS", ["testserver"])
        settings.setdefault("SECRET_KEY", "k" * 60)
        project = Project({"ROOT_URLCONF": f"{name}.urls", **settings}, environ={})
        return TestClient(project.app, base_url=base_url, raise_server_exceptions=False)

    return make
