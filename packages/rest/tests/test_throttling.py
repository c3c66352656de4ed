"""Throttling: rates, the sliding window, client identity, and the memory and Redis stores."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from starlette.requests import Request as StarletteRequest

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.testing import require_service
from fastjango.core.urls import path
from fastjango.rest._throttle_stores import RedisThrottleStore, memory_store
from fastjango.rest.authentication import BaseAuthentication
from fastjango.rest.exceptions import Throttled
from fastjango.rest.request import Request
from fastjango.rest.response import Response
from fastjango.rest.throttling import (
    REDIS_KEY_PREFIX,
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    ThrottleStoreUnavailable,
    UserRateThrottle,
    check_throttles,
    close_throttle_stores,
)
from fastjango.rest.views import APIView

REDIS_URL = "redis://127.0.0.1:6379/0"
RUN = uuid.uuid4().hex[:12]  # in every Redis key these tests write, so that they clean up after themselves


class User:
    is_authenticated = True
    is_staff = False

    def __init__(self, pk: int) -> None:
        self.pk = pk


class HeaderAuthentication(BaseAuthentication):
    """``X-User: 42`` logs user 42 in."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        value = request.headers.get("x-user")
        return (User(int(value)), None) if value else None


def make_request(address: str = "10.0.0.1", user: int | None = None, headers: dict[str, str] | None = None) -> Request:
    raw = dict(headers or {})
    if user is not None:
        raw["x-user"] = str(user)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": [(key.lower().encode(), value.encode()) for key, value in raw.items()],
        "client": (address, 5000),
        "server": ("testserver", 80),
    }
    return Request(StarletteRequest(scope), authenticators=(HeaderAuthentication(),))


class View:
    throttle_scope: str | None = None

    def __init__(self, scope: str | None = None) -> None:
        self.throttle_scope = scope


