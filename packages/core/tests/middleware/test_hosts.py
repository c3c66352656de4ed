from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE
from fastjango.core.middleware.hosts import host_is_allowed, split_host


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("example.com", True),
        ("EXAMPLE.com:8000", True),
        ("shop.example.com", True),
        ("deep.shop.example.com", True),
        ("api.test", True),
        ("www.api.test", False),
        ("example.com.evil.org", False),
        ("evil.org", False),
        ("notexample.com", False),
    ],
)
def test_django_host_patterns(host: str, allowed: bool) -> None:
    name = split_host(host)
    assert name is not None
    assert host_is_allowed(name, [".example.com", "api.test"]) is allowed


@pytest.mark.parametrize(
    "malformed", ["exa mple.com", "example.com:port", "ex@mple.com", "[::1", "a" * 300 + ":99999999"]
)
def test_malformed_hosts_are_recognised(malformed: str) -> None:
    assert split_host(malformed) is None


def test_unknown_host_gets_400_before_routing(make_client: Callable[..., TestClient]) -> None:
    stack = ["fastjango.core.middleware.RequestIDMiddleware", *DEFAULT_MIDDLEWARE]
    client = make_client(ALLOWED_HOSTS=["example.com"], MIDDLEWARE=stack)
    assert client.get("/", headers={"Host": "example.com"}).status_code == 200
    refused = client.get("/", headers={"Host": "evil.org"})
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Invalid Host header."}  # no hint outside DEBUG
    assert "x-request-id" in refused.headers  # request IDs go outermost, so errors are traceable
    assert client.get("/no-such-page/", headers={"Host": "evil.org"}).status_code == 400


def test_debug_names_the_host_and_allows_localhost(make_client: Callable[..., TestClient]) -> None:
    client = make_client(DEBUG=True, ALLOWED_HOSTS=[], base_url="http://localhost:8000")
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    refused = client.get("/", headers={"Host": "evil.org"})
    assert (
        refused.json()["detail"] == "Invalid Host header 'evil.org'. You may need to add 'evil.org' to ALLOWED_HOSTS."
    )


def test_wildcard_allows_everything(make_client: Callable[..., TestClient]) -> None:
    client = make_client(ALLOWED_HOSTS=["*"])
    assert client.get("/", headers={"Host": "anything.example"}).status_code == 200


def test_empty_allowed_hosts_without_debug_refuses_all(make_client: Callable[..., TestClient]) -> None:
    assert make_client(ALLOWED_HOSTS=[]).get("/").status_code == 400


def test_websocket_with_bad_host_is_closed(make_client: Callable[..., TestClient]) -> None:
    from starlette.websockets import WebSocketDisconnect

    client = make_client(ALLOWED_HOSTS=["example.com"])
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/ws", headers={"Host": "evil.org"}):
        pass
    assert closed.value.code == 1008
