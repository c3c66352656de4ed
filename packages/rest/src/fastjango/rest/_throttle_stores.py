"""Where throttles keep their request histories: this process's memory, or Redis shared by every worker.

Both stores implement one operation, :meth:`ThrottleStore.hit`: forget the
hits older than the window, refuse if ``limit`` hits remain, otherwise record
this one. The Redis store does the three steps in one Lua script, so that
concurrent workers can never let more than ``limit`` requests through.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
import weakref
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "REDIS_KEY_PREFIX",
    "MemoryThrottleStore",
    "RedisThrottleStore",
    "ThrottleDecision",
    "ThrottleStore",
    "ThrottleStoreError",
    "close_throttle_stores",
    "get_throttle_store",
    "memory_store",
]

#: Every key the Redis store writes starts with this.
REDIS_KEY_PREFIX = "fastjango:throttle:"


@dataclass(frozen=True, slots=True)
class ThrottleDecision:
    """The outcome of one check: allowed, or refused with the seconds until a request would be allowed."""

    allowed: bool
    wait: float | None = None


class ThrottleStoreError(Exception):
    """The store could not be reached or answered nonsense; the request cannot be counted."""


class ThrottleStore(Protocol):
    async def hit(self, key: str, limit: int, duration: float, now: float) -> ThrottleDecision:
        """Count a request at ``now`` against ``limit`` requests per ``duration`` seconds under ``key``."""
        ...

    async def aclose(self) -> None: ...


def _wait_for(oldest_needed: float | None, duration: float, now: float) -> float:
    if oldest_needed is None:  # a limit of zero: nothing ever leaves the window in our favour
        return duration
    return max(0.0, oldest_needed + duration - now)


class _Window:
    __slots__ = ("expires", "hits")

    def __init__(self) -> None:
        self.hits: deque[float] = deque()
        self.expires = 0.0


class MemoryThrottleStore:
    """Histories in a dict of this process: right for one worker, and for tests.

    A sliding window as DRF's: a hit counts while it is younger than the
    window. Keys whose newest hit has left its window are swept regularly, so
    memory follows the clients seen recently, not every client ever seen.
    """

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()  # `def` handlers run in threads; the critical section never awaits
        self._checks_since_sweep = 0

    def __len__(self) -> int:
        return len(self._windows)

    async def hit(self, key: str, limit: int, duration: float, now: float) -> ThrottleDecision:
        return self.hit_sync(key, limit, duration, now)

    def hit_sync(self, key: str, limit: int, duration: float, now: float) -> ThrottleDecision:
        """:meth:`hit` without the event loop."""
        with self._lock:
            self._maybe_sweep(now)
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = _Window()
            hits = window.hits
            cutoff = now - duration
            while hits and hits[0] <= cutoff:
                hits.popleft()
            if len(hits) < limit:
                hits.append(now)
                window.expires = now + duration
                return ThrottleDecision(True)
            if not hits:
                del self._windows[key]
            # The hit whose leaving brings the count below the limit (the oldest, unless the limit was lowered).
            needed = hits[len(hits) - limit] if hits and limit > 0 else None
            return ThrottleDecision(False, _wait_for(needed, duration, now))

    def _maybe_sweep(self, now: float) -> None:
        # Amortised: a full pass at most once per len(windows) checks (and not before 1024).
        self._checks_since_sweep += 1
        if self._checks_since_sweep < max(1024, len(self._windows)):
            return
        self._checks_since_sweep = 0
        self.sweep(now)

    def sweep(self, now: float) -> int:
        """Forget the keys with no hit left in their window; return how many went."""
        expired = [key for key, window in self._windows.items() if window.expires <= now]
        for key in expired:
            del self._windows[key]
        return len(expired)

    def clear(self) -> None:
        """Forget every history (tests)."""
        with self._lock:
            self._windows.clear()
            self._checks_since_sweep = 0

    async def aclose(self) -> None:
        return None


# KEYS[1] the history (a sorted set of hit times); ARGV: now, now - duration, limit, duration in ms, a unique member.
_HIT_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local limit = tonumber(ARGV[3])
if count < limit then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
    return {1, ''}
end
if limit <= 0 then
    return {0, ''}
end
local index = count - limit
local entry = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
return {0, entry[2]}
"""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


class RedisThrottleStore:
    """Histories in Redis sorted sets, shared by every process that uses the same server.

    Keys are ``fastjango:throttle:<cache key>`` and expire when their newest
    hit leaves the window, so idle clients cost nothing.
    """

    def __init__(self, url: str, *, key_prefix: str = REDIS_KEY_PREFIX) -> None:
        try:
            from redis.asyncio import Redis
        except ImportError:
            raise ImproperlyConfigured(
                "REST_FRAMEWORK['THROTTLE_STORE'] is a Redis URL but the redis package is not installed: "
                'pip install "fastjango-rest[redis]".'
            ) from None

        self.url = url
        self.key_prefix = key_prefix
        try:
            # Timeouts so that an unreachable server fails the check quickly rather than hanging the
            # request; options in the URL's query string (``?socket_timeout=5``) take precedence.
            self.client: Redis = Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=2.0)
        except ValueError as error:
            raise ImproperlyConfigured(f"REST_FRAMEWORK['THROTTLE_STORE'] {redacted(url)!r}: {error}") from None
        self._script = self.client.register_script(_HIT_SCRIPT)

    async def hit(self, key: str, limit: int, duration: float, now: float) -> ThrottleDecision:
        from redis.exceptions import RedisError

        member = f"{now!r}:{uuid.uuid4().hex}"
        args: list[Any] = [repr(now), repr(now - duration), limit, max(1, int(duration * 1000 + 0.999)), member]
        try:
            allowed, score = await self._script(keys=[self.key_prefix + key], args=args)
        except (RedisError, OSError) as error:
            raise ThrottleStoreError(f"Redis at {redacted(self.url)} failed: {error}") from error
        if allowed:
            return ThrottleDecision(True)
        return ThrottleDecision(False, _wait_for(float(score) if score else None, duration, now))

    async def aclose(self) -> None:
        await self.client.aclose()


_memory = MemoryThrottleStore()
# One Redis client per process and event loop: a client's connections belong to the loop that opened them.
_redis_stores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, RedisThrottleStore]] = (
    weakref.WeakKeyDictionary()
)
_owner_pid = os.getpid()


def memory_store() -> MemoryThrottleStore:
    """This process's memory store."""
    return _memory


def get_throttle_store(location: str) -> ThrottleStore:
    """The store for ``THROTTLE_STORE``: ``"memory"`` or a ``redis://`` URL (client made on first use)."""
    global _owner_pid
    if location == "memory":
        return _memory
    if os.getpid() != _owner_pid:  # a forked worker must not share its parent's sockets
        _redis_stores.clear()
        _owner_pid = os.getpid()
    loop = asyncio.get_running_loop()
    stores = _redis_stores.get(loop)
    if stores is None:
        stores = _redis_stores[loop] = {}
    store = stores.get(location)
    if store is None:
        store = stores[location] = RedisThrottleStore(location)
    return store


async def close_throttle_stores() -> None:
    """Close this event loop's Redis clients (call at shutdown); the next check opens new ones."""
    loop = asyncio.get_running_loop()
    stores = _redis_stores.pop(loop, {})
    for store in stores.values():
        await store.aclose()
