"""``RequestSignalsMiddleware``: sends the request signals around each HTTP request (pure ASGI).

The plugin puts it outermost in the stack, so ``request_started`` comes
before any other middleware sees the request and ``request_finished`` after
the last byte of the response, as in Django. With no receiver connected it
only passes the request on.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from fastjango.signals.core import got_request_exception, request_finished, request_started

__all__ = ["RequestSignalsMiddleware"]


class RequestSignalsMiddleware:
    """Send ``request_started``, ``got_request_exception`` and ``request_finished`` for HTTP requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sender = type(self)
        if scope["type"] != "http" or not (
            request_started.has_listeners(sender)
            or request_finished.has_listeners(sender)
            or got_request_exception.has_listeners()
        ):
            await self.app(scope, receive, send)
            return
        await request_started.asend(sender, scope=scope)
        try:
            await self.app(scope, receive, send)
        except Exception as exception:
            # Robust: a failing receiver must not hide the exception being reported.
            await got_request_exception.asend_robust(None, request=Request(scope), exception=exception)
            raise
        finally:
            await request_finished.asend(sender, scope=scope)
