"""Hostile or broken requests get a clear 4xx, and a crash shows no internals outside DEBUG."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.testclient import TestClient

from fastjango.core import Project
from fastjango.core.middleware import resolve_middleware_order


def test_malformed_json_is_a_422_naming_the_problem(make_client: Callable[..., TestClient]) -> None:
    response = make_client().post(
        "/notes/", content=b'{"text": "hi", "stars": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_wrong_types_are_a_422_naming_the_field(make_client: Callable[..., TestClient]) -> None:
    response = make_client().post("/notes/", json={"text": "hi", "stars": "many"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "stars"]


def test_oversized_bodies_are_refused_with_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(MAX_REQUEST_BODY_SIZE=1024)
    response = client.post(
        "/notes/", content=b'{"text": "' + b"a" * 4096 + b'", "stars": 1}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert client.post("/notes/", json={"text": "small", "stars": 1}).status_code == 200


def test_a_crash_is_a_plain_500_without_traceback_unless_debug(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/crash/")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    debug = make_client(DEBUG=True).get("/crash/")
    assert "secret internals" in debug.text


def test_no_middleware_in_the_default_stack_is_base_http_middleware() -> None:
    project = Project({"SECRET_KEY": "k" * 60}, environ={})
    for entry in resolve_middleware_order(project.settings.MIDDLEWARE, []):
        assert not issubclass(entry.middleware, BaseHTTPMiddleware), entry.name


def test_chunked_uploads_over_the_limit_are_refused(make_client: Callable[..., TestClient]) -> None:
    client = make_client(MAX_REQUEST_BODY_SIZE=1000)

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    refused = client.post("/upload/", content=chunks())
    assert refused.status_code == 413
    assert client.post("/upload/", content=b"z" * 999).json() == {"received": 999}
    assert client.get("/").status_code == 200


def test_no_limit_when_the_setting_is_none(make_client: Callable[..., TestClient]) -> None:
    client = make_client(MAX_REQUEST_BODY_SIZE=None)
    assert client.post("/upload/", content=b"z" * 50_000).json() == {"received": 50_000}
