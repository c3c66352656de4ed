"""``CsrfMiddleware``: refuses cross-site unsafe requests made with the browser's cookies."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fastjango.auth.csrf.api import SESSION_KEY, STATE_KEY, CsrfState
from fastjango.auth.csrf.body import form_field
from fastjango.auth.csrf.exempt import endpoint_is_exempt, has_exempt_endpoints
from fastjango.auth.csrf.origins import TrustedOrigins, normalize_origin, request_origin
from fastjango.auth.csrf.tokens import InvalidToken, tokens_match, valid_secret
from fastjango.auth.sessions import clock
from fastjango.auth.sessions.cookies import CookiePolicy, request_cookies
from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["AMBIENT_AUTH_SCHEMES", "SAFE_METHODS", "CsrfMiddleware", "is_token_authorization"]

logger = logging.getLogger("fastjango.auth.csrf")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
#: Authorization schemes a browser adds by itself once the user has logged in with them: not exempt.
AMBIENT_AUTH_SCHEMES = frozenset({"basic", "digest", "negotiate", "ntlm"})

REASON_NO_CSRF_COOKIE = "CSRF cookie not set."
REASON_TOKEN_MISSING = "CSRF token missing."  # noqa: S105 - a reason, not a secret
REASON_TOKEN_INCORRECT = "CSRF token incorrect."  # noqa: S105 - a reason, not a secret
REASON_NO_REFERER = "Referer checking failed - no Referer."
REASON_MALFORMED_REFERER = "Referer checking failed - Referer is malformed."
REASON_INSECURE_REFERER = "Referer checking failed - Referer is insecure while host is secure."
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _shown(value: str) -> str:
    """A client-supplied value as it may appear in a refusal: printable and short."""
    cleaned = "".join(char if char.isprintable() else "?" for char in value)
    return cleaned if len(cleaned) <= 100 else cleaned[:100] + "…"


def is_token_authorization(authorization: bytes | None) -> bool:
    """Whether an ``Authorization`` header is one a page on another site cannot make a browser send.

    Such a request is exempt from the CSRF check, so nothing may authenticate
    it by its cookies: :class:`~fastjango.auth.middleware.AuthenticationMiddleware`
    ignores the session of such a request.
    """
    if not authorization or not authorization.strip():
        return False
    scheme = authorization.strip().split(None, 1)[0].decode("latin-1").lower()
    return scheme not in AMBIENT_AUTH_SCHEMES


class CsrfMiddleware:
    """Check unsafe requests (POST, PUT, PATCH, DELETE...) that carry the browser's cookies.

    Checked: the ``Origin`` header (or, on HTTPS without it, the ``Referer``)
    must be the site itself or a trusted origin, and a token from the
    ``X-CSRFToken`` header or the ``csrfmiddlewaretoken`` form field must carry
    the secret of the browser's session (or CSRF cookie). Not checked: requests
    without the session cookie (and without the CSRF cookie in cookie mode),
    whose ``Origin`` is still checked when sent; requests with an
    ``Authorization`` header other than the browser-managed schemes; endpoints
    marked ``@csrf_exempt``. Refusals are 403 ``{"detail": "CSRF Failed: ..."}``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        use_sessions: bool = True,
        header_name: str = "X-CSRFToken",
        form_field_name: str = "csrfmiddlewaretoken",
        trusted_origins: Sequence[str] = (),
        cookie: CookiePolicy | None = None,
        cookie_age: int | None = 60 * 60 * 24 * 365,
        proxy_ssl_header: tuple[str, str] | None = None,
    ) -> None:
        self.app = app
        self.use_sessions = use_sessions
        self.header_name = header_name
        self.header_key = header_name.lower().encode("latin-1")
        self.form_field_name = form_field_name
        self.trusted = TrustedOrigins(trusted_origins)
        self.cookie = cookie or CookiePolicy(name="csrftoken", httponly=False)
        self.cookie_age = cookie_age
        self.proxy_header: tuple[bytes, bytes] | None = None
        if proxy_ssl_header:
            name, expected = proxy_ssl_header
            self.proxy_header = (name.lower().encode("latin-1"), expected.encode("latin-1"))

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> CsrfMiddleware:
        return cls(
            app,
            use_sessions=settings.CSRF_USE_SESSIONS,
            header_name=settings.CSRF_HEADER_NAME,
            form_field_name=settings.CSRF_FORM_FIELD,
            trusted_origins=settings.CSRF_TRUSTED_ORIGINS,
            cookie=CookiePolicy(
                name=settings.CSRF_COOKIE_NAME,
                path=settings.CSRF_COOKIE_PATH,
                domain=settings.CSRF_COOKIE_DOMAIN,
                secure=settings.CSRF_COOKIE_SECURE,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite=settings.CSRF_COOKIE_SAMESITE,
            ),
            cookie_age=settings.CSRF_COOKIE_AGE,
            proxy_ssl_header=settings.get("SECURE_PROXY_SSL_HEADER"),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = CsrfState(use_sessions=self.use_sessions)
        if self.use_sessions:
            if "session" not in scope:
                raise ImproperlyConfigured(
                    "CSRF_USE_SESSIONS = True needs SessionMiddleware outside CsrfMiddleware (or set it to False)."
                )
        else:
            raw = request_cookies(scope).get(self.cookie.name)
            state.had_cookie = raw is not None
            state.secret = raw if valid_secret(raw) else None
        scope[STATE_KEY] = state

        if scope["method"] not in SAFE_METHODS:
            reason, receive = await self._verdict(scope, receive, state)
            if reason is not None:
                logger.warning("Forbidden (%s): %s %s", reason, scope["method"], scope.get("path", ""))
                response = JSONResponse({"detail": f"CSRF Failed: {reason}"}, status_code=403)
                await response(scope, receive, send)
                return

        if self.use_sessions:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and state.set_cookie and state.secret is not None:
                cookie = self.cookie.set(state.secret, self.cookie_age, clock.now())
                message = {**message, "headers": [*message.get("headers", ()), (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    # ------------------------------------------------------------------ the check
    async def _verdict(self, scope: Scope, receive: Receive, state: CsrfState) -> tuple[str | None, Receive]:
        """The reason to refuse this unsafe request (``None``: let it through), and the ``receive`` to go on with."""
        headers = {name: value for name, value in scope["headers"] if name in (b"authorization", b"origin", b"referer")}
        if self._token_authenticated(headers.get(b"authorization")):
            return None, receive
        if has_exempt_endpoints() and endpoint_is_exempt(scope):
            return None, receive
        has_cookie = self._has_session_cookie(scope) or (not self.use_sessions and state.had_cookie)
        secure = self._is_secure(scope)
        own = request_origin(scope, secure)

        origin = headers.get(b"origin")
        if origin is not None:
            text = origin.decode("latin-1")
            normalized = normalize_origin(text)
            if normalized is None or not self.trusted.allows(normalized, own):
                return f"Origin checking failed - {_shown(text)} does not match any trusted origins.", receive
        elif has_cookie and secure:
            reason = self._referer_reason(headers.get(b"referer"), own)
            if reason is not None:
                return reason, receive
        if not has_cookie:
            return None, receive  # not cookie-authenticated: nothing a forged request could borrow

        secret = await self._secret(scope, state)
        if secret is None and not self.use_sessions:
            return REASON_NO_CSRF_COOKIE, receive
        token, source, receive = await self._submitted_token(scope, receive)
        if token is None:
            return REASON_TOKEN_MISSING, receive
        if secret is None:
            return REASON_TOKEN_INCORRECT, receive
        try:
            if not tokens_match(token, secret, source):
                return REASON_TOKEN_INCORRECT, receive
        except InvalidToken as exc:
            return str(exc), receive
        return None, receive

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Against cross-site WebSocket hijacking: a handshake with the browser's cookies needs a trusted Origin.

        WebSockets carry no CSRF token, but browsers always send ``Origin`` on the handshake.
        """
        origin = next((value for name, value in scope["headers"] if name == b"origin"), None)
        cookies = request_cookies(scope)
        has_cookie = self._has_session_cookie(scope) or (not self.use_sessions and self.cookie.name in cookies)
        if origin is not None and has_cookie:
            text = origin.decode("latin-1")
            normalized = normalize_origin(text.replace("ws://", "http://", 1).replace("wss://", "https://", 1))
            own = request_origin(scope, self._is_secure(scope) or scope.get("scheme") == "wss")
            if normalized is None or not self.trusted.allows(normalized, own):
                logger.warning("Forbidden (WebSocket origin %s not trusted): %s", _shown(text), scope.get("path", ""))
                message = await receive()
                if message["type"] == "websocket.connect":
                    await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _has_session_cookie(scope: Scope) -> bool:
        session = scope.get("session")
        if session is None:
            return False
        # A session object that cannot tell (not ours) is assumed to come from a cookie: checked, never waved through.
        return bool(getattr(session, "had_cookie", True))

    def _token_authenticated(self, authorization: bytes | None) -> bool:
        return is_token_authorization(authorization)

    def _is_secure(self, scope: Scope) -> bool:
        if scope.get("scheme") in ("https", "wss"):
            return True
        if self.proxy_header is not None:
            name, expected = self.proxy_header
            return any(key == name and value == expected for key, value in scope["headers"])
        return False

    def _referer_reason(self, referer: bytes | None, own: str | None) -> str | None:
        if referer is None or not referer.strip():
            return REASON_NO_REFERER
        text = referer.decode("latin-1")
        origin = normalize_origin(text)
        if origin is None:
            return REASON_MALFORMED_REFERER
        if not origin.startswith("https://"):
            return REASON_INSECURE_REFERER
        if not self.trusted.allows(origin, own):
            return f"Referer checking failed - {_shown(text)} does not match any trusted origins."
        return None

    async def _secret(self, scope: Scope, state: CsrfState) -> str | None:
        if not self.use_sessions:
            return state.secret
        session = scope["session"]
        aload = getattr(session, "aload", None)
        if aload is not None:
            await aload()
        secret = session.get(SESSION_KEY)
        return secret if valid_secret(secret) else None

    async def _submitted_token(self, scope: Scope, receive: Receive) -> tuple[str | None, str, Receive]:
        for name, value in scope["headers"]:
            if name == self.header_key:
                return value.decode("latin-1").strip(), f"the {self.header_name!r} header", receive
        content_type = b""
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.lower()
        if not content_type.decode("latin-1").startswith(_FORM_TYPES):
            return None, "", receive
        token, receive = await form_field(scope, receive, self.form_field_name)
        return token, f"the {self.form_field_name!r} form field", receive
