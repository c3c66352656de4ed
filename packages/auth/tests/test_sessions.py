"""Sessions over HTTP: every engine (signed cookies, the database on each backend, Redis), cookies, attacks.

Requests carry cookies explicitly (``Cookie`` header) rather than through the
client's jar, so each test says exactly what the browser (or the attacker) sent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any

import pytest
from auth_testing import default_project, project_for
from click.testing import CliRunner
from starlette.requests import Request

from fastjango.auth.csrf import csrf_exempt
from fastjango.auth.sessions import SessionDep, SessionNotLoaded, SessionTooLarge
from fastjango.auth.sessions.backends.cache import KEY_PREFIX, close_session_stores, redis_client
from fastjango.auth.sessions.clock import use_clock
from fastjango.auth.sessions.commands import clearsessions
from fastjango.auth.sessions.models import Session as SessionRow
from fastjango.auth.sessions.settings import check_session_settings
from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.project import Project
from fastjango.core.testing import require_service
from fastjango.core.urls import path
from fastjango.orm.testing.backends import require_backend, selected_backends

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own: the tests delete what they leave there
SESSION_MIDDLEWARE = "fastjango.auth.sessions.middleware.SessionMiddleware"
EXTRA_SETTINGS: dict[str, Any] = {
    "INSTALLED_APPS": ["auth_app", "fastjango.auth.sessions"],
    "MIDDLEWARE": [*DEFAULT_MIDDLEWARE, SESSION_MIDDLEWARE],
    "SESSION_REDIS_URL": REDIS_URL,
    "ROOT_URLCONF": __name__,
}


# --------------------------------------------------------------------------- the views


async def show(session: SessionDep) -> dict[str, Any]:
    return {"data": dict(session), "key": session.session_key}


async def update(values: dict[str, Any], session: SessionDep) -> dict[str, Any]:
    session.update(values)
    return {"data": dict(session), "key": session.session_key}


async def cycle(session: SessionDep) -> dict[str, Any]:
    await session.cycle_key()
    return {"data": dict(session)}


async def flush(request: Request) -> dict[str, Any]:
    await request.session.flush()  # type: ignore[attr-defined]
    return {}


async def clear(session: SessionDep) -> dict[str, Any]:
    session.clear()
    return {}


async def expiry(seconds: int, session: SessionDep) -> dict[str, Any]:
    session.set_expiry(seconds)
    session["touched"] = True
    return {"age": session.get_expiry_age(), "browser_close": session.get_expire_at_browser_close()}


async def untouched() -> dict[str, Any]:
    return {"ok": True}


async def starlette_style(request: Request) -> dict[str, Any]:
    """Code written for Starlette: ``request.session`` used as a plain dict, no await."""
    request.session["visits"] = request.session.get("visits", 0) + 1
    return {"visits": request.session["visits"]}


async def starlette_style_loaded(request: Request) -> dict[str, Any]:
    await request.session.aload()  # type: ignore[attr-defined]
    return await starlette_style(request)


async def deleted_meanwhile(request: Request) -> dict[str, Any]:
    """Another worker logs this session out while the request runs; the request then writes to it."""
    session = await request.session.aload()  # type: ignore[attr-defined]
    key = session.session_key
    assert key is not None
    await session._engine.delete(key)
    session["late"] = "write"
    return {}


# These tests are about sessions: the CSRF middleware (installed by the plugin) is told to let their POSTs by.
for _view in (update, cycle, flush, clear, expiry, starlette_style, starlette_style_loaded, deleted_meanwhile):
    csrf_exempt(_view)

urlpatterns = [
    path("session/", show, methods=["GET"]),
    path("session/set/", update, methods=["POST"]),
    path("session/cycle/", cycle, methods=["POST"]),
    path("session/flush/", flush, methods=["POST"]),
    path("session/clear/", clear, methods=["POST"]),
    path("session/expiry/", expiry, methods=["POST"]),
    path("untouched/", untouched, methods=["GET"]),
    path("starlette/", starlette_style, methods=["POST"]),
    path("starlette/loaded/", starlette_style_loaded, methods=["POST"]),
    path("session/deleted-meanwhile/", deleted_meanwhile, methods=["POST"]),
]


# --------------------------------------------------------------------------- fixtures and helpers

SIGNED = pytest.param(("signed_cookies", "sqlite"), id="signed_cookies")
CACHE = pytest.param(("cache", "sqlite"), id="cache")
DB = [pytest.param(("db", name), id=f"db-{name}") for name in selected_backends()]

#: Parametrize ``engine``: every engine (the database one on each backend), or some of them.
any_engine = pytest.mark.parametrize("engine", [SIGNED, *DB, CACHE], indirect=True)
server_side = pytest.mark.parametrize("engine", [*DB, CACHE], indirect=True)
db_engine = pytest.mark.parametrize("engine", DB, indirect=True)
signed_engine = pytest.mark.parametrize("engine", [SIGNED], indirect=True)


def with_settings(**values: Any) -> pytest.MarkDecorator:
    """Settings applied before the app is built (middleware read them once, at build time)."""
    return pytest.mark.parametrize("overrides", [values], indirect=True, ids=[""])


def _case(request: pytest.FixtureRequest) -> tuple[str, str]:
    callspec = getattr(request.node, "callspec", None)
    case = callspec.params.get("engine") if callspec is not None else None
    return case if case is not None else ("signed_cookies", "sqlite")


@pytest.fixture
def fastjango_project(request: pytest.FixtureRequest) -> Iterator[Project]:
    """A project with the sessions app and middleware, on the database the engine case names."""
    _, backend = _case(request)
    project = project_for(require_backend(backend), **EXTRA_SETTINGS)
    with default_project(project):
        yield project


@pytest.fixture
async def redis_clean() -> AsyncIterator[None]:
    require_service("Redis", "127.0.0.1", 6379)
    yield
    client = redis_client(REDIS_URL)
    keys = [key async for key in client.scan_iter(match=KEY_PREFIX + "*")]
    if keys:
        await client.delete(*keys)
    await close_session_stores()


@pytest.fixture
def engine(request: pytest.FixtureRequest, settings: Any) -> str:
    """The session engine of this test (signed cookies unless parametrized); db tests get the ``db`` fixture."""
    name, _ = _case(request)
    if name == "db":
        request.getfixturevalue("db")
    if name == "cache":
        request.getfixturevalue("redis_clean")
    settings.SESSION_ENGINE = name
    return name


@pytest.fixture
def overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(getattr(request, "param", {}))


@pytest.fixture
def app(fastjango_project: Project, settings: Any, engine: str, overrides: dict[str, Any]) -> Iterator[Any]:
    """The core ``app`` fixture, built after the engine and the test's settings are in place."""
    for name, value in overrides.items():
        setattr(settings, name, value)
    built = fastjango_project.build_app()
    with fastjango_project.activated():
        yield built