class Clock:
    """The throttles' ``timer``: time moves only when the test says so."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def scoped(cls: type[SimpleRateThrottle], scope: str, rate: str | None = None) -> type[SimpleRateThrottle]:
    """``cls`` with a scope of this run, so that histories of tests and runs never mix."""
    attrs: dict[str, Any] = {"scope": f"{scope}-{RUN}"}
    if rate is not None:
        attrs["rate"] = rate
    return type(cls.__name__, (cls,), attrs)


def make_throttle(cls: type[SimpleRateThrottle], clock: Clock) -> SimpleRateThrottle:
    throttle = cls()
    throttle.timer = clock
    return throttle


async def hits(
    cls: type[SimpleRateThrottle], clock: Clock, request: Request, view: Any = None
) -> tuple[bool, float | None]:
    """One request through a fresh throttle (the view makes one per request): allowed, and the wait if not."""
    throttle = make_throttle(cls, clock)
    allowed = await throttle.allow_request(request, view or View())
    return allowed, throttle.wait()


@pytest.fixture(autouse=True)
def _fresh_memory_store() -> None:
    memory_store().clear()


# ---------------------------------------------------------------------- rates
@pytest.mark.parametrize(
    ("rate", "expected"),
    [("5/s", (5, 1)), ("100/min", (100, 60)), ("3/10s", (3, 10)), ("1000/day", (1000, 86400)), ("7/hour", (7, 3600))],
)
def test_a_rate_is_requests_per_period(rate: str, expected: tuple[int, int]) -> None:
    throttle = scoped(AnonRateThrottle, "parse", rate)()
    assert (throttle.num_requests, throttle.duration) == expected


def test_a_bad_rate_names_itself_and_the_throttle() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"AnonRateThrottle: rate '5/fortnight' is not like '100/min'"):
        scoped(AnonRateThrottle, "bad", "5/fortnight")()


def test_a_scope_without_a_rate_is_a_configuration_error_naming_it(settings: Any) -> None:
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {"user": "10/min"}}
    with pytest.raises(ImproperlyConfigured, match=r"No throttle rate for scope 'anon' \(AnonRateThrottle\)"):
        AnonRateThrottle()
    assert UserRateThrottle().num_requests == 10


def test_a_bad_rate_in_the_settings_names_the_scope(settings: Any) -> None:
    from fastjango.rest.settings import api_settings

    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {"burst": "ten/min"}}
    with pytest.raises(ImproperlyConfigured, match=r"DEFAULT_THROTTLE_RATES\['burst'\]"):
        api_settings()


async def test_a_rate_of_none_turns_the_throttle_off(settings: Any) -> None:
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {"anon": None}}
    clock = Clock()
    for _ in range(100):
        assert await hits(AnonRateThrottle, clock, make_request()) == (True, None)


# ---------------------------------------------------------------------- the sliding window
async def test_the_window_slides_as_time_passes() -> None:
    cls, clock, request = scoped(AnonRateThrottle, "window", "3/min"), Clock(1000.0), make_request()
    for moment in (1000.0, 1010.0, 1020.0):
        clock.now = moment
        assert await hits(cls, clock, request) == (True, None)
    clock.now = 1020.5
    assert await hits(cls, clock, request) == (False, 39.5)  # until the hit of 1000 leaves the window
    clock.now = 1059.0
    assert await hits(cls, clock, request) == (False, 1.0)
    clock.now = 1060.0  # a hit exactly one window old no longer counts (DRF's boundary)
    assert await hits(cls, clock, request) == (True, None)
    assert await hits(cls, clock, request) == (False, 10.0)  # now the hit of 1010 must go
    clock.now = 1130.0  # everything has left the window
    for _ in range(3):
        assert (await hits(cls, clock, request))[0]
    assert not (await hits(cls, clock, request))[0]


async def test_refused_requests_are_not_counted() -> None:
    cls, clock, request = scoped(AnonRateThrottle, "refused", "2/10s"), Clock(0.0), make_request()
    assert [(await hits(cls, clock, request))[0] for _ in range(50)] == [True, True] + [False] * 48
    clock.now = 10.0
    assert (await hits(cls, clock, request))[0]  # the 48 refusals did not extend the window


async def test_each_client_has_its_own_count() -> None:
    cls, clock = scoped(AnonRateThrottle, "clients", "1/min"), Clock()
    assert (await hits(cls, clock, make_request("10.0.0.1")))[0]
    assert not (await hits(cls, clock, make_request("10.0.0.1")))[0]
    assert (await hits(cls, clock, make_request("10.0.0.2")))[0]


async def test_the_memory_store_forgets_clients_whose_window_has_passed() -> None:
    store, cls = memory_store(), scoped(AnonRateThrottle, "sweep", "1/10s")
    clock = Clock(0.0)
    for number in range(3000):
        await hits(cls, clock, make_request(f"10.1.{number // 256}.{number % 256}"))
    assert len(store) == 3000
    clock.now = 10.0  # every one of those windows has passed
    for _ in range(3001):  # a full sweep happens within one check per stored key
        await hits(cls, clock, make_request("10.9.9.9"))
    assert len(store) <= 2
    assert store.sweep(10.0) == 0


# ---------------------------------------------------------------------- who is counted
@pytest.mark.parametrize(
    ("num_proxies", "forwarded", "expected"),
    [
        (None, None, "10.0.0.1"),
        (None, "1.1.1.1, 2.2.2.2", "1.1.1.1,2.2.2.2"),
        (0, "1.1.1.1, 2.2.2.2", "10.0.0.1"),
        (1, "1.1.1.1, 2.2.2.2", "2.2.2.2"),
        (2, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
        (5, "1.1.1.1, 2.2.2.2", "1.1.1.1"),
        (1, None, "10.0.0.1"),
    ],
)
def test_the_client_address_honours_num_proxies(
    settings: Any, num_proxies: int | None, forwarded: str | None, expected: str
) -> None:
    settings.REST_FRAMEWORK = {"NUM_PROXIES": num_proxies}
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    assert BaseThrottle().get_ident(make_request("10.0.0.1", headers=headers)) == expected


async def test_anon_rate_throttle_leaves_logged_in_users_alone() -> None:
    cls, clock = scoped(AnonRateThrottle, "anon", "1/min"), Clock()
    for _ in range(5):
        assert (await hits(cls, clock, make_request(user=42)))[0]
    assert (await hits(cls, clock, make_request()))[0]
    assert not (await hits(cls, clock, make_request()))[0]


async def test_user_rate_throttle_counts_a_user_wherever_they_connect_from() -> None:
    cls, clock = scoped(UserRateThrottle, "user", "2/min"), Clock()
    assert (await hits(cls, clock, make_request("10.0.0.1", user=42)))[0]
    assert (await hits(cls, clock, make_request("10.0.0.2", user=42)))[0]
    assert not (await hits(cls, clock, make_request("10.0.0.3", user=42)))[0]
    assert (await hits(cls, clock, make_request("10.0.0.3", user=43)))[0]
    assert (await hits(cls, clock, make_request("10.0.0.3")))[0]  # anonymous: by address


async def test_scoped_rate_throttle_uses_the_views_scope(settings: Any) -> None:
    uploads, search = f"uploads-{RUN}", f"search-{RUN}"
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": {uploads: "1/min", search: "2/min"}}
    clock = Clock()

    async def scoped_hit(view: View) -> bool:
        throttle = ScopedRateThrottle()
        throttle.timer = clock
        return await throttle.allow_request(make_request(), view)

    assert [await scoped_hit(View(uploads)) for _ in range(2)] == [True, False]
    assert [await scoped_hit(View(search)) for _ in range(3)] == [True, True, False]  # counted apart
    assert all([await scoped_hit(View(None)) for _ in range(10)])  # no scope, no throttling
    with pytest.raises(ImproperlyConfigured, match=r"No throttle rate for scope 'exports'"):
        await scoped_hit(View("exports"))


# ---------------------------------------------------------------------- what the view calls
class FixedThrottle(BaseThrottle):
    def __init__(self, allowed: bool, wait: float | None) -> None:
        self.allowed, self._wait, self.asked = allowed, wait, 0

    async def allow_request(self, request: Any, view: Any) -> bool:
        self.asked += 1
        return self.allowed

    def wait(self) -> float | None:
        return self._wait


class SyncThrottle(FixedThrottle):
    def allow_request(self, request: Any, view: Any) -> bool:  # type: ignore[override]  # DRF-style sync throttle
        self.asked += 1
        return self.allowed


async def test_check_throttles_waits_for_the_slowest_refusal_and_asks_everyone() -> None:
    throttles = [
        FixedThrottle(False, 3.2),
        FixedThrottle(True, None),
        SyncThrottle(False, 30.0),
        FixedThrottle(False, None),
    ]
    with pytest.raises(Throttled) as caught:
        await check_throttles(throttles, make_request(), View())
    assert caught.value.status_code == 429
    assert caught.value.headers() == {"Retry-After": "30"}
    assert caught.value.detail == "Request was throttled. Expected available in 30 seconds."
    assert [throttle.asked for throttle in throttles] == [1, 1, 1, 1]
    await check_throttles([FixedThrottle(True, None), SyncThrottle(True, None)], make_request(), View())


async def test_check_throttles_without_a_known_wait_has_no_retry_after() -> None:
    with pytest.raises(Throttled) as caught:
        await check_throttles([FixedThrottle(False, None)], make_request(), View())
    assert caught.value.headers() == {}


# ---------------------------------------------------------------------- Redis
def _redis() -> Any:
    """A plain client of the test server, for inspecting and cleaning up this run's keys."""
    import redis

    require_service("Redis", "127.0.0.1", 6379)
    return redis.Redis.from_url(REDIS_URL)


