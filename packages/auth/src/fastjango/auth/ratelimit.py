"""Rate-limited login attempts: failed passwords are counted per username and client, and per client.

``aauthenticate(request, username=..., password=...)`` asks the limiter first: once a key has
had its share of failures in the current window it raises :class:`LoginRateLimited` without
running the backends (no hashing work for an attacker), and the endpoints answer 429 with
``Retry-After``. A failure adds one to both counters; a success clears the username+client one.

Counters live in this process (``LOGIN_RATE_LIMIT_STORE = "memory"``) or in Redis
(``"redis://host:6379/0"``), where every worker process and server shares them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, field_validator

from fastjango.core.conf import setting
from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

logger = logging.getLogger("fastjango.auth")

__all__ = [
    "KEY_PREFIX",
    "LoginRateLimitSettings",
    "LoginRateLimited",
    "LoginRateLimiter",
    "MemoryRateLimitStore",
    "Rate",
    "RateLimitStore",
    "RedisRateLimitStore",
    "get_login_rate_limiter",
    "parse_rate",
    "reset_memory_stores",
]

KEY_PREFIX = "fastjango:login-failures:"


class LoginRateLimited(Exception):
    """Too many failed logins for this username or client; ``retry_after`` seconds until the next try."""

    def __init__(self, retry_after: float, message: str = "Too many failed login attempts; try again later.") -> None:
        super().__init__(message)
        self.retry_after = retry_after


# -- rates ---------------------------------------------------------------------------------------
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """``limit`` failures allowed per ``window`` seconds."""

    limit: int
    window: int


def parse_rate(text: str) -> Rate:
    """``"5/15m"`` is five per fifteen minutes; units ``s``, ``m``, ``h``, ``d`` (``"100/h"`` is per hour)."""
    match = _RATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a rate: write failures/window, such as '5/15m', '100/h' or '20/300s'.")
    limit, count, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    if limit < 1 or count < 1:
        raise ValueError(f"{text!r}: the number of failures and the window must be at least 1.")
    return Rate(limit, count * _UNIT_SECONDS[unit])


class LoginRateLimitSettings(BaseModel):
    """How many failed logins are allowed, and where they are counted."""

    model_config = ConfigDict(extra="forbid")

    LOGIN_RATE_LIMIT_ENABLED: bool = setting(True, description="Count failed logins and refuse too many (429).")
    LOGIN_RATE_LIMIT: str = setting(
        "5/15m", description="Failed logins allowed per username and client IP, as failures/window ('5/15m')."
    )
    LOGIN_RATE_LIMIT_PER_IP: str = setting(
        "100/15m", description="Failed logins allowed per client IP, whatever the usernames ('100/15m')."
    )
    LOGIN_RATE_LIMIT_STORE: str = setting(
        "memory",
        description="Where failures are counted: 'memory' (this process) or a redis:// URL (shared by all workers).",
    )
    LOGIN_RATE_LIMIT_KEY_PREFIX: str = setting(
        KEY_PREFIX,
        description="Prefix of the counters' Redis keys; give each project its own when several share one Redis.",
    )

    @field_validator("LOGIN_RATE_LIMIT", "LOGIN_RATE_LIMIT_PER_IP")
    @classmethod
    def _a_rate(cls, value: str) -> str:
        parse_rate(value)
        return value

    @field_validator("LOGIN_RATE_LIMIT_STORE")
    @classmethod
    def _a_store(cls, value: str) -> str:
        if value != "memory" and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"must be 'memory' or a redis:// URL, not {value!r}")
        return value


# -- stores --------------------------------------------------------------------------------------
class RateLimitStore(Protocol):
    """Counters that expire: ``hit`` adds one (starting the window on the first), ``peek`` reads."""

    async def ahit(self, key: str, window: int) -> tuple[int, float]: ...
    async def apeek(self, key: str) -> tuple[int, float]: ...
    async def aclear(self, key: str) -> None: ...
    async def arelease(self, key: str) -> None: ...
    def hit(self, key: str, window: int) -> tuple[int, float]: ...
    def peek(self, key: str) -> tuple[int, float]: ...
    def clear(self, key: str) -> None: ...
    def release(self, key: str) -> None: ...


class MemoryRateLimitStore:
    """Counters in this process (one server process; lost at restart). Thread-safe, bounded in size."""

    max_keys = 100_000

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def _purge(self, now: float) -> None:
        for key in [key for key, (_, expires) in self._counts.items() if expires <= now]:
            del self._counts[key]
        while len(self._counts) >= self.max_keys:  # an attacker with many addresses: drop the oldest
            del self._counts[next(iter(self._counts))]

    def hit(self, key: str, window: int) -> tuple[int, float]:
        with self._lock:
            now = self._clock()
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                if len(self._counts) >= self.max_keys:
                    self._purge(now)
                count, expires = 0, now + window
            self._counts[key] = (count + 1, expires)
            return count + 1, expires - now

    def peek(self, key: str) -> tuple[int, float]:
        with self._lock:
            now = self._clock()
            count, expires = self._counts.get(key, (0, 0.0))
            return (count, expires - now) if expires > now else (0, 0.0)

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def release(self, key: str) -> None:
        """Give back one hit (a login that succeeded), keeping the window."""
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if count > 0:
                self._counts[key] = (count - 1, expires)

    def reset(self) -> None:
        """Forget every counter (tests)."""
        with self._lock:
            self._counts.clear()

    async def ahit(self, key: str, window: int) -> tuple[int, float]:
        return self.hit(key, window)

    async def apeek(self, key: str) -> tuple[int, float]:
        return self.peek(key)

    async def aclear(self, key: str) -> None:
        self.clear(key)

    async def arelease(self, key: str) -> None:
        self.release(key)


# One round trip each; INCR and the first PEXPIRE happen atomically, so a window always ends.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""
_RELEASE = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return count
"""
_PEEK = """
local count = redis.call('GET', KEYS[1])
if not count then return {0, 0} end
return {tonumber(count), redis.call('PTTL', KEYS[1])}
"""