def set_cookies(response: Any) -> dict[str, Morsel[str]]:
    jar: dict[str, Morsel[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        jar.update(parsed)
    return jar


def session_value(response: Any, name: str = "sessionid") -> str:
    """The session cookie a response set (failing when it set none, or deleted it)."""
    morsel = set_cookies(response).get(name)
    assert morsel is not None, f"no {name} cookie set; Set-Cookie: {response.headers.get_list('set-cookie')}"
    assert morsel.value, "the cookie was deleted"
    return morsel.value


def cookie(value: str, name: str = "sessionid") -> dict[str, str]:
    return {"cookie": f"{name}={value}"}


async def send(client: Any, method: str, url: str, value: str | None = None, **kwargs: Any) -> Any:
    """A request carrying exactly the session cookie ``value`` (none when ``None``)."""
    client.cookies.clear()
    headers = {**kwargs.pop("headers", {}), **(cookie(value) if value is not None else {})}
    return await client.request(method, url, headers=headers, **kwargs)


def client_for(app: Any, base_url: str = "http://testserver") -> Any:
    import httpx2

    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=base_url)


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    moving = Clock()
    with use_clock(moving):
        yield moving


# --------------------------------------------------------------------------- the life of a session


@any_engine
async def test_set_read_and_modify(async_client: Any, engine: str) -> None:
    first = await send(async_client, "POST", "/session/set/", json={"cart": [1, 2], "name": "ada"})
    assert first.status_code == 200
    value = session_value(first)

    read = await send(async_client, "GET", "/session/", value)
    assert read.json()["data"] == {"cart": [1, 2], "name": "ada"}
    assert "Cookie" in read.headers.get_list("vary")
    assert "set-cookie" not in read.headers  # only read: nothing to save

    changed = await send(async_client, "POST", "/session/set/", value, json={"name": "grace"})
    new_value = set_cookies(changed)["sessionid"].value
    assert (await send(async_client, "GET", "/session/", new_value)).json()["data"] == {"cart": [1, 2], "name": "grace"}
    if engine != "signed_cookies":
        assert new_value == value  # same key, new data stored server-side
        assert read.json()["key"] == value


@any_engine
async def test_untouched_request_sets_no_cookie(async_client: Any, engine: str) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"a": 1}))
    response = await send(async_client, "GET", "/untouched/", value)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    fresh = await send(async_client, "GET", "/untouched/")
    assert "set-cookie" not in fresh.headers
    assert "vary" not in fresh.headers


