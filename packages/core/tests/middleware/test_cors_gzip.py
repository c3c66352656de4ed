from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

ORIGIN = "https://app.example.com"


def test_no_cors_headers_without_configured_origins(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


def test_allowed_origin_gets_cors_headers_and_preflight(make_client: Callable[..., TestClient]) -> None:
    client = make_client(CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS=True)
    simple = client.get("/", headers={"Origin": ORIGIN})
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    assert simple.headers["access-control-allow-credentials"] == "true"
    preflight = client.options(
        "/notes/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_foreign_origin_gets_no_cors_headers(make_client: Callable[..., TestClient]) -> None:
    client = make_client(CORS_ALLOWED_ORIGINS=[ORIGIN])
    assert "access-control-allow-origin" not in client.get("/", headers={"Origin": "https://evil.org"}).headers
    preflight = client.options(
        "/notes/", headers={"Origin": "https://evil.org", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 400


def test_large_responses_are_gzipped_for_clients_that_accept_it(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    compressed = client.get("/big/", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.text == "x" * 5000
    assert "content-encoding" not in client.get("/", headers={"Accept-Encoding": "gzip"}).headers
    assert "content-encoding" not in client.get("/big/", headers={"Accept-Encoding": "identity"}).headers
