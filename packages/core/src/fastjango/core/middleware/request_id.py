"""Request IDs: one per request, sent back in a response header and available to logging."""

from __future__ import annotations

import itertools
import logging
import os
import re
from contextvars import ContextVar
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["RequestIDLogFilter", "RequestIDMiddleware", "get_request_id"]

_request_id: ContextVar[str | None] = ContextVar("fastjango_request_id", default=None)
# An incoming ID is trusted only if it is short and plain, so it cannot inject into logs or headers.
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")


class _IdSource:
    """Unique IDs without a syscall per request: a random per-process prefix and a counter.

    IDs need to be unique, not secret; 48 random bits per process plus a
    48-bit counter keep workers on many machines apart. A forked child gets a
    new prefix.
    """

    def __init__(self) -> None:
        self.reseed()

    def reseed(self) -> None:
        self.prefix = os.urandom(6).hex().encode("ascii")
        self.counter = itertools.count(1)

    def next_id(self) -> bytes:
        return self.prefix + b"%012x" % (next(self.counter) & 0xFFFFFFFFFFFF)


_ids = _IdSource()
os.register_at_fork(after_in_child=_ids.reseed)


def get_request_id() -> str | None:
    """The ID of the request being served, or ``None`` outside a request."""
    return _request_id.get()


class RequestIDLogFilter(logging.Filter):
    """Adds ``record.request_id`` so log formats can include ``%(request_id)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        return True


class RequestIDMiddleware:
    """Give every HTTP request an ID: the client's ``X-Request-ID`` if it is safe, else a new one.

    The ID is echoed in the response header, stored in ``request.state.request_id``
    and readable anywhere in the request with :func:`get_request_id`.
    """

    def __init__(self, app: ASGIApp, header: str = "X-Request-ID") -> None:
        self.app = app
        self.header = header.lower().encode("latin-1")

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> RequestIDMiddleware:
        return cls(app, header=settings.REQUEST_ID_HEADER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = b""
        for key, value in scope["headers"]:
            if key == self.header:
                if _SAFE_ID.match(value):
                    request_id = value
                break
        if not request_id:
            request_id = _ids.next_id()
        text = request_id.decode("ascii")
        state = scope.setdefault("state", {})
        state["request_id"] = text
        header = (self.header, request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        token = _request_id.set(text)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)
