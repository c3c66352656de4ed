"""Reading the request's cookies and writing ``Set-Cookie`` headers, with no framework objects in between."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formatdate
from http.cookies import Morsel, SimpleCookie

from starlette.requests import cookie_parser
from starlette.types import Scope

__all__ = ["CookiePolicy", "request_cookies"]


def request_cookies(scope: Scope) -> dict[str, str]:
    """The cookies of a request, parsed leniently (a malformed pair is skipped, never an error)."""
    cookies: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookies.update(cookie_parser(value.decode("latin-1")))
    return cookies


@dataclass(frozen=True)
class CookiePolicy:
    """How one cookie is sent: its name and attributes, fixed when the middleware is built."""

    name: str
    path: str = "/"
    domain: str | None = None
    secure: bool = False
    httponly: bool = True
    samesite: str | None = "Lax"

    def set(self, value: str, max_age: int | None, now: float) -> bytes:
        """A ``Set-Cookie`` header value; ``max_age=None`` makes a browser-session cookie."""
        cookie = SimpleCookie()
        cookie[self.name] = value
        morsel = cookie[self.name]
        if max_age is not None:
            morsel["max-age"] = max_age
            morsel["expires"] = formatdate(now + max_age, usegmt=True)
        self._attributes(morsel)
        return morsel.OutputString().encode("latin-1")

    def delete(self) -> bytes:
        """A ``Set-Cookie`` header that makes the browser drop the cookie (same path and domain, or it would not)."""
        cookie = SimpleCookie()
        cookie[self.name] = ""
        morsel = cookie[self.name]
        morsel["max-age"] = 0
        morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
        self._attributes(morsel)
        return morsel.OutputString().encode("latin-1")

    def _attributes(self, morsel: Morsel[str]) -> None:
        morsel["path"] = self.path
        if self.domain:
            morsel["domain"] = self.domain
        if self.secure:
            morsel["secure"] = True
        if self.httponly:
            morsel["httponly"] = True
        if self.samesite:
            morsel["samesite"] = self.samesite