@any_engine
async def test_flush_forgets_data_and_deletes_cookie(async_client: Any, engine: str) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    response = await send(async_client, "POST", "/session/flush/", value)
    deleted = set_cookies(response)["sessionid"]
    assert deleted.value == ""
    assert deleted["max-age"] == "0"
    assert deleted["path"] == "/"


@server_side
async def test_replay_after_flush_is_refused(async_client: Any, engine: str) -> None:
    """Logout deletes the stored session: a copy of the cookie taken before it opens nothing."""
    stolen = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    await send(async_client, "POST", "/session/flush/", stolen)
    replay = await send(async_client, "GET", "/session/", stolen)
    assert replay.status_code == 200
    assert replay.json() == {"data": {}, "key": None}


@server_side
async def test_cycle_key_defeats_session_fixation(async_client: Any, engine: str) -> None:
    """An attacker plants a session in the victim's browser; after login (cycle_key) that key is worthless."""
    planted = session_value(await send(async_client, "POST", "/session/set/", json={"theme": "dark"}))
    # The victim logs in with the planted cookie: the view rotates the key, keeping the data.
    login = await send(async_client, "POST", "/session/cycle/", planted)
    assert login.json()["data"] == {"theme": "dark"}
    rotated = session_value(login)
    assert rotated != planted
    await send(async_client, "POST", "/session/set/", rotated, json={"user": 7})
    # The attacker, holding the planted key, gets nothing of the victim's.
    assert (await send(async_client, "GET", "/session/", planted)).json() == {"data": {}, "key": None}
    assert (await send(async_client, "GET", "/session/", rotated)).json()["data"] == {"theme": "dark", "user": 7}


@signed_engine
async def test_cycle_key_on_signed_cookies_keeps_data(engine: str, async_client: Any, clock: Clock) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"theme": "dark"}))
    clock.now += 5
    rotated = session_value(await send(async_client, "POST", "/session/cycle/", value))
    assert rotated != value
    assert (await send(async_client, "GET", "/session/", rotated)).json()["data"] == {"theme": "dark"}


@server_side
async def test_client_chosen_key_is_never_adopted(async_client: Any, engine: str) -> None:
    chosen = "attackerchosen0000000000000000ab"
    assert len(chosen) == 32
    response = await send(async_client, "POST", "/session/set/", chosen, json={"user": 7})
    assert response.status_code == 200
    issued = session_value(response)
    assert issued != chosen
    assert (await send(async_client, "GET", "/session/", chosen)).json() == {"data": {}, "key": None}


@any_engine
async def test_emptied_session_deletes_cookie_and_stored_copy(async_client: Any, engine: str) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    response = await send(async_client, "POST", "/session/clear/", value)
    assert set_cookies(response)["sessionid"].value == ""
    if engine != "signed_cookies":
        assert (await send(async_client, "GET", "/session/", value)).json()["data"] == {}


