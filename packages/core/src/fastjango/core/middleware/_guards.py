"""The default guards (host check, body limit, security headers) served as one layer.

Each guard stays its own public middleware class, listed on its own in
``MIDDLEWARE``. When the stack holds several of them next to each other in
their default order, :func:`fuse_guards` serves them through one callable that
asks each guard's own methods, so a request pays for one layer instead of
three. The answers are the same as the separate layers give (the tests compare
both on every path); requests with a body and non-HTTP scopes go through the
separate layers unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from fastjango.core.middleware.body_limit import BodySizeLimitMiddleware
from fastjango.core.middleware.hosts import TrustedHostMiddleware
from fastjango.core.middleware.security import SecurityMiddleware

__all__ = ["FUSABLE_GUARDS", "FusedGuards", "fuse_guards"]

#: The guards that can be fused, outermost first: their only fusable order.
FUSABLE_GUARDS: tuple[type[Any], ...] = (TrustedHostMiddleware, BodySizeLimitMiddleware, SecurityMiddleware)


class FusedGuards:
    """Adjacent default guards answering as one layer.

    ``__call__`` is a plain method that returns the awaitable of the layer
    that answers; that saves a coroutine per request. It is built only inside
    the middleware stack, where it is awaited like any ASGI app, never handed
    to a server directly.
    """

    def __init__(
        self,
        unfused: ASGIApp,
        app: ASGIApp,
        hosts: TrustedHostMiddleware | None,
        body: BodySizeLimitMiddleware | None,
        security: SecurityMiddleware | None,
    ) -> None:
        self.unfused = unfused
        self.app = app
        self.hosts = hosts
        self.body = body
        self.security = security

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] != "http":
            return self.unfused(scope, receive, send)
        hosts = self.hosts
        if hosts is not None and not hosts.allows(scope):
            return hosts.refuse(scope, receive, send)
        body = self.body
        if body is not None and body.has_body(scope):
            # The limiter wraps the remaining guards and the app, as the separate layers do.
            return body.limited(scope, receive, send)
        security = self.security
        if security is not None:
            return security.handle(scope, receive, send)
        return self.app(scope, receive, send)

    def __repr__(self) -> str:
        names = [type(guard).__name__ for guard in (self.hosts, self.body, self.security) if guard is not None]
        return f"FusedGuards({', '.join(names)})"


def fuse_guards(app: ASGIApp) -> ASGIApp:
    """Serve a chain that starts with two or more adjacent default guards as one layer.

    Only exact instances of the core classes in their default relative order
    are fused (a subclass may change behaviour the fused path would skip);
    anything else is returned as it is.
    """
    found: dict[type[Any], Any] = {}
    position = 0
    inner: Any = app
    while position < len(FUSABLE_GUARDS):
        kind = type(inner)
        if kind not in FUSABLE_GUARDS or FUSABLE_GUARDS.index(kind) < position:
            break
        found[kind] = inner
        position = FUSABLE_GUARDS.index(kind) + 1
        inner = inner.app
    if len(found) < 2:
        return app
    return FusedGuards(
        unfused=app,
        app=inner,
        hosts=found.get(TrustedHostMiddleware),
        body=found.get(BodySizeLimitMiddleware),
        security=found.get(SecurityMiddleware),
    )
