"""The default guards served as one layer answer exactly as the separate layers do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from fastjango.core.middleware import BodySizeLimitMiddleware, SecurityMiddleware, TrustedHostMiddleware
from fastjango.core.middleware._guards import FusedGuards, fuse_guards

HOSTS = "fastjango.core.middleware.TrustedHostMiddleware"
BODY = "fastjango.core.middleware.BodySizeLimitMiddleware"
SECURITY = "fastjango.core.middleware.SecurityMiddleware"
PASS = f"{__name__}.PassThrough"


class PassThrough:
    """A middleware that changes nothing: placed between the guards, it keeps them apart."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def layers(client: TestClient) -> list[Any]:
    """The middleware objects of a client's app, outermost first."""
    current: Any = FastAPI.build_middleware_stack(client.app)  # type: ignore[arg-type]
    found = []
    while hasattr(current, "app"):
        found.append(current)
        current = current.app
    return found


def answer(client: TestClient, method: str, url: str, **kwargs: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    response = client.request(method, url, follow_redirects=False, **kwargs)
    headers = sorted((name, value) for name, value in response.headers.multi_items() if name != "date")
    return response.status_code, headers, response.content


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/", {}),
    ("GET", "/framed/", {}),
    ("GET", "/missing/", {}),
    ("GET", "/crash/", {}),
    ("GET", "/", {"headers": {"Host": "evil.example.com"}}),
    ("GET", "/", {"headers": {"Host": "bad host!"}}),
    ("POST", "/upload/", {"content": b"x" * 100}),
    ("POST", "/upload/", {"content": b"x" * 5000}),
    ("POST", "/upload/", {"chunks": (b"x" * 3000, b"y" * 3000)}),  # chunked, no Content-Length
    ("POST", "/notes/", {"json": {"text": "hi", "stars": "many"}}),
    ("GET", "/?next=1", {"headers": {"X-Forwarded-Proto": "https"}}),
    ("GET", "/big/", {"headers": {"X-Forwarded-Proto": "http"}}),
]

SETTINGS: list[dict[str, Any]] = [
    {},
    {"DEBUG": True},
    {"ALLOWED_HOSTS": ["*"]},
    {"MAX_REQUEST_BODY_SIZE": None},
    {
        "MAX_REQUEST_BODY_SIZE": 4096,
        "SECURE_HSTS_SECONDS": 600,
        "SECURE_PROXY_SSL_HEADER": ("X-Forwarded-Proto", "https"),
    },
    {"SECURE_SSL_REDIRECT": True, "SECURE_REDIRECT_EXEMPT": [r"^big/$"]},
    {"X_FRAME_OPTIONS": None, "SECURE_CONTENT_TYPE_NOSNIFF": False},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda settings: ",".join(settings) or "defaults")
def test_fused_guards_answer_like_separate_layers(
    make_client: Callable[..., TestClient], settings: dict[str, Any]
) -> None:
    fused = make_client(MIDDLEWARE=[HOSTS, BODY, SECURITY], **settings)
    separate = make_client(MIDDLEWARE=[HOSTS, PASS, BODY, PASS, SECURITY], **settings)
    for method, url, kwargs in REQUESTS:
        if "chunks" in kwargs:  # a fresh generator per request: a generator body has no Content-Length
            got = answer(fused, method, url, content=iter(kwargs["chunks"]))
            assert got == answer(separate, method, url, content=iter(kwargs["chunks"]))
            assert got[0] in (301, 413) or got[2] == b'{"received":6000}', got  # redirected, refused or read whole
            continue
        if url == "/crash/" and settings.get("DEBUG"):
            # The DEBUG traceback lists different frames; its status and headers must still agree.
            got, expected = fused.get(url), separate.get(url)
            assert got.status_code == expected.status_code == 500
            assert "secret internals" in got.text and "secret internals" in expected.text
            continue
        assert answer(fused, method, url, **kwargs) == answer(separate, method, url, **kwargs), (method, url, kwargs)


def test_the_default_stack_is_fused_and_a_middleware_between_keeps_the_guards_apart(
    make_client: Callable[..., TestClient],
) -> None:
    fused = [type(layer) for layer in layers(make_client())]
    assert FusedGuards in fused
    assert TrustedHostMiddleware not in fused and SecurityMiddleware not in fused
    separate = [type(layer) for layer in layers(make_client(MIDDLEWARE=[HOSTS, PASS, BODY, PASS, SECURITY]))]
    assert FusedGuards not in separate
    assert {TrustedHostMiddleware, BodySizeLimitMiddleware, SecurityMiddleware} <= set(separate)


def test_guards_out_of_their_default_order_stay_separate_and_keep_their_order(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(MIDDLEWARE=[SECURITY, HOSTS])
    assert FusedGuards not in [type(layer) for layer in layers(client)]
    # Security is outermost here, so even the Host refusal carries its headers.
    refused = client.get("/", headers={"Host": "evil.example.com"})
    assert refused.status_code == 400
    assert refused.headers["x-frame-options"] == "DENY"


def test_a_subclass_is_never_fused() -> None:
    class StricterHosts(TrustedHostMiddleware):
        pass

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("not called")

    chain = StricterHosts(SecurityMiddleware(app), ["example.com"])
    assert fuse_guards(chain) is chain
    single = SecurityMiddleware(app)
    assert fuse_guards(single) is single
    both = TrustedHostMiddleware(SecurityMiddleware(app), ["example.com"])
    fused = fuse_guards(both)
    assert isinstance(fused, FusedGuards)
    assert repr(fused) == "FusedGuards(TrustedHostMiddleware, SecurityMiddleware)"


def test_websockets_with_a_bad_host_are_refused_through_the_fused_stack(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ws", headers={"Host": "evil.example.com"}),
    ):
        pass
    assert refused.value.code == 1008
