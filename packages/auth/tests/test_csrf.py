"""CSRF over HTTP: tokens (header and form field), Origin and Referer checks, and what is exempt by design.

The project runs the auth plugin's middleware (sessions, CSRF, authentication).
Sessions use signed cookies here, so no database is needed, except in the tests
parametrized over the database engine. Cookies are sent explicitly, as the
browser (or the attacker's page) would send them.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import Morsel, SimpleCookie
from typing import Any

import pytest
from auth_testing import default_project, project_for
from starlette.requests import Request
from starlette.websockets import WebSocket

from fastjango.auth.csrf import CsrfTokenDep, arotate_token, csrf_exempt, csrf_token_view
from fastjango.auth.csrf.tokens import MASKED_TOKEN_LENGTH
from fastjango.auth.sessions import SessionDep
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.project import Project
from fastjango.core.urls import path
from fastjango.orm.testing.backends import require_backend, selected_backends

EXTRA_SETTINGS: dict[str, Any] = {
    "INSTALLED_APPS": ["auth_app", "fastjango.auth.sessions"],
    "ROOT_URLCONF": __name__,
    "SESSION_ENGINE": "signed_cookies",
}


# --------------------------------------------------------------------------- the views


async def page(token: CsrfTokenDep, session: SessionDep) -> dict[str, Any]:
    """A page that renders a form: it starts a session and hands out a token."""
    session["visited"] = True
    return {"token": token}


async def submit() -> dict[str, Any]:
    return {"ok": True}


async def form(request: Request) -> dict[str, Any]:
    """Reads the body itself: the middleware must have left it intact."""
    async with request.form() as data:
        fields = {key: value for key, value in data.items() if isinstance(value, str)}
        files = {key: (await value.read()).decode() for key, value in data.items() if not isinstance(value, str)}
    return {"fields": fields, "files": files}


@csrf_exempt
async def webhook() -> dict[str, Any]:
    return {"ok": True}


async def rotate(request: Request) -> dict[str, Any]:
    """What login() does: a new CSRF secret."""
    await arotate_token(request)
    return {}


async def logout(session: SessionDep) -> dict[str, Any]:
    await session.flush()
    return {}


urlpatterns = [
    path("csrf/", csrf_token_view, methods=["GET"]),
    path("page/", page, methods=["GET"]),
    path("submit/", submit, methods=["POST", "PUT", "PATCH", "DELETE"]),
    path("form/", form, methods=["POST"]),
    path("webhook/", webhook, methods=["POST"]),
    path("rotate/", rotate, methods=["POST"]),
    path("logout/", logout, methods=["POST"]),
]


# --------------------------------------------------------------------------- fixtures and helpers

DB = [pytest.param(name, id=f"db-{name}") for name in selected_backends()]
db_engine = pytest.mark.parametrize("database", DB, indirect=True)


def with_settings(**values: Any) -> pytest.MarkDecorator:
    """Settings applied before the app is built (the middleware reads them once)."""
    return pytest.mark.parametrize("overrides", [values], indirect=True, ids=[""])


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """The database of a db-engine test (SQLite, and no database at all, for the others)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def fastjango_project(database: str) -> Iterator[Project]:
    project = project_for(require_backend(database), **EXTRA_SETTINGS)
    with default_project(project):
        yield project


@pytest.fixture
def overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(getattr(request, "param", {}))


