"""Request body size limit (``MAX_REQUEST_BODY_SIZE``), skipping requests that have no body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["BodySizeLimitMiddleware"]


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_body_size`` bytes with 413, on Starlette's body limiter.

    An HTTP/1.x request without ``Content-Length`` or ``Transfer-Encoding``
    has no body, so it skips the limiter (most GETs): the check then costs a
    header scan instead of wrapping ``receive`` and ``send``. FastAPI's
    per-route ``max_body_size`` still overrides this default.
    """

    def __init__(self, app: ASGIApp, max_body_size: int) -> None:
        self.app = app
        self.limited = RequestBodyLimitMiddleware(app, max_body_size=max_body_size)

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> ASGIApp:
        if settings.MAX_REQUEST_BODY_SIZE is None:
            return app
        return cls(app, settings.MAX_REQUEST_BODY_SIZE)

    @staticmethod
    def has_body(scope: Scope) -> bool:
        """Whether an HTTP request may carry a body, judged from its headers and version."""
        # A plain loop on the hot path: it costs less than any() over a generator.
        for key, _ in scope["headers"]:
            if key in _BODY_HEADERS:
                return True
        return scope.get("http_version") not in _BODYLESS_VERSIONS  # HTTP/2 frames a body without headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.has_body(scope):
            await self.limited(scope, receive, send)
        else:
            await self.app(scope, receive, send)


# Headers that announce a request body in HTTP/1.x (RFC 9112, section 6.3).
_BODY_HEADERS = frozenset((b"content-length", b"transfer-encoding"))
# Versions in which a request without those headers has no body.
_BODYLESS_VERSIONS = ("1.1", "1.0")
