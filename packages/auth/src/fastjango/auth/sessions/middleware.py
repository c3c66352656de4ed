"""``SessionMiddleware``: a session in ``scope["session"]`` for every request, saved when the response starts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fastjango.auth.sessions import clock
from fastjango.auth.sessions.backends.base import SessionEngine, SessionInterrupted, load_engine
from fastjango.auth.sessions.cookies import CookiePolicy, request_cookies
from fastjango.auth.sessions.session import Session, SessionTooLarge

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["MAX_COOKIE_SIZE", "SessionMiddleware", "session_cookie_policy"]

logger = logging.getLogger("fastjango.auth.sessions")

#: Browsers keep cookies up to 4096 bytes with their attributes; Django's margin for name and value.
MAX_COOKIE_SIZE = 4093
HOST_PREFIX = "__Host-"


def session_cookie_policy(settings: Settings) -> CookiePolicy:
    """The session cookie's name and attributes; with ``SESSION_COOKIE_HOST_PREFIX``: Secure, Path=/, no Domain."""
    if settings.SESSION_COOKIE_HOST_PREFIX:
        return CookiePolicy(
            name=HOST_PREFIX + settings.SESSION_COOKIE_NAME,
            path="/",
            domain=None,
            secure=True,
            httponly=settings.SESSION_COOKIE_HTTPONLY,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
    return CookiePolicy(
        name=settings.SESSION_COOKIE_NAME,
        path=settings.SESSION_COOKIE_PATH,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=settings.SESSION_COOKIE_HTTPONLY,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )


class SessionMiddleware:
    """Put a lazily loaded :class:`Session` in ``scope["session"]``; save it and set its cookie on the way out.

    Starlette's ``request.session`` reads the same object. The session is
    saved when it was modified (or on every request with
    ``SESSION_SAVE_EVERY_REQUEST``) and the response is not a server error;
    an emptied session has its stored copy deleted and its cookie removed.
    At lifespan shutdown the engine's connections (Redis) are closed.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine: SessionEngine,
        cookie: CookiePolicy,
        expire_at_browser_close: bool = False,
        save_every_request: bool = False,
        debug: bool = False,
    ) -> None:
        self.app = app
        self.engine = engine
        self.cookie = cookie
        self.expire_at_browser_close = expire_at_browser_close
        self.save_every_request = save_every_request
        self.debug = debug

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> SessionMiddleware:
        return cls(
            app,
            engine=load_engine(settings),
            cookie=session_cookie_policy(settings),
            expire_at_browser_close=settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
            save_every_request=settings.SESSION_SAVE_EVERY_REQUEST,
            debug=bool(settings.get("DEBUG", False)),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_at_shutdown(send))
            return
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        session = Session(
            self.engine,
            request_cookies(scope).get(self.cookie.name),
            expire_at_browser_close=self.expire_at_browser_close,
        )
        scope["session"] = session
        if scope["type"] == "websocket":  # no response headers to set a cookie on
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = await self._commit(session, message["status"])
                if extra:
                    message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _commit(self, session: Session, status: int) -> list[tuple[bytes, bytes]]:
        """Save or delete the session as the response starts; the headers to add."""
        headers: list[tuple[bytes, bytes]] = []
        if self.save_every_request and session.had_cookie and not session.loaded:
            await session.aload()
        if not session.loaded:
            return headers  # never touched: no store access, no cookie change
        if session.accessed:
            headers.append((b"vary", b"Cookie"))
        if session.is_empty:
            if session.had_cookie:
                await session.discard()
                headers.append((b"set-cookie", self.cookie.delete()))
            return headers
        if not (session.modified or self.save_every_request) or status >= 500:
            return headers
        try:
            value = await session.save()
        except SessionInterrupted:
            logger.warning("The session was deleted while this request ran; its changes were dropped.")
            headers.append((b"set-cookie", self.cookie.delete()))
            return headers
        size = len(self.cookie.name) + 1 + len(value)
        if size > MAX_COOKIE_SIZE:
            message = (
                f"The session cookie would be {size} bytes, over the {MAX_COOKIE_SIZE} browsers keep; "
                "store less in the session or use a server-side SESSION_ENGINE ('db' or 'cache')."
            )
            if self.debug:
                raise SessionTooLarge(message)
            logger.error("%s The session was not saved.", message)
            return headers
        max_age = None if session.get_expire_at_browser_close() else session.get_expiry_age()
        headers.append((b"set-cookie", self.cookie.set(value, max_age, clock.now())))
        return headers

    def _closing_at_shutdown(self, send: Send) -> Send:
        async def send_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                from fastjango.auth.sessions.backends.cache import close_session_stores

                await close_session_stores()
            await send(message)

        return send_closing