class RedisRateLimitStore:
    """Counters in Redis (``INCR`` + ``PEXPIRE`` in one Lua script): shared by every process that uses ``url``."""

    def __init__(self, url: str) -> None:
        try:
            import redis  # noqa: F401
        except ImportError as exc:  # pragma: no cover - redis is installed with the tests
            raise ImproperlyConfigured(
                "LOGIN_RATE_LIMIT_STORE is a redis:// URL and needs the redis package: "
                "pip install 'fastjango-auth[redis]'."
            ) from exc
        self.url = url
        self._sync: Any = None

    def _sync_client(self) -> Any:
        if self._sync is None:
            import redis

            self._sync = redis.Redis.from_url(self.url)
        return self._sync

    @staticmethod
    def _async_client(url: str) -> Any:
        from fastjango.auth.sessions.backends.cache import redis_client

        return redis_client(url)  # one client per event loop, closed at shutdown with the session stores

    @staticmethod
    def _pair(result: Any) -> tuple[int, float]:
        count, ttl_ms = int(result[0]), int(result[1])
        return count, max(ttl_ms, 0) / 1000

    def hit(self, key: str, window: int) -> tuple[int, float]:
        return self._pair(self._sync_client().eval(_HIT, 1, key, window * 1000))

    def peek(self, key: str) -> tuple[int, float]:
        return self._pair(self._sync_client().eval(_PEEK, 1, key))

    def clear(self, key: str) -> None:
        self._sync_client().delete(key)

    async def ahit(self, key: str, window: int) -> tuple[int, float]:
        return self._pair(await self._async_client(self.url).eval(_HIT, 1, key, window * 1000))

    async def apeek(self, key: str) -> tuple[int, float]:
        return self._pair(await self._async_client(self.url).eval(_PEEK, 1, key))

    async def aclear(self, key: str) -> None:
        await self._async_client(self.url).delete(key)

    def release(self, key: str) -> None:
        self._sync_client().eval(_RELEASE, 1, key)

    async def arelease(self, key: str) -> None:
        await self._async_client(self.url).eval(_RELEASE, 1, key)


# -- the limiter -----------------------------------------------------------------------------------
def _client_ip(request: Any) -> str:
    scope = getattr(request, "scope", request)
    client = scope.get("client") if isinstance(scope, dict) else None
    return str(client[0]) if client else "unknown"


def _digest(text: str) -> str:
    # Usernames are the client's text: hashed, a key is short and holds nothing of what was typed. Spellings
    # a database may match to one account (case and trailing spaces under MariaDB's collation, Unicode forms)
    # share one counter, so "Ann" and "ann " are not fresh guesses at "ann".
    canonical = unicodedata.normalize("NFKC", text).strip().casefold()
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]


#: A store that cannot be reached (Redis down): logins pause rather than go on uncounted.
_STORE_ERRORS: tuple[type[BaseException], ...] = (OSError, ConnectionError)
try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is optional
    pass
else:
    _STORE_ERRORS = (*_STORE_ERRORS, RedisError)

_STORE_DOWN_RETRY = 30


def _store_down(error: BaseException) -> LoginRateLimited:
    logger.error("Login rate-limit store unreachable; refusing password logins until it is back: %s", error)
    return LoginRateLimited(
        _STORE_DOWN_RETRY, "Logins are paused for a moment (the login counter cannot be reached); try again shortly."
    )


