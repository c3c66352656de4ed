"""Rate-limited logins through real HTTP, counted in memory and in a real Redis shared by two stores."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import JSONResponse

from fastjango.auth import authenticate
from fastjango.auth.backends import BaseBackend
from fastjango.auth.hashers import PBKDF2PasswordHasher
from fastjango.auth.models import User
from fastjango.auth.ratelimit import (
    LoginRateLimited,
    LoginRateLimitSettings,
    MemoryRateLimitStore,
    RedisRateLimitStore,
    parse_rate,
    reset_memory_stores,
)
from fastjango.core.hookspecs import hookimpl
from fastjango.core.urls import include, path

pytestmark = pytest.mark.usefixtures("db")

PASSWORD = "s3cret-horse-battery"
REDIS_URL = "redis://127.0.0.1:6379/13"
#: This run's own keys: another test run on the same Redis (a second checkout, CI beside a developer) never
#: sees or clears them.
TEST_PREFIX = f"fastjango-test-{os.getpid()}:login:"


def sync_login_view(request: Request, username: str, password: str) -> JSONResponse:
    """A plain ``def`` view: the sync ``authenticate`` is limited the same way."""
    try:
        user = authenticate(request, username=username, password=password)
    except LoginRateLimited as limited:
        return JSONResponse(
            {"detail": str(limited)}, status_code=429, headers={"Retry-After": str(limited.retry_after)}
        )
    return JSONResponse({"ok": user is not None}, status_code=200 if user is not None else 400)


urlpatterns = [
    path("accounts/", include("fastjango.auth.urls")),
    path("sync-login/", sync_login_view, methods=["POST"]),
]


class CountingHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_counting"
    iterations = 1000
    calls = 0

    def _derive(self, password: str | bytes, salt: str, iterations: int) -> bytes:
        type(self).calls += 1
        return super()._derive(password, salt, iterations)


def _clear_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=TEST_PREFIX + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """Each test runs with counters in this process, and again in Redis."""
    reset_memory_stores()
    spec = "memory" if request.param == "memory" else REDIS_URL
    if spec != "memory":
        _clear_redis()
    settings.LOGIN_RATE_LIMIT_STORE = spec
    settings.LOGIN_RATE_LIMIT_KEY_PREFIX = TEST_PREFIX
    settings.LOGIN_RATE_LIMIT = "3/15m"
    settings.LOGIN_RATE_LIMIT_PER_IP = "10/15m"
    yield spec
    if spec != "memory":
        _clear_redis()


async def _user(name: str = "ann") -> Any:
    return await User.objects.acreate_user(name, f"{name}@example.com", PASSWORD)


async def _login(client: Any, username: str = "ann", password: str = "wrong") -> Any:
    return await client.post("/accounts/login/", json={"username": username, "password": password})


async def test_too_many_failures_are_refused_with_429(async_client: Any, store: str, backend: str) -> None:
    await _user()
    for _ in range(3):
        assert (await _login(async_client)).status_code == 400
    refused = await _login(async_client, password=PASSWORD)  # even the right password, now
    assert refused.status_code == 429
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    assert refused.json()["code"] == "rate_limited"
    other = await _login(async_client, username="bob")  # another username from the same client: its own counter
    assert other.status_code == 400


async def test_a_success_clears_the_username_counter(async_client: Any, store: str, backend: str) -> None:
    await _user()
    for _ in range(2):
        await _login(async_client)
    assert (await _login(async_client, password=PASSWORD)).status_code == 200
    async_client.cookies.clear()
    for _ in range(2):
        assert (await _login(async_client)).status_code == 400  # counting starts again from nothing
    assert (await _login(async_client, password=PASSWORD)).status_code == 200


async def test_the_per_ip_limit_spans_usernames(app: Any, store: str, backend: str) -> None:
    import httpx2

    transport = httpx2.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as sprayer:
        for number in range(10):
            assert (await _login(sprayer, username=f"user{number}")).status_code == 400
        assert (await _login(sprayer, username="someone-new")).status_code == 429
    elsewhere = httpx2.ASGITransport(app=app, client=("198.51.100.1", 4000))
    async with httpx2.AsyncClient(transport=elsewhere, base_url="http://testserver") as other:
        assert (await _login(other, username="someone-new")).status_code == 400  # other clients are not blocked


async def test_a_refused_attempt_runs_no_hasher_and_fires_the_hook(
    async_client: Any, settings: Any, fastjango_project: Any, store: str, backend: str
) -> None:
    from fastjango.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = ["test_ratelimit.CountingHasher"]
    await _user()
    counting: Any = type(get_hasher())
    failures: list[Any] = []

    class Recorder:
        @hookimpl
        def fastjango_auth_user_login_failed(self, credentials: dict[str, Any], request: Any) -> None:
            failures.append(credentials["username"])

    fastjango_project.pm.register(Recorder(), name="ratelimit-recorder")
    try:
        for _ in range(3):
            await _login(async_client)
        counting.calls = 0
        assert (await _login(async_client)).status_code == 429
        assert counting.calls == 0  # refused before any backend ran: no hashing work for the attacker
    finally:
        fastjango_project.pm.unregister(name="ratelimit-recorder")
    assert failures == ["ann"] * 4


class NobodyBackend(BaseBackend):
    """A backend without database work (a ``def`` view cannot query inside the async test transaction)."""

    def authenticate(self, request: Any, **credentials: Any) -> Any:
        return None


async def test_sync_authenticate_is_limited_too(async_client: Any, settings: Any, store: str, backend: str) -> None:
    settings.AUTHENTICATION_BACKENDS = ["test_ratelimit.NobodyBackend"]
    for _ in range(3):
        response = await async_client.post("/sync-login/?username=ann&password=wrong")
        assert response.status_code == 400, response.text
    assert (await async_client.post("/sync-login/?username=ann&password=wrong")).status_code == 429
    assert (await _login(async_client)).status_code == 429  # the async path sees the same counter


async def test_the_password_change_endpoint_counts_wrong_old_passwords(
    async_client: Any, store: str, backend: str
) -> None:
    await _user()
    await _login(async_client, password=PASSWORD)
    csrf = (await async_client.get("/accounts/login/")).json()["csrfToken"]
    body = {"old_password": "guess", "new_password": "another-fine-passphrase"}
    for _ in range(3):
        wrong = await async_client.post("/accounts/password/change/", json=body, headers={"X-CSRFToken": csrf})
        assert wrong.status_code == 400
    limited = await async_client.post("/accounts/password/change/", json=body, headers={"X-CSRFToken": csrf})
    assert limited.status_code == 429 and "Retry-After" in limited.headers


async def test_disabled(async_client: Any, settings: Any, store: str, backend: str) -> None:
    settings.LOGIN_RATE_LIMIT_ENABLED = False
    for _ in range(5):
        assert (await _login(async_client)).status_code == 400


async def test_two_redis_stores_share_counts_like_two_workers() -> None:
    _clear_redis()
    worker_a, worker_b = RedisRateLimitStore(REDIS_URL), RedisRateLimitStore(REDIS_URL)
    key = TEST_PREFIX + "shared-test"
    try:
        assert (await worker_a.ahit(key, 60))[0] == 1
        assert (await worker_b.ahit(key, 60))[0] == 2
        assert worker_a.hit(key, 60)[0] == 3  # the sync client (def views) counts in the same place
        count, ttl = await worker_b.apeek(key)
        assert count == 3 and 58 < ttl <= 60
        await worker_b.aclear(key)
        assert await worker_a.apeek(key) == (0, 0.0)
        assert worker_a.peek(key) == (0, 0.0)
        worker_a.hit(key, 1)
        time.sleep(1.2)  # Redis itself expires the window
        assert worker_b.peek(key) == (0, 0.0)
    finally:
        _clear_redis()
        from fastjango.auth.sessions.backends.cache import close_session_stores

        await close_session_stores()


def test_memory_windows_end() -> None:
    now = [1000.0]
    store = MemoryRateLimitStore(clock=lambda: now[0])
    assert store.hit("k", 60) == (1, 60)
    now[0] += 30
    assert store.hit("k", 60) == (2, 30)
    assert store.peek("k") == (2, 30)
    now[0] += 31
    assert store.peek("k") == (0, 0.0)
    assert store.hit("k", 60) == (1, 60)


@pytest.mark.parametrize(
    ("text", "limit", "window"), [("5/15m", 5, 900), ("100/h", 100, 3600), ("20/300s", 20, 300), ("3/2d", 3, 172800)]
)
def test_rates(text: str, limit: int, window: int) -> None:
    rate = parse_rate(text)
    assert (rate.limit, rate.window) == (limit, window)


@pytest.mark.parametrize("bad", ["five", "5", "5/15x", "0/m", "5/0m"])
def test_bad_settings_are_named(bad: str) -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError, match="LOGIN_RATE_LIMIT"):
        LoginRateLimitSettings(LOGIN_RATE_LIMIT=bad)
    with pytest.raises(pydantic.ValidationError, match="LOGIN_RATE_LIMIT_PER_IP"):
        LoginRateLimitSettings(LOGIN_RATE_LIMIT_PER_IP=bad)


def test_a_store_that_is_not_redis_is_named() -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError, match="must be 'memory' or a redis:// URL, not 'mysql://x'"):
        LoginRateLimitSettings(LOGIN_RATE_LIMIT_STORE="mysql://x")


async def test_a_burst_of_concurrent_guesses_gets_no_more_tries_than_the_limit(
    app: Any, settings: Any, store: str, backend: str
) -> None:
    """Each attempt takes its slot before the password is checked: 12 guesses at once still hash only 3 times."""
    import asyncio

    import httpx2

    from fastjango.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = ["test_ratelimit.CountingHasher"]
    # Only the username+client limit (3) in play: with the per-client one (10) too, an attempt that got
    # one of the first three username slots may get the eleventh client slot, and fewer than 3 pass.
    settings.LOGIN_RATE_LIMIT_PER_IP = "100/15m"
    await _user()
    counting: Any = type(get_hasher())
    counting.calls = 0
    transport = httpx2.ASGITransport(app=app, client=("203.0.113.9", 4000))
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as attacker:
        answers = await asyncio.gather(*(_login(attacker, password=f"guess-{n}") for n in range(12)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [400] * 3 + [429] * 9, [answer.text for answer in answers]
    assert counting.calls == 3


async def test_logins_pause_while_the_counter_store_is_unreachable(
    async_client: Any, settings: Any, backend: str
) -> None:
    """Redis down: password logins are refused for a moment (fail closed), with a message, never a 500."""
    settings.LOGIN_RATE_LIMIT_STORE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    await _user()
    refused = await _login(async_client, password=PASSWORD)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 30
    assert "paused" in refused.json()["detail"]


async def test_password_reset_requests_are_limited_per_address(
    async_client: Any, settings: Any, store: str, backend: str
) -> None:
    """Each request may send an e-mail: past the limit a 429, whether or not the address has an account."""
    from fastjango.auth import mail

    settings.EMAIL_BACKEND = "locmem"
    mail.outbox.clear()
    await _user()
    for address in ("ann@example.com", "nobody@example.com"):
        for _ in range(3):
            assert (await async_client.post("/accounts/password/reset/", json={"email": address})).status_code == 200
        refused = await async_client.post("/accounts/password/reset/", json={"email": address.upper()})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert len(mail.outbox) == 3  # ann's three; the refused fourth sent nothing


async def test_other_spellings_of_a_username_share_its_counter(async_client: Any, store: str, backend: str) -> None:
    """MariaDB matches "Ann" and "ann " to ann: they must not be fresh guesses at her password."""
    await _user()
    for spelling in ("ann", "Ann", "ANN "):
        assert (await _login(async_client, username=spelling)).status_code == 400
    assert (await _login(async_client, username="aNn", password=PASSWORD)).status_code == 429