@pytest.fixture
def app(
    fastjango_project: Project, settings: Any, overrides: dict[str, Any], request: pytest.FixtureRequest
) -> Iterator[Any]:
    """The core ``app`` fixture, built after the test's settings (and, for db tests, the ``db`` fixture)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "database" in callspec.params:
        request.getfixturevalue("db")
        settings.SESSION_ENGINE = "db"
    for name, value in overrides.items():
        setattr(settings, name, value)
    built = fastjango_project.build_app()
    with fastjango_project.activated():
        yield built


def client_for(app: Any, base_url: str = "http://testserver") -> Any:
    import httpx2

    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=base_url)


def set_cookies(response: Any) -> dict[str, Morsel[str]]:
    jar: dict[str, Morsel[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        jar.update(parsed)
    return jar


async def send(client: Any, method: str, url: str, cookies: dict[str, str] | None = None, **kwargs: Any) -> Any:
    """A request with exactly these cookies (the client's jar is emptied first)."""
    client.cookies.clear()
    headers = dict(kwargs.pop("headers", {}))
    if cookies:
        headers["cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return await client.request(method, url, headers=headers, **kwargs)


async def visit(client: Any) -> tuple[dict[str, str], str]:
    """Open the form page as a browser does: the session cookie it gets, and the page's token."""
    response = await send(client, "GET", "/page/")
    assert response.status_code == 200
    return {"sessionid": set_cookies(response)["sessionid"].value}, response.json()["token"]


def refused(response: Any, reason: str) -> None:
    assert response.status_code == 403, response.text
    assert response.json() == {"detail": f"CSRF Failed: {reason}"}


# --------------------------------------------------------------------------- tokens


async def test_cookie_authenticated_post_without_token_is_refused(async_client: Any) -> None:
    cookies, _ = await visit(async_client)
    refused(await send(async_client, "POST", "/submit/", cookies), "CSRF token missing.")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_token_in_header_is_accepted(async_client: Any, method: str) -> None:
    cookies, token = await visit(async_client)
    response = await send(async_client, method, "/submit/", cookies, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json() == {"ok": True}


async def test_safe_methods_are_never_checked(async_client: Any) -> None:
    cookies, _ = await visit(async_client)
    assert (await send(async_client, "GET", "/csrf/", cookies, headers={"Origin": "https://evil.example"})).is_success


async def test_token_of_another_session_is_refused(async_client: Any) -> None:
    victim_cookies, _ = await visit(async_client)
    _, attacker_token = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", victim_cookies, headers={"X-CSRFToken": attacker_token})
    refused(response, "CSRF token incorrect.")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("abc", "CSRF token from the 'X-CSRFToken' header has incorrect length."),
        ("!" * MASKED_TOKEN_LENGTH, "CSRF token from the 'X-CSRFToken' header has invalid characters."),
        ("A" * MASKED_TOKEN_LENGTH, "CSRF token incorrect."),
    ],
    ids=["short", "bad-characters", "well-formed-but-wrong"],
)
async def test_malformed_tokens_are_refused_with_a_reason(async_client: Any, token: str, reason: str) -> None:
    cookies, _ = await visit(async_client)
    refused(await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token}), reason)


async def test_tokens_differ_on_every_render_and_all_validate(async_client: Any) -> None:
    """Masking: no two pages show the same token (BREACH), yet each carries the session's secret."""
    cookies, first = await visit(async_client)
    tokens = [first]
    for _ in range(3):
        response = await send(async_client, "GET", "/csrf/", cookies)
        assert response.headers["cache-control"] == "no-store"
        tokens.append(response.json()["csrfToken"])
    assert len(set(tokens)) == len(tokens)
    assert all(len(token) == MASKED_TOKEN_LENGTH for token in tokens)
    for token in tokens:
        assert (await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token})).is_success


