from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient


def test_default_security_headers(make_client: Callable[..., TestClient]) -> None:
    headers = make_client().get("/").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers  # plain HTTP: browsers would ignore it


def test_a_views_own_header_wins(make_client: Callable[..., TestClient]) -> None:
    headers = make_client().get("/framed/").headers
    assert headers.get_list("x-frame-options") == ["SAMEORIGIN"]


def test_hsts_on_https_only(make_client: Callable[..., TestClient]) -> None:
    settings = {"SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True}
    secure = make_client(base_url="https://testserver", **settings).get("/")
    assert secure.headers["strict-transport-security"] == "max-age=3600; includeSubDomains; preload"
    assert "strict-transport-security" not in make_client(**settings).get("/").headers


def test_hsts_behind_a_tls_proxy(make_client: Callable[..., TestClient]) -> None:
    client = make_client(SECURE_HSTS_SECONDS=60, SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https"))
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).headers["strict-transport-security"] == "max-age=60"
    assert "strict-transport-security" not in client.get("/", headers={"X-Forwarded-Proto": "http"}).headers


def test_ssl_redirect_keeps_path_and_query_and_honours_exemptions(make_client: Callable[..., TestClient]) -> None:
    client = make_client(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^big/$"])
    response = client.get("/whoami/?a=1", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "https://testserver/whoami/?a=1"
    assert client.get("/big/", follow_redirects=False).status_code == 200
    https = make_client(base_url="https://testserver", SECURE_SSL_REDIRECT=True)
    assert https.get("/", follow_redirects=False).status_code == 200


def test_ssl_host_is_used_for_redirects(make_client: Callable[..., TestClient]) -> None:
    client = make_client(SECURE_SSL_REDIRECT=True, SECURE_SSL_HOST="secure.example.com")
    assert client.get("/", follow_redirects=False).headers["location"] == "https://secure.example.com/"


def test_headers_can_be_switched_off(make_client: Callable[..., TestClient]) -> None:
    headers = make_client(X_FRAME_OPTIONS=None, SECURE_REFERRER_POLICY=None).get("/").headers
    assert "x-frame-options" not in headers
    assert "referrer-policy" not in headers