class LoginRateLimiter:
    """Checks and counts failed logins for a request: per username+client and per client."""

    def __init__(self, store: RateLimitStore, per_user: Rate, per_ip: Rate, prefix: str = KEY_PREFIX) -> None:
        self.store = store
        self.per_user = per_user
        self.per_ip = per_ip
        self.prefix = prefix

    def _keys(self, request: Any, username: str) -> list[tuple[str, Rate]]:
        ip = _client_ip(request)
        return [
            (f"{self.prefix}user:{_digest(username)}:{ip}", self.per_user),
            (f"{self.prefix}ip:{ip}", self.per_ip),
        ]

    # Each attempt takes its slot *before* the password is checked (one atomic increment per key), so a burst
    # of concurrent guesses cannot all pass a check made before any of them was counted. A success gives its
    # slots back: the username+client counter is cleared, the per-client one loses the success's hit.

    @staticmethod
    def _refuse(counts: list[tuple[int, float, Rate]]) -> None:
        waits = [ttl for count, ttl, rate in counts if count > rate.limit]
        if waits:
            raise LoginRateLimited(max(1, math.ceil(max(waits))))

    async def acheck(self, request: Any, username: str) -> None:
        """Count this attempt; raise :class:`LoginRateLimited` when it is one too many for the username or client."""
        try:
            counts = [(*await self.store.ahit(key, rate.window), rate) for key, rate in self._keys(request, username)]
        except _STORE_ERRORS as error:
            raise _store_down(error) from error
        self._refuse(counts)

    async def acheck_reset(self, request: Any, email: str) -> None:
        """Count a password-reset request: per address (the ``LOGIN_RATE_LIMIT`` rate) and per client.

        Each request may send e-mail, so without a limit anyone could flood a mailbox. The limit
        applies whether or not the address has an account, so a refusal tells nothing.
        """
        ip = _client_ip(request)
        keys = [
            (f"{self.prefix}reset:{_digest(email)}", self.per_user),
            (f"{self.prefix}reset-ip:{ip}", self.per_ip),
        ]
        try:
            counts = [(*await self.store.ahit(key, rate.window), rate) for key, rate in keys]
        except _STORE_ERRORS as error:
            raise _store_down(error) from error
        self._refuse(counts)

    async def asucceeded(self, request: Any, username: str) -> None:
        (user_key, _), (ip_key, _) = self._keys(request, username)
        try:
            await self.store.aclear(user_key)
            await self.store.arelease(ip_key)
        except _STORE_ERRORS as error:  # the login stands; its slots lapse with the window
            logger.error("Login rate-limit store unreachable after a login: %s", error)

    def check(self, request: Any, username: str) -> None:
        try:
            counts = [(*self.store.hit(key, rate.window), rate) for key, rate in self._keys(request, username)]
        except _STORE_ERRORS as error:
            raise _store_down(error) from error
        self._refuse(counts)

    def succeeded(self, request: Any, username: str) -> None:
        (user_key, _), (ip_key, _) = self._keys(request, username)
        try:
            self.store.clear(user_key)
            self.store.release(ip_key)
        except _STORE_ERRORS as error:
            logger.error("Login rate-limit store unreachable after a login: %s", error)


_memory_stores: dict[int, MemoryRateLimitStore] = {}
_redis_stores: dict[str, RedisRateLimitStore] = {}
_lock = threading.Lock()


def _store(settings: Settings) -> RateLimitStore:
    spec = str(settings.LOGIN_RATE_LIMIT_STORE)
    with _lock:
        if spec == "memory":
            # One per settings object (a project): two projects in one process do not share counters.
            return _memory_stores.setdefault(id(settings), MemoryRateLimitStore())
        store = _redis_stores.get(spec)
        if store is None:
            store = _redis_stores[spec] = RedisRateLimitStore(spec)
        return store


def get_login_rate_limiter(settings: Settings | None = None) -> LoginRateLimiter | None:
    """The active project's limiter, or ``None`` when ``LOGIN_RATE_LIMIT_ENABLED`` is off."""
    if settings is None:
        from fastjango.core.project import get_project

        settings = get_project().settings
    if not settings.get("LOGIN_RATE_LIMIT_ENABLED", True):
        return None
    return LoginRateLimiter(
        _store(settings),
        parse_rate(str(settings.LOGIN_RATE_LIMIT)),
        parse_rate(str(settings.LOGIN_RATE_LIMIT_PER_IP)),
        prefix=str(settings.get("LOGIN_RATE_LIMIT_KEY_PREFIX", KEY_PREFIX)),
    )


def reset_memory_stores() -> None:
    """Forget every in-process counter (for tests: an autouse fixture keeps tests apart)."""
    with _lock:
        for store in _memory_stores.values():
            store.reset()
