"""Security headers and the optional redirect to HTTPS (Django's ``SecurityMiddleware``)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["SecurityMiddleware"]


class SecurityMiddleware:
    """Add security headers to every response and, optionally, redirect HTTP to HTTPS.

    Headers a view already set are left alone. ``Strict-Transport-Security``
    is only sent on HTTPS responses (browsers ignore it on HTTP). Behind a
    proxy that terminates TLS, set ``proxy_ssl_header`` (the
    ``SECURE_PROXY_SSL_HEADER`` setting) so requests are recognised as secure.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts_seconds: int = 0,
        hsts_include_subdomains: bool = False,
        hsts_preload: bool = False,
        content_type_nosniff: bool = True,
        referrer_policy: str | None = "same-origin",
        cross_origin_opener_policy: str | None = "same-origin",
        x_frame_options: str | None = "DENY",
        ssl_redirect: bool = False,
        ssl_host: str | None = None,
        redirect_exempt: Sequence[str] = (),
        proxy_ssl_header: tuple[str, str] | None = None,
    ) -> None:
        self.app = app
        headers: list[tuple[bytes, bytes]] = []
        if content_type_nosniff:
            headers.append((b"x-content-type-options", b"nosniff"))
        if referrer_policy:
            headers.append((b"referrer-policy", referrer_policy.encode("latin-1")))
        if cross_origin_opener_policy:
            headers.append((b"cross-origin-opener-policy", cross_origin_opener_policy.encode("latin-1")))
        if x_frame_options:
            headers.append((b"x-frame-options", x_frame_options.encode("latin-1")))
        self.headers = headers
        self.names = frozenset(name for name, _ in headers)
        self.hsts: tuple[bytes, bytes] | None = None
        if hsts_seconds:
            value = f"max-age={hsts_seconds}"
            if hsts_include_subdomains:
                value += "; includeSubDomains"
            if hsts_preload:
                value += "; preload"
            self.hsts = (b"strict-transport-security", value.encode("latin-1"))
        # What a secure request gets: the same headers plus HSTS when it is on.
        self.secure_headers = [*headers, self.hsts] if self.hsts else headers
        self.secure_names = frozenset(name for name, _ in self.secure_headers)
        self.ssl_redirect = ssl_redirect
        self.ssl_host = ssl_host
        self.redirect_exempt = [re.compile(pattern) for pattern in redirect_exempt]
        self.proxy_header: tuple[bytes, bytes] | None = None
        if proxy_ssl_header:
            name, expected = proxy_ssl_header
            self.proxy_header = (name.lower().encode("latin-1"), expected.encode("latin-1"))

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> SecurityMiddleware:
        return cls(
            app,
            hsts_seconds=settings.SECURE_HSTS_SECONDS,
            hsts_include_subdomains=settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
            hsts_preload=settings.SECURE_HSTS_PRELOAD,
            content_type_nosniff=settings.SECURE_CONTENT_TYPE_NOSNIFF,
            referrer_policy=settings.SECURE_REFERRER_POLICY,
            cross_origin_opener_policy=settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
            x_frame_options=settings.X_FRAME_OPTIONS,
            ssl_redirect=settings.SECURE_SSL_REDIRECT,
            ssl_host=settings.SECURE_SSL_HOST,
            redirect_exempt=settings.SECURE_REDIRECT_EXEMPT,
            proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        )

    def is_secure(self, scope: Scope) -> bool:
        if scope.get("scheme") in ("https", "wss"):
            return True
        if self.proxy_header is not None:
            name, expected = self.proxy_header
            for key, value in scope["headers"]:
                if key == name:
                    return bool(value == expected)
        return False

    def handle(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Serve an HTTP request: the HTTPS redirect, or the app with the headers added.

        A plain method returning the awaitable, like the ``send`` wrapper it
        builds: each saves a coroutine per call on every request. Both are
        awaited by their callers, as ASGI requires.
        """
        # Whether the request came over HTTPS matters only for HSTS and the redirect.
        secure = (self.hsts is not None or self.ssl_redirect) and self.is_secure(scope)
        if self.ssl_redirect and not secure:
            path = scope["path"].lstrip("/")
            if not any(pattern.search(path) for pattern in self.redirect_exempt):
                url = URL(scope=scope)
                target = url.replace(scheme="https", netloc=self.ssl_host or url.netloc)
                return RedirectResponse(str(target), status_code=301)(scope, receive, send)
        extra, extra_names = (self.secure_headers, self.secure_names) if secure else (self.headers, self.names)

        def send_with_headers(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                # ASGI header names are lower-case bytes, so no case folding is needed here.
                for key, _ in headers:
                    if key in extra_names:  # the view set some of them itself: keep the view's
                        present = {name for name, _ in headers}
                        message["headers"] = [*headers, *(pair for pair in extra if pair[0] not in present)]
                        break
                else:
                    # A new list: the view's own may belong to a response object that is reused.
                    message["headers"] = [*headers, *extra]
            return send(message)

        return self.app(scope, receive, send_with_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)
