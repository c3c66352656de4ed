"""The ``cache`` engine: sessions in Redis, shared by every worker process and server.

Keys are ``fastjango:session:<key>`` with a TTL equal to the session's age,
so Redis drops expired sessions itself. One client (one connection pool) per
event loop and URL; ``close_session_stores()`` closes them at shutdown.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from fastjango.auth.sessions import clock
from fastjango.auth.sessions.backends.base import (
    LoadedSession,
    SessionEngine,
    SessionInterrupted,
    new_session_key,
    valid_session_key,
)
from fastjango.auth.sessions.serializers import SessionDataError, dumps, loads
from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from fastjango.core.conf import Settings

__all__ = ["KEY_PREFIX", "RedisEngine", "close_session_stores", "redis_client"]

KEY_PREFIX = "fastjango:session:"
_CREATE_ATTEMPTS = 8

# Clients belong to the event loop that made them (their connections do); a loop that is gone takes its clients along.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Redis]] = weakref.WeakKeyDictionary()


def redis_client(url: str) -> Redis:
    """This event loop's client for ``url``, made on first use."""
    from redis.asyncio import Redis

    loop = asyncio.get_running_loop()
    per_loop = _clients.setdefault(loop, {})
    client = per_loop.get(url)
    if client is None:
        client = per_loop[url] = Redis.from_url(url)
    return client


async def close_session_stores() -> None:
    """Close the Redis clients of the running event loop (call it at shutdown; harmless when there are none)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # pragma: no cover - called outside a loop
        return
    for client in _clients.pop(loop, {}).values():
        await client.aclose()


class RedisEngine(SessionEngine):
    """Server-side sessions in Redis (``SESSION_REDIS_URL``)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        try:
            import redis.asyncio  # noqa: F401
        except ImportError as exc:
            raise ImproperlyConfigured(
                "SESSION_ENGINE = 'cache' keeps sessions in Redis and needs the redis package: "
                "pip install 'fastjango-auth[redis]'."
            ) from exc
        self.url: str = settings.SESSION_REDIS_URL

    async def load(self, cookie_value: str) -> LoadedSession | None:
        if not valid_session_key(cookie_value):
            return None
        raw = await redis_client(self.url).get(KEY_PREFIX + cookie_value)
        if raw is None:
            return None
        try:
            stored = loads(raw)
        except SessionDataError:
            return None
        expires, data = stored.get("expires"), stored.get("data")
        # Redis's TTL already drops old keys; the stored deadline also honours the sessions' clock.
        if not isinstance(expires, int | float) or expires <= clock.now() or not isinstance(data, dict):
            return None
        return LoadedSession(cookie_value, data)

    async def save(self, key: str | None, data: dict[str, Any], age: int) -> tuple[str | None, str]:
        client = redis_client(self.url)
        payload = dumps({"expires": clock.now() + age, "data": data})
        if key is not None:
            # XX: only if it still exists, so a concurrent logout is not undone.
            if not await client.set(KEY_PREFIX + key, payload, ex=age, xx=True):
                raise SessionInterrupted
            return key, key
        for _ in range(_CREATE_ATTEMPTS):
            key = new_session_key()
            if await client.set(KEY_PREFIX + key, payload, ex=age, nx=True):
                return key, key
        raise RuntimeError("Could not create a unique session key.")

    async def delete(self, key: str) -> None:
        await redis_client(self.url).delete(KEY_PREFIX + key)