async def test_rotated_secret_invalidates_earlier_tokens(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    response = await send(async_client, "POST", "/rotate/", cookies, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    rotated = {"sessionid": set_cookies(response)["sessionid"].value}
    refused(
        await send(async_client, "POST", "/submit/", rotated, headers={"X-CSRFToken": token}), "CSRF token incorrect."
    )
    fresh = (await send(async_client, "GET", "/csrf/", rotated)).json()["csrfToken"]
    assert (await send(async_client, "POST", "/submit/", rotated, headers={"X-CSRFToken": fresh})).is_success


# --------------------------------------------------------------------------- form field


async def test_token_in_urlencoded_form_and_body_still_readable(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    response = await send(
        async_client, "POST", "/form/", cookies, data={"title": "héllo", "csrfmiddlewaretoken": token, "n": "1"}
    )
    assert response.status_code == 200
    assert response.json()["fields"] == {"title": "héllo", "csrfmiddlewaretoken": token, "n": "1"}


async def test_token_in_multipart_form_and_files_still_readable(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    response = await send(
        async_client,
        "POST",
        "/form/",
        cookies,
        data={"csrfmiddlewaretoken": token, "title": "report"},
        files={"upload": ("notes.txt", b"file body " * 1000, "text/plain")},
    )
    assert response.status_code == 200
    assert response.json()["fields"]["title"] == "report"
    assert response.json()["files"] == {"upload": "file body " * 1000}


async def test_wrong_token_in_form_is_refused(async_client: Any) -> None:
    cookies, _ = await visit(async_client)
    _, other = await visit(async_client)
    response = await send(async_client, "POST", "/form/", cookies, data={"csrfmiddlewaretoken": other})
    refused(response, "CSRF token incorrect.")
    response = await send(async_client, "POST", "/form/", cookies, data={"title": "no token"})
    refused(response, "CSRF token missing.")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"csrfmiddlewaretoken=\xff\xfe%zz&&==&\x00"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\ngarbage without end"),
        ("multipart/form-data", b"no boundary at all"),
    ],
    ids=["bad-bytes", "truncated-multipart", "no-boundary"],
)
async def test_hostile_form_bodies_are_refused_not_crashed(async_client: Any, content_type: str, body: bytes) -> None:
    cookies, _ = await visit(async_client)
    response = await send(async_client, "POST", "/form/", cookies, content=body, headers={"content-type": content_type})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed: CSRF token")


async def test_token_in_json_body_is_not_looked_for(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", cookies, json={"csrfmiddlewaretoken": token})
    refused(response, "CSRF token missing.")


# --------------------------------------------------------------------------- Origin and Referer


@pytest.mark.parametrize("origin", ["https://evil.example", "http://testserver.evil.example", "null", "garbage"])
async def test_foreign_origin_is_refused_even_with_a_good_token(async_client: Any, origin: str) -> None:
    cookies, token = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token, "Origin": origin})
    refused(response, f"Origin checking failed - {origin} does not match any trusted origins.")


async def test_own_origin_is_accepted(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    headers = {"X-CSRFToken": token, "Origin": "http://testserver"}
    assert (await send(async_client, "POST", "/submit/", cookies, headers=headers)).is_success


@with_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.com", "https://partner.test:8443"])
@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://app.example.com", True),
        ("https://a.b.example.com", True),
        ("https://APP.Example.com:443", True),
        ("https://partner.test:8443", True),
        ("https://example.com", False),  # the wildcard covers subdomains only
        ("http://app.example.com", False),  # another scheme
        ("https://evilexample.com", False),
        ("https://app.example.com.evil.test", False),
        ("https://partner.test", False),  # another port
    ],
)
async def test_trusted_origins_with_wildcards(async_client: Any, origin: str, allowed: bool) -> None:
    cookies, token = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token, "Origin": origin})
    assert response.status_code == (200 if allowed else 403), response.text


@pytest.mark.parametrize(
    ("referer", "reason"),
    [
        (None, "Referer checking failed - no Referer."),
        ("not a url", "Referer checking failed - Referer is malformed."),
        ("http://testserver/page/", "Referer checking failed - Referer is insecure while host is secure."),
        (
            "https://evil.example/page/",
            "Referer checking failed - https://evil.example/page/ does not match any trusted origins.",
        ),
        ("https://testserver/page/", None),
    ],
    ids=["missing", "malformed", "insecure", "foreign", "own"],
)
async def test_referer_is_checked_on_https_without_origin(app: Any, referer: str | None, reason: str | None) -> None:
    async with client_for(app, "https://testserver") as client:
        cookies, token = await visit(client)
        headers = {"X-CSRFToken": token, **({"Referer": referer} if referer else {})}
        response = await send(client, "POST", "/submit/", cookies, headers=headers)
    if reason is None:
        assert response.status_code == 200
    else:
        refused(response, reason)