def _run_keys() -> dict[str, int]:
    """This run's keys with their time to live in milliseconds."""
    with _redis() as client:
        return {key.decode(): client.pttl(key) for key in client.scan_iter(match=f"{REDIS_KEY_PREFIX}*{RUN}*")}


@pytest.fixture
def redis_keys() -> Iterator[None]:
    """Deletes this run's keys afterwards."""
    _redis().close()
    yield
    with _redis() as client:
        keys = list(client.scan_iter(match=f"{REDIS_KEY_PREFIX}*{RUN}*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
async def redis_settings(settings: Any, redis_keys: None) -> AsyncIterator[Any]:
    """THROTTLE_STORE pointing at Redis; the clients closed afterwards, as the app does at shutdown."""
    settings.REST_FRAMEWORK = {"THROTTLE_STORE": REDIS_URL}
    yield settings
    await close_throttle_stores()


@pytest.mark.usefixtures("redis_settings")
async def test_the_redis_store_slides_the_window_like_the_memory_store() -> None:
    cls, clock, request = scoped(AnonRateThrottle, "rwindow", "3/min"), Clock(time.time()), make_request()
    start = clock.now
    for offset in (0.0, 10.0, 20.0):
        clock.now = start + offset
        assert await hits(cls, clock, request) == (True, None)
    clock.now = start + 20.5
    allowed, wait = await hits(cls, clock, request)
    assert not allowed and wait == pytest.approx(39.5)
    clock.now = start + 60.0  # the boundary as in memory: a hit one window old no longer counts
    assert await hits(cls, clock, request) == (True, None)
    allowed, wait = await hits(cls, clock, request)
    assert not allowed and wait == pytest.approx(10.0)
    assert (await hits(cls, clock, make_request("10.0.0.2")))[0]  # another client, another key


@pytest.mark.usefixtures("redis_settings")
async def test_redis_keys_are_prefixed_and_expire_with_the_window() -> None:
    cls, clock = scoped(UserRateThrottle, "ttl", "5/10s"), Clock(time.time())
    assert (await hits(cls, clock, make_request(user=42)))[0]
    keys = _run_keys()
    assert list(keys) == [f"{REDIS_KEY_PREFIX}throttle_ttl-{RUN}_42"]
    assert 9000 < keys[f"{REDIS_KEY_PREFIX}throttle_ttl-{RUN}_42"] <= 10_000


@pytest.mark.usefixtures("redis_settings")
async def test_concurrent_checks_on_one_loop_never_exceed_the_rate() -> None:
    cls = scoped(AnonRateThrottle, "gather", "25/min")

    async def one() -> bool:
        return await cls().allow_request(make_request(), View())

    results = await asyncio.gather(*(one() for _ in range(100)))
    assert results.count(True) == 25


# Each worker gets ready (imports, connects), says so, waits for "go", then fires its 50 checks at once.
_WORKER = textwrap.dedent(
    """
    import asyncio, sys, time
    from fastjango.rest._throttle_stores import RedisThrottleStore

    async def main(url, key):
        store = RedisThrottleStore(url)
        await store.client.ping()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        allowed = 0
        for _ in range(10):  # spread over ~100 ms, so the processes' checks interleave
            decisions = await asyncio.gather(*(store.hit(key, 60, 60, time.time()) for _ in range(5)))
            allowed += sum(decision.allowed for decision in decisions)
            await asyncio.sleep(0.01)
        await store.aclose()
        print(allowed, flush=True)

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


@pytest.mark.usefixtures("redis_keys")
def test_processes_sharing_redis_let_exactly_the_rate_through() -> None:
    key = f"throttle_processes-{RUN}_10.0.0.1"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, REDIS_URL, key],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for _ in range(4)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline() == "ready\n", worker.communicate(timeout=30)[1]
        allowed = []
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker in workers:
            stdout, stderr = worker.communicate(timeout=60)
            assert worker.returncode == 0, stderr
            allowed.append(int(stdout))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
    assert sum(allowed) == 60, allowed
    # They ran side by side (on a busy machine one may start after the rate is used up).
    assert sum(count > 0 for count in allowed) >= 2, allowed
    assert 0 < _run_keys()[REDIS_KEY_PREFIX + key] <= 60_000


async def test_an_unreachable_redis_refuses_with_503_and_logs(settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    settings.REST_FRAMEWORK = {"THROTTLE_STORE": "redis://:secret@127.0.0.1:1/0"}
    cls = scoped(AnonRateThrottle, "down", "5/min")
    try:
        with (
            caplog.at_level(logging.ERROR, logger="fastjango.rest.throttling"),
            pytest.raises(ThrottleStoreUnavailable) as caught,
        ):
            await cls().allow_request(make_request(), View())
        assert caught.value.status_code == 503
        assert caught.value.detail == "Throttle store unavailable."
        [record] = caplog.records
        assert "Redis at redis://:***@127.0.0.1:1/0 failed" in record.getMessage()
        assert "secret" not in record.getMessage()

        fail_open = type("FailOpen", (cls,), {"fail_open": True})
        assert await fail_open().allow_request(make_request(), View())
    finally:
        await close_throttle_stores()


async def test_one_redis_client_per_event_loop() -> None:
    from fastjango.rest._throttle_stores import get_throttle_store

    first = get_throttle_store(REDIS_URL)
    assert get_throttle_store(REDIS_URL) is first
    assert isinstance(first, RedisThrottleStore)
    await close_throttle_stores()
    assert get_throttle_store(REDIS_URL) is not first  # closed at shutdown; a new one on next use
    await close_throttle_stores()
    assert get_throttle_store("memory") is memory_store()


# ---------------------------------------------------------------------- through HTTP
class Limited(APIView):
    authentication_classes = [HeaderAuthentication]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]

    async def get(self, request: Any) -> Response:
        return Response({"ok": True})


class Uploads(Limited):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = f"uploads-{RUN}"


class Unscoped(Limited):
    throttle_classes = [ScopedRateThrottle]


class DefaultThrottles(APIView):
    """No throttle_classes: DEFAULT_THROTTLE_CLASSES apply."""

    def get(self, request: Any) -> Response:  # a plain def handler: the throttles still run before it
        return Response({"ok": True})


urlpatterns = [
    path("limited/", Limited.as_view()),
    path("uploads/", Uploads.as_view()),
    path("uploads-too/", Uploads.as_view()),
    path("unscoped/", Unscoped.as_view()),
    path("defaults/", DefaultThrottles.as_view()),
]

RATES = {"anon": "2/min", "user": "3/min", f"uploads-{RUN}": "1/hour"}


async def test_http_anonymous_clients_get_429_with_retry_after(async_client: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": RATES}
    assert [(await async_client.get("/limited/")).status_code for _ in range(2)] == [200, 200]
    refused = await async_client.get("/limited/")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "60"
    assert refused.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}
    # A logged-in user is not an anonymous client: the user rate applies.
    statuses = [(await async_client.get("/limited/", headers={"X-User": "7"})).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert (await async_client.get("/limited/", headers={"X-User": "8"})).status_code == 200


async def test_http_scoped_throttles_share_a_count_across_views_of_the_scope(async_client: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {"DEFAULT_THROTTLE_RATES": RATES}
    assert (await async_client.get("/uploads/")).status_code == 200
    refused = await async_client.get("/uploads-too/")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert all([(await async_client.get("/unscoped/")).status_code == 200 for _ in range(5)])


async def test_http_default_throttle_classes_apply_to_def_handlers_too(async_client: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        "DEFAULT_THROTTLE_CLASSES": ["fastjango.rest.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "1/s"},
    }
    assert [(await async_client.get("/defaults/")).status_code for _ in range(2)] == [200, 429]


async def test_http_through_redis(async_client: Any, redis_settings: Any) -> None:
    redis_settings.REST_FRAMEWORK = {"THROTTLE_STORE": REDIS_URL, "DEFAULT_THROTTLE_RATES": RATES}
    assert (await async_client.get("/uploads/")).status_code == 200
    refused = await async_client.get("/uploads/")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert list(_run_keys()) == [f"{REDIS_KEY_PREFIX}throttle_uploads-{RUN}_127.0.0.1"]


async def test_http_unreachable_redis_is_a_503_not_a_500(async_client: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {"THROTTLE_STORE": "redis://127.0.0.1:1/0", "DEFAULT_THROTTLE_RATES": RATES}
    response = await async_client.get("/uploads/")
    assert response.status_code == 503
    assert response.json() == {"detail": "Throttle store unavailable."}