# --------------------------------------------------------------------------- expiry


@any_engine
@with_settings(SESSION_COOKIE_AGE=60)
async def test_session_expires_after_its_age(engine: str, async_client: Any, clock: Clock) -> None:
    response = await send(async_client, "POST", "/session/set/", json={"user": 7})
    value = session_value(response)
    assert set_cookies(response)["sessionid"]["max-age"] == "60"
    clock.now += 59
    assert (await send(async_client, "GET", "/session/", value)).json()["data"] == {"user": 7}
    clock.now += 2
    expired = await send(async_client, "GET", "/session/", value)
    assert expired.status_code == 200
    assert expired.json()["data"] == {}


@any_engine
async def test_set_expiry_overrides_the_age(engine: str, async_client: Any, clock: Clock) -> None:
    response = await send(async_client, "POST", "/session/expiry/", params={"seconds": 30})
    assert response.json() == {"age": 30, "browser_close": False}
    assert set_cookies(response)["sessionid"]["max-age"] == "30"
    value = session_value(response)
    clock.now += 29
    assert (await send(async_client, "GET", "/session/", value)).json()["data"]["touched"] is True
    clock.now += 2
    assert (await send(async_client, "GET", "/session/", value)).json()["data"] == {}


async def test_set_expiry_zero_makes_a_browser_session_cookie(async_client: Any, settings: Any) -> None:
    response = await send(async_client, "POST", "/session/expiry/", params={"seconds": 0})
    assert response.json() == {"age": settings.SESSION_COOKIE_AGE, "browser_close": True}
    morsel = set_cookies(response)["sessionid"]
    assert morsel["max-age"] == "" and morsel["expires"] == ""


@db_engine
@with_settings(SESSION_COOKIE_AGE=60, SESSION_SAVE_EVERY_REQUEST=True)
async def test_save_every_request_renews_the_expiry(engine: str, async_client: Any, clock: Clock) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    for _ in range(3):  # 3 x 40 s: longer than the age, but each request renews it
        clock.now += 40
        renewed = await send(async_client, "GET", "/untouched/", value)
        assert set_cookies(renewed)["sessionid"]["max-age"] == "60"
    assert (await send(async_client, "GET", "/session/", value)).json()["data"] == {"user": 7}


# --------------------------------------------------------------------------- hostile cookies

GARBAGE = [
    "x",
    "0" * 32,  # the right shape for a key, unknown
    "../../etc/passwd",
    "eyJhIjoxfQ.ZZZZZZ.invalidsignature",
    "%00%ff%fe",
    "a" * 4000,
]


@any_engine
@pytest.mark.parametrize("garbage", GARBAGE, ids=["short", "unknown-key", "path", "fake-signed", "binary", "huge"])
async def test_garbage_cookie_is_an_empty_session(engine: str, async_client: Any, garbage: str) -> None:
    response = await send(async_client, "GET", "/session/", garbage)
    assert response.status_code == 200
    assert response.json() == {"data": {}, "key": None}