@with_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.com"])
async def test_referer_from_a_trusted_origin_is_accepted(app: Any) -> None:
    async with client_for(app, "https://testserver") as client:
        cookies, token = await visit(client)
        headers = {"X-CSRFToken": token, "Referer": "https://shop.example.com/cart"}
        assert (await send(client, "POST", "/submit/", cookies, headers=headers)).status_code == 200


async def test_referer_is_not_required_over_plain_http(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    assert (await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token})).is_success


@with_settings(SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https"))
async def test_https_behind_a_proxy_requires_the_referer(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    headers = {"X-CSRFToken": token, "X-Forwarded-Proto": "https"}
    refused(
        await send(async_client, "POST", "/submit/", cookies, headers=headers), "Referer checking failed - no Referer."
    )


# --------------------------------------------------------------------------- exempt by design


async def test_request_without_session_cookie_is_not_checked(async_client: Any) -> None:
    assert (await send(async_client, "POST", "/submit/")).json() == {"ok": True}


async def test_cookieless_request_from_a_foreign_origin_is_refused(async_client: Any) -> None:
    """Login CSRF: a cross-site form posting credentials has no session yet, but its Origin gives it away."""
    response = await send(async_client, "POST", "/submit/", headers={"Origin": "https://evil.example"})
    refused(response, "Origin checking failed - https://evil.example does not match any trusted origins.")


@pytest.mark.parametrize("authorization", ["Bearer eyJhbGciOi.abc.def", "Token 0123456789abcdef", "Api-Key k"])
async def test_token_authenticated_request_is_exempt(async_client: Any, authorization: str) -> None:
    cookies, _ = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", cookies, headers={"Authorization": authorization})
    assert response.status_code == 200


@pytest.mark.parametrize("authorization", ["Basic dXNlcjpwYXNz", "Digest username=x", "Negotiate abc", "   "])
async def test_browser_managed_authorization_is_still_checked(async_client: Any, authorization: str) -> None:
    """Browsers resend Basic/Digest/Negotiate credentials by themselves: they prove nothing about intent."""
    cookies, _ = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", cookies, headers={"Authorization": authorization})
    refused(response, "CSRF token missing.")


async def test_csrf_exempt_view_is_not_checked(async_client: Any) -> None:
    cookies, _ = await visit(async_client)
    response = await send(async_client, "POST", "/webhook/", cookies, headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    refused(await send(async_client, "POST", "/submit/", cookies), "CSRF token missing.")


# --------------------------------------------------------------------------- cookie mode


@with_settings(CSRF_USE_SESSIONS=False)
async def test_cookie_mode_sets_a_readable_cookie_and_checks_it(async_client: Any) -> None:
    response = await send(async_client, "GET", "/csrf/")
    morsel = set_cookies(response)["csrftoken"]
    assert morsel["httponly"] == ""  # single-page apps read it
    assert morsel["samesite"] == "Lax"
    assert morsel["max-age"] == str(60 * 60 * 24 * 365)
    assert "sessionid" not in set_cookies(response)  # no session needed in this mode
    secret, token = morsel.value, response.json()["csrfToken"]
    cookies = {"csrftoken": secret}
    assert (await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token})).is_success
    # A script that copies the cookie into the header (axios, htmx) is fine too.
    assert (await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": secret})).is_success
    refused(await send(async_client, "POST", "/submit/", cookies), "CSRF token missing.")
    again = await send(async_client, "GET", "/csrf/", cookies)
    assert "csrftoken" not in set_cookies(again)  # the existing secret is kept


@with_settings(CSRF_USE_SESSIONS=False)
async def test_cookie_mode_with_session_but_no_csrf_cookie_is_refused(async_client: Any) -> None:
    response = await send(async_client, "GET", "/page/")
    cookies = {name: morsel.value for name, morsel in set_cookies(response).items()}
    token = response.json()["token"]
    del cookies["csrftoken"]
    refused(
        await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token}), "CSRF cookie not set."
    )
    cookies["csrftoken"] = "forged-value"
    refused(
        await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token}), "CSRF cookie not set."
    )


