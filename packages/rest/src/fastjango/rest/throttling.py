"""Rate limits: throttle classes, and the check the view runs before the handler.

A throttle counts a client's requests in a sliding window (``"100/min"``):
the anonymous client by address, the logged-in one by user, or per view
scope. Refused requests get 429 with ``Retry-After``. The counts live in
the store named by ``REST_FRAMEWORK["THROTTLE_STORE"]``: ``"memory"`` (one
process) or a ``redis://`` URL, which every worker shares.

If the Redis store cannot be reached, the request is refused with 503
(``{"detail": "Throttle store unavailable."}``) and the error is logged: a
limit that silently stops applying (a login endpoint's, say) is worse than a
short outage. A throttle with ``fail_open = True`` lets requests through
instead.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.rest._throttle_stores import (
    REDIS_KEY_PREFIX,
    ThrottleStore,
    ThrottleStoreError,
    close_throttle_stores,
    get_throttle_store,
)
from fastjango.rest.exceptions import APIException, Throttled
from fastjango.rest.settings import api_settings, parse_rate

__all__ = [
    "REDIS_KEY_PREFIX",
    "AnonRateThrottle",
    "BaseThrottle",
    "ScopedRateThrottle",
    "SimpleRateThrottle",
    "ThrottleStoreUnavailable",
    "UserRateThrottle",
    "check_throttles",
    "close_throttle_stores",
]

logger = logging.getLogger("fastjango.rest.throttling")


class ThrottleStoreUnavailable(APIException):
    """503: the throttle store could not count the request, so it is not served."""

    status_code = 503
    default_detail = "Throttle store unavailable."
    default_code = "throttle_store_unavailable"


class BaseThrottle:
    """Base of throttles: ``allow_request`` decides, ``wait`` says how long a refused client should wait."""

    def allow_request(self, request: Any, view: Any) -> bool | Awaitable[bool]:
        """True to let the request through; may be ``async def``."""
        raise NotImplementedError(f"{type(self).__name__}.allow_request() is not implemented.")

    def get_ident(self, request: Any) -> str:
        """The client's address, from ``X-Forwarded-For`` when ``NUM_PROXIES`` says proxies add it.

        ``NUM_PROXIES = None`` (the default): the whole ``X-Forwarded-For``
        value (spaces removed) if present, else the peer address. ``0``: the
        peer address, whatever the header says. ``n``: the n-th address from
        the right of the header, the one the outermost trusted proxy saw.
        """
        forwarded: str | None = request.headers.get("x-forwarded-for")
        client = getattr(request, "client", None)
        remote_addr = client.host if client is not None else ""
        num_proxies: int | None = api_settings().NUM_PROXIES
        if num_proxies is not None:
            if num_proxies == 0 or forwarded is None:
                return str(remote_addr)
            addresses = forwarded.split(",")
            return addresses[-min(num_proxies, len(addresses))].strip()
        return "".join(forwarded.split()) if forwarded else str(remote_addr)

    def wait(self) -> float | None:
        """Seconds until the refused client may try again; ``None`` when unknown."""
        return None


class SimpleRateThrottle(BaseThrottle):
    """A ``rate`` (``"100/min"``) per cache key, the rate read from ``DEFAULT_THROTTLE_RATES[scope]``.

    Subclasses give :meth:`get_cache_key` (``None`` exempts the request).
    A rate of ``None`` turns the throttle off. ``timer`` is the clock
    (replace it to test without sleeping).
    """

    scope: ClassVar[str | None] = None
    rate: str | None = None
    cache_format: ClassVar[str] = "throttle_%(scope)s_%(ident)s"
    timer: Callable[[], float] = time.time
    #: Let requests through (rather than 503) when the store cannot be reached.
    fail_open: ClassVar[bool] = False

    def __init__(self) -> None:
        if not getattr(self, "rate", None):
            self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key: str | None = None
        self.now: float | None = None
        self._wait: float | None = None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        """The key the request is counted under; ``None`` not to throttle it."""
        raise NotImplementedError(f"{type(self).__name__}.get_cache_key() is not implemented.")

    def get_rate(self) -> str | None:
        """This scope's rate from ``DEFAULT_THROTTLE_RATES``; a scope missing there is a configuration error."""
        scope = self.scope
        if not scope:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a `scope` or a `rate`.")
        rates = api_settings().DEFAULT_THROTTLE_RATES
        if scope not in rates:
            raise ImproperlyConfigured(
                f"No throttle rate for scope {scope!r} ({type(self).__name__}): add it to "
                f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], e.g. {{{scope!r}: '100/hour'}}, or None to disable."
            )
        rate: str | None = rates[scope]
        return rate

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        """``"100/min"`` to ``(100, 60)``; ``None`` to ``(None, None)``."""
        if rate is None:
            return None, None
        try:
            return parse_rate(rate)
        except ValueError as error:
            raise ImproperlyConfigured(f"{type(self).__name__}: {error}") from None

    def get_store(self) -> ThrottleStore:
        """The store named by ``THROTTLE_STORE``."""
        return get_throttle_store(api_settings().THROTTLE_STORE)

    async def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = None
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        self.key = key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = now = self.timer()
        store = self.get_store()
        try:
            decision = await store.hit(key, self.num_requests, self.duration, now)
        except ThrottleStoreError as error:
            if self.fail_open:
                logger.error("%s; %s lets the request through (fail_open).", error, type(self).__name__)
                return True
            logger.error("%s; the request is refused with 503.", error)
            raise ThrottleStoreUnavailable() from None
        self._wait = decision.wait
        return decision.allowed

    def wait(self) -> float | None:
        return self._wait


