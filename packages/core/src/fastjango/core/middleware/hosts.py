"""Host header validation against ``ALLOWED_HOSTS``, before any routing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["DEBUG_ALLOWED_HOSTS", "TrustedHostMiddleware", "host_is_allowed", "split_host"]

#: What an empty ``ALLOWED_HOSTS`` allows while ``DEBUG`` is on, as in Django.
DEBUG_ALLOWED_HOSTS = (".localhost", "127.0.0.1", "[::1]")
# A domain name or an IPv6 literal, with an optional port: anything else is malformed.
_HOST = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?$")


def split_host(host: str) -> str | None:
    """The host name of a Host header without its port, lower-cased; ``None`` if malformed."""
    match = _HOST.match(host.lower())
    if match is None:
        return None
    name = match.group(1)
    return name[:-1] if name.endswith(".") else name


def host_is_allowed(host: str, patterns: Sequence[str]) -> bool:
    """Django's rules: exact names, ``.example.com`` for a domain and its subdomains, ``*`` for any."""
    for pattern in patterns:
        pattern = pattern.lower()
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith(".") and (host.endswith(pattern) or host == pattern[1:]):
            return True
    return False


class TrustedHostMiddleware:
    """Refuse requests whose Host header is not in ``ALLOWED_HOSTS`` with a 400.

    This stops Host-header poisoning of absolute URLs (password reset links,
    redirects). With ``DEBUG`` on and ``ALLOWED_HOSTS`` empty, localhost
    names are allowed, as in Django.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str], debug: bool = False) -> None:
        self.app = app
        self.debug = debug
        self.patterns = tuple(pattern.lower() for pattern in allowed_hosts)
        self.exact = frozenset(pattern for pattern in self.patterns if not pattern.startswith("."))
        self._cache: dict[bytes, bool] = {}

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> ASGIApp:
        hosts = list(settings.ALLOWED_HOSTS)
        if not hosts and settings.DEBUG:
            hosts = list(DEBUG_ALLOWED_HOSTS)
        if "*" in hosts:
            return app  # everything is allowed: no work per request
        return cls(app, hosts, debug=settings.DEBUG)

    def _allowed(self, raw: bytes) -> bool:
        host = split_host(raw.decode("latin-1"))
        allowed = host is not None and (host in self.exact or host_is_allowed(host, self.patterns))
        if len(self._cache) < 1024:  # bounded: hostile clients cannot grow it
            self._cache[raw] = allowed
        return allowed

    def allows(self, scope: Scope) -> bool:
        """Whether the request's Host header is allowed (a missing one is not)."""
        raw = b""
        for key, value in scope["headers"]:
            if key == b"host":
                raw = value
                break
        # The cache lookup is inlined: this runs on every request.
        allowed = self._cache.get(raw)
        if allowed is None:
            allowed = self._allowed(raw)
        return allowed

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a request with a bad Host: 400 for HTTP, close code 1008 for a websocket."""
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        raw = b""
        for key, value in scope["headers"]:
            if key == b"host":
                raw = value
                break
        shown = raw.decode("latin-1")[:100]
        detail = "Invalid Host header."
        if self.debug:
            detail = (
                f"Invalid Host header {shown!r}. You may need to add {split_host(shown) or shown!r} to ALLOWED_HOSTS."
            )
        response = JSONResponse({"detail": detail}, status_code=400)
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" and scope["type"] != "websocket") or self.allows(scope):
            await self.app(scope, receive, send)
        else:
            await self.refuse(scope, receive, send)