@with_settings(CSRF_USE_SESSIONS=False, CSRF_COOKIE_SECURE=True, CSRF_COOKIE_NAME="xsrf", CSRF_COOKIE_AGE=None)
async def test_cookie_mode_flags_follow_settings(async_client: Any) -> None:
    morsel = set_cookies(await send(async_client, "GET", "/csrf/"))["xsrf"]
    assert morsel["secure"] is True
    assert morsel["max-age"] == ""


@with_settings(CSRF_HEADER_NAME="X-XSRF-TOKEN", CSRF_FORM_FIELD="_token")
async def test_header_and_field_names_follow_settings(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    assert (await send(async_client, "POST", "/submit/", cookies, headers={"X-XSRF-TOKEN": token})).is_success
    refused(
        await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token}), "CSRF token missing."
    )
    assert (await send(async_client, "POST", "/form/", cookies, data={"_token": token})).is_success


def test_trusted_origin_without_scheme_is_refused_at_start() -> None:
    with pytest.raises(ImproperlyConfigured, match="CSRF_TRUSTED_ORIGINS.*'example.com' is not an origin"):
        Project(
            {"INSTALLED_PLUGINS": ["orm", "auth"], "SECRET_KEY": "x" * 50, "CSRF_TRUSTED_ORIGINS": ["example.com"]},
            environ={},
        )


# --------------------------------------------------------------------------- with server-side sessions


@db_engine
async def test_session_mode_on_the_database(async_client: Any) -> None:
    cookies, token = await visit(async_client)
    refused(await send(async_client, "POST", "/submit/", cookies), "CSRF token missing.")
    assert (await send(async_client, "POST", "/submit/", cookies, headers={"X-CSRFToken": token})).is_success
    # Logout flushes the session, and the secret with it: the old token is worthless afterwards.
    await send(async_client, "POST", "/logout/", cookies, headers={"X-CSRFToken": token})
    fresh_cookies, _ = await visit(async_client)
    response = await send(async_client, "POST", "/submit/", fresh_cookies, headers={"X-CSRFToken": token})
    refused(response, "CSRF token incorrect.")


# --------------------------------------------------------------------------- WebSockets


async def echo_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_json({"hello": websocket.session.get("visited", False)})
    await websocket.close()


@pytest.mark.parametrize(
    ("origin", "with_cookie", "accepted"),
    [
        ("https://evil.example", True, False),  # a page elsewhere opening a socket with the user's cookies
        ("http://testserver", True, True),
        (None, True, True),  # not a browser: browsers always send Origin on a WebSocket handshake
        ("https://evil.example", False, True),  # no cookies, nothing to hijack
    ],
    ids=["foreign-origin", "own-origin", "no-origin", "no-cookie"],
)
def test_websocket_handshake_from_a_foreign_origin_is_refused(
    app: Any, origin: str | None, with_cookie: bool, accepted: bool
) -> None:
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    app.add_api_websocket_route("/ws/", echo_socket)
    with TestClient(app, base_url="http://testserver") as client:
        page = client.get("/page/")
        headers = {"cookie": f"sessionid={page.cookies['sessionid']}"} if with_cookie else {}
        client.cookies.clear()
        if origin is not None:
            headers["origin"] = origin
        if accepted:
            with client.websocket_connect("/ws/", headers=headers) as socket:
                assert socket.receive_json() == {"hello": with_cookie}
        else:
            with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/ws/", headers=headers):
                pass
            assert closed.value.code == 1008