class AnonRateThrottle(SimpleRateThrottle):
    """Anonymous clients, by address (scope ``"anon"``); logged-in users are not counted."""

    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _user_or_address(throttle: BaseThrottle, request: Any) -> str:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return str(user.pk)
    return throttle.get_ident(request)


class UserRateThrottle(SimpleRateThrottle):
    """Logged-in users by primary key, anonymous clients by address (scope ``"user"``)."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": _user_or_address(self, request)}


class ScopedRateThrottle(SimpleRateThrottle):
    """The view's ``throttle_scope`` (views without one are not throttled), per user or address.

    Views sharing a scope share a count: ``throttle_scope = "uploads"`` on two
    views limits their requests together.
    """

    scope_attr: ClassVar[str] = "throttle_scope"

    def __init__(self) -> None:
        # The rate depends on the view, known only in allow_request.
        self.rate = None
        self.num_requests, self.duration = None, None
        self.key = None
        self.now = None
        self._wait = None
        self._scope: str | None = None

    async def allow_request(self, request: Any, view: Any) -> bool:
        scope = getattr(view, self.scope_attr, None)
        if not scope:
            self._wait = None
            return True
        self._scope = scope
        rates = api_settings().DEFAULT_THROTTLE_RATES
        if scope not in rates:
            raise ImproperlyConfigured(
                f"No throttle rate for scope {scope!r} (throttle_scope of {type(view).__name__}): add it to "
                f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], or None to disable."
            )
        self.rate = rates[scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return await super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self._scope, "ident": _user_or_address(self, request)}


async def check_throttles(throttles: Iterable[BaseThrottle], request: Any, view: Any) -> None:
    """Ask every throttle (each counts the request); if any refused, raise ``Throttled`` with the longest wait."""
    waits: list[float] = []
    refused = False
    for throttle in throttles:
        allowed = throttle.allow_request(request, view)
        if inspect.isawaitable(allowed):
            allowed = await allowed
        if not allowed:
            refused = True
            wait = throttle.wait()
            if wait is not None:
                waits.append(wait)
    if refused:
        raise Throttled(wait=max(waits, default=None))
