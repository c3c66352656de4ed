from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE

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


def gzip_client(make_client: Callable[..., TestClient], **settings: object) -> TestClient:
    return make_client(MIDDLEWARE=[*DEFAULT_MIDDLEWARE, "fastjango.core.middleware.GZipMiddleware"], **settings)


def test_the_default_stack_does_not_compress(make_client: Callable[..., TestClient]) -> None:
    assert "content-encoding" not in make_client().get("/big/", headers={"Accept-Encoding": "gzip"}).headers


def test_large_responses_are_gzipped_for_clients_that_accept_it(make_client: Callable[..., TestClient]) -> None:
    client = gzip_client(make_client)
    compressed = client.get("/big/", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["content-encoding"] == "gzip"
    assert compressed.text == "x" * 5000
    assert "content-encoding" not in client.get("/", headers={"Accept-Encoding": "gzip"}).headers
    assert "content-encoding" not in client.get("/big/", headers={"Accept-Encoding": "identity"}).headers


def test_streamed_responses_are_compressed_chunk_by_chunk(make_client: Callable[..., TestClient]) -> None:
    response = gzip_client(make_client).get("/stream/", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.headers["content-encoding"] == "gzip"
    assert "content-length" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.text == "".join(f"chunk {index} " * 20 for index in range(10))


def test_event_streams_and_encoded_responses_are_left_alone(make_client: Callable[..., TestClient]) -> None:
    client = gzip_client(make_client)
    assert "content-encoding" not in client.get("/events/", headers={"Accept-Encoding": "gzip"}).headers
    encoded = client.get("/encoded/", headers={"Accept-Encoding": "gzip"})
    assert encoded.headers["content-encoding"] == "br"
    assert encoded.headers["vary"] == "Cookie"


def test_compression_threshold_is_a_setting(make_client: Callable[..., TestClient]) -> None:
    client = gzip_client(make_client, GZIP_MINIMUM_SIZE=10)
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json() == {"hello": "world"}