async def test_tampered_signed_cookie_is_an_empty_session(async_client: Any) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7, "is_staff": False}))
    payload, _, rest = value.partition(".")
    for forged in (
        payload[:-6] + ("A" if payload[-6] != "A" else "B") + payload[-5:] + "." + rest,  # data changed
        # The signature changed (not its last character: base64's padding bits may not reach the bytes).
        value[:-6] + ("A" if value[-6] != "A" else "B") + value[-5:],
        value + "A",
        value[: len(value) // 2],
    ):
        response = await send(async_client, "GET", "/session/", forged)
        assert response.status_code == 200
        assert response.json()["data"] == {}


async def test_signed_cookie_from_another_secret_is_refused(
    async_client: Any, settings: Any, fastjango_project: Project
) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    settings.SECRET_KEY = "another-" + "s" * 60
    async with client_for(fastjango_project.build_app()) as other:
        response = await send(other, "GET", "/session/", value)
    assert response.status_code == 200
    assert response.json()["data"] == {}


async def test_oversized_incoming_cookie_is_ignored(async_client: Any) -> None:
    response = await send(async_client, "GET", "/session/", "A" * 8000)
    assert response.status_code == 200
    assert response.json()["data"] == {}


async def test_oversized_session_is_not_saved_in_production(
    async_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A session that would not fit in a cookie is dropped with an error log; the response still succeeds."""
    import secrets

    noise = secrets.token_hex(3000)  # 6000 random characters: compression cannot save them
    with caplog.at_level(logging.ERROR, logger="fastjango.auth.sessions"):
        response = await send(async_client, "POST", "/session/set/", json={"notes": noise})
    assert response.status_code == 200
    assert "sessionid" not in set_cookies(response)
    assert "over the 4093 browsers keep" in caplog.text
    assert noise[:50] not in caplog.text  # the data never reaches the logs


@with_settings(DEBUG=True)
async def test_oversized_session_raises_in_debug(async_client: Any) -> None:
    import secrets

    with pytest.raises(SessionTooLarge, match="use a server-side SESSION_ENGINE"):
        await send(async_client, "POST", "/session/set/", json={"notes": secrets.token_hex(3000)})


async def test_large_but_compressible_session_fits(async_client: Any) -> None:
    response = await send(async_client, "POST", "/session/set/", json={"notes": "abc" * 3000})
    value = session_value(response)
    assert len(value) < 1000  # compressed
    assert (await send(async_client, "GET", "/session/", value)).json()["data"]["notes"] == "abc" * 3000


# --------------------------------------------------------------------------- cookie flags


async def test_default_cookie_flags(async_client: Any) -> None:
    morsel = set_cookies(await send(async_client, "POST", "/session/set/", json={"a": 1}))["sessionid"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]
    assert not morsel["domain"]
    assert morsel["max-age"] == str(60 * 60 * 24 * 14)
    assert morsel["expires"]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SESSION_COOKIE_SECURE": True}, {"secure": True}),
        ({"SESSION_COOKIE_HTTPONLY": False}, {"httponly": ""}),
        ({"SESSION_COOKIE_SAMESITE": "Strict"}, {"samesite": "Strict"}),
        ({"SESSION_COOKIE_SAMESITE": None}, {"samesite": ""}),
        ({"SESSION_COOKIE_PATH": "/app/"}, {"path": "/app/"}),
        ({"SESSION_COOKIE_DOMAIN": ".example.com"}, {"domain": ".example.com"}),
        ({"SESSION_EXPIRE_AT_BROWSER_CLOSE": True}, {"max-age": "", "expires": ""}),
        ({"SESSION_COOKIE_AGE": 3600}, {"max-age": "3600"}),
    ],
    ids=["secure", "no-httponly", "strict", "no-samesite", "path", "domain", "browser-close", "age"],
    indirect=["overrides"],
)
async def test_cookie_flags_follow_settings(async_client: Any, expected: dict[str, Any]) -> None:
    morsel = set_cookies(await send(async_client, "POST", "/session/set/", json={"a": 1}))["sessionid"]
    for attribute, value in expected.items():
        assert morsel[attribute] == value, attribute


@with_settings(SESSION_COOKIE_NAME="app_session")
async def test_cookie_name_setting(async_client: Any) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"a": 1}), "app_session")
    async_client.cookies.clear()
    read = await async_client.get("/session/", headers=cookie(value, "app_session"))
    ignored = await async_client.get("/session/", headers=cookie(value, "sessionid"))
    assert read.json()["data"] == {"a": 1}
    assert ignored.json()["data"] == {}


@with_settings(SESSION_COOKIE_HOST_PREFIX=True)
async def test_host_prefix_cookie(app: Any) -> None:
    async with client_for(app, "https://testserver") as client:
        response = await send(client, "POST", "/session/set/", json={"a": 1})
        morsel = set_cookies(response)["__Host-sessionid"]
        assert morsel["secure"] is True
        assert morsel["path"] == "/"
        assert not morsel["domain"]
        client.cookies.clear()
        read = await client.get("/session/", headers=cookie(morsel.value, "__Host-sessionid"))
        plain = await client.get("/session/", headers=cookie(morsel.value, "sessionid"))
    assert read.json()["data"] == {"a": 1}
    assert plain.json()["data"] == {}  # a cookie without the prefix (which a subdomain could set) is not read


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"SESSION_COOKIE_DOMAIN": ".example.com"}, "may not have a Domain; remove SESSION_COOKIE_DOMAIN"),
        ({"SESSION_COOKIE_PATH": "/app/"}, "must have Path=/; set SESSION_COOKIE_PATH"),
    ],
)
def test_host_prefix_refuses_contradicting_settings(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        Project(
            {"INSTALLED_PLUGINS": ["orm", "auth"], "SECRET_KEY": "x" * 50, "SESSION_COOKIE_HOST_PREFIX": True, **bad},
            environ={},
        )
    assert "SESSION_COOKIE_HOST_PREFIX" in str(error.value)
    assert message in str(error.value)


def test_samesite_none_needs_secure() -> None:
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_SAMESITE.*must be Secure"):
        Project(
            {"INSTALLED_PLUGINS": ["orm", "auth"], "SECRET_KEY": "x" * 50, "SESSION_COOKIE_SAMESITE": "None"},
            environ={},
        )


def test_unknown_engine_is_refused_with_the_choices() -> None:
    with pytest.raises(
        ImproperlyConfigured, match="SESSION_ENGINE = 'memcached'.*must be one of cache, db, signed_cookies"
    ):
        Project(
            {"INSTALLED_PLUGINS": ["orm", "auth"], "SECRET_KEY": "x" * 50, "SESSION_ENGINE": "memcached"},
            environ={},
        )


def test_signed_cookies_need_a_secret_key(settings: Any) -> None:
    settings.SESSION_ENGINE = "signed_cookies"
    settings.SECRET_KEY = ""
    assert any("SECRET_KEY, which is empty" in problem for problem in check_session_settings(settings))
    settings.SESSION_ENGINE = "db"
    assert check_session_settings(settings) == []


@with_settings(SECRET_KEY="")
async def test_signed_cookie_engine_without_secret_refuses_to_start(app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY, which is empty"):
        async with app.router.lifespan_context(app), client_for(app) as client:
            await client.get("/untouched/")


@with_settings(SESSION_ENGINE="myproject.sessions.Missing")
async def test_engine_that_cannot_be_imported_is_named(app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="SESSION_ENGINE = 'myproject.sessions.Missing' cannot be imported"):
        async with client_for(app) as client:
            await client.get("/untouched/")


# --------------------------------------------------------------------------- laziness, Starlette, concurrency


def bare_app(settings: Any) -> Any:
    """The views behind SessionMiddleware alone (no authentication middleware loading the session for them)."""
    from fastapi import FastAPI

    from fastjango.auth.sessions.middleware import SessionMiddleware

    inner = FastAPI()
    inner.add_api_route("/session/", show, methods=["GET"])
    inner.add_api_route("/session/set/", update, methods=["POST"])
    inner.add_api_route("/untouched/", untouched, methods=["GET"])
    inner.add_api_route("/starlette/", starlette_style, methods=["POST"])
    inner.add_api_route("/starlette/loaded/", starlette_style_loaded, methods=["POST"])
    return SessionMiddleware.from_settings(inner, settings)


@db_engine
async def test_untouched_session_costs_no_query(engine: str, app: Any, settings: Any, assert_num_queries: Any) -> None:
    async with client_for(bare_app(settings)) as client:
        value = session_value(await send(client, "POST", "/session/set/", json={"user": 7}))
        with assert_num_queries(0):
            response = await send(client, "GET", "/untouched/", value)
        assert response.status_code == 200
        assert "vary" not in response.headers  # the session was not read: the response does not depend on it
        with assert_num_queries(1):
            assert (await send(client, "GET", "/session/", value)).json()["data"] == {"user": 7}
        with assert_num_queries(0):  # not even a query for a value that cannot be a key
            assert (await send(client, "GET", "/session/", "not-a-key")).json()["data"] == {}


@db_engine
async def test_requests_without_cookie_cost_no_query_in_the_full_stack(
    engine: str, async_client: Any, assert_num_queries: Any
) -> None:
    with assert_num_queries(0):
        assert (await send(async_client, "GET", "/untouched/")).status_code == 200


async def test_starlette_code_uses_request_session_as_a_dict(async_client: Any) -> None:
    first = await send(async_client, "POST", "/starlette/")
    assert first.json() == {"visits": 1}
    second = await send(async_client, "POST", "/starlette/", session_value(first))
    assert second.json() == {"visits": 2}


@pytest.mark.parametrize("engine", DB[:1], indirect=True)
async def test_server_side_session_must_be_loaded_before_sync_use(engine: str, app: Any, settings: Any) -> None:
    async with client_for(bare_app(settings)) as client:
        first = await send(client, "POST", "/starlette/")  # no cookie yet: nothing to load
        value = session_value(first)
        second = await send(client, "POST", "/starlette/loaded/", value)
        assert second.json() == {"visits": 2}
        with pytest.raises(SessionNotLoaded, match=r"await request.session.aload\(\)"):
            await send(client, "POST", "/starlette/", value)


@server_side
async def test_logout_elsewhere_is_not_undone_by_a_late_write(engine: str, async_client: Any) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    response = await send(async_client, "POST", "/session/deleted-meanwhile/", value)
    assert response.status_code == 200
    assert set_cookies(response)["sessionid"].value == ""
    assert (await send(async_client, "GET", "/session/", value)).json() == {"data": {}, "key": None}


@pytest.mark.parametrize("engine", [CACHE], indirect=True)
async def test_cache_sessions_are_shared_by_workers(engine: str, app: Any, fastjango_project: Project) -> None:
    """Two app instances (as two worker processes would run) see the same Redis sessions."""
    async with client_for(app) as a, client_for(fastjango_project.build_app()) as b:
        value = session_value(await send(a, "POST", "/session/set/", json={"user": 7}))
        assert (await send(b, "GET", "/session/", value)).json()["data"] == {"user": 7}
        await send(b, "POST", "/session/flush/", value)
        assert (await send(a, "GET", "/session/", value)).json()["data"] == {}


@pytest.mark.parametrize("engine", [CACHE], indirect=True)
@with_settings(SESSION_COOKIE_AGE=120)
async def test_cache_sessions_have_a_redis_ttl(engine: str, async_client: Any) -> None:
    value = session_value(await send(async_client, "POST", "/session/set/", json={"user": 7}))
    ttl = await redis_client(REDIS_URL).ttl(KEY_PREFIX + value)
    assert 110 <= ttl <= 120


# --------------------------------------------------------------------------- clearsessions


@db_engine
def test_clearsessions_deletes_expired_rows(engine: str) -> None:
    from fastjango.auth.sessions.clock import now_datetime

    SessionRow.objects.create(session_key="e" * 32, session_data="{}", expire_date=now_datetime() - timedelta(1))
    SessionRow.objects.create(session_key="f" * 32, session_data="{}", expire_date=now_datetime() + timedelta(1))
    result = CliRunner().invoke(clearsessions, [])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired session(s)." in result.output
    assert list(SessionRow.objects.values_list("session_key", flat=True)) == ["f" * 32]


def test_every_setting_is_documented() -> None:
    from pathlib import Path

    from fastjango.auth.csrf import CsrfSettings
    from fastjango.auth.sessions.settings import SessionSettings

    docs = Path(__file__).resolve().parents[3] / "docs" / "auth" / "sessions-and-csrf.md"
    text = docs.read_text(encoding="utf-8")
    missing = [name for name in [*SessionSettings.model_fields, *CsrfSettings.model_fields] if f"`{name}`" not in text]
    assert missing == [], f"settings missing from {docs.name}: {missing}"
