"""``AuthenticationMiddleware``: ``scope["user"]`` for every request, from its session.

It runs inside the session middleware. A request without a session cookie
is anonymous at no cost; one with a session is looked up once (a query or a
cache read) and the user is checked against the password digest kept in the
session. Starlette's ``request.user``, fastjango-rest's default
authentication and the dependencies in :mod:`fastjango.auth.dependencies`
all read ``scope["user"]``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["AuthenticationMiddleware"]


class AuthenticationMiddleware:
    """Set ``scope["user"]`` (``AnonymousUser`` when nobody is logged in)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "user" not in scope:
            from fastjango.auth._login import aget_user
            from fastjango.auth.csrf.middleware import is_token_authorization
            from fastjango.auth.models import AnonymousUser

            session = scope.get("session")
            if (
                session is not None
                and getattr(session, "had_cookie", False)
                and not is_token_authorization(_authorization(scope))
            ):
                scope["user"] = await aget_user(scope)
            else:
                # No session, or a request that presents other credentials: the CSRF check lets those
                # through, so their cookies must not log them in (a token middleware, if any, ran before).
                scope["user"] = AnonymousUser()
        await self.app(scope, receive, send)


def _authorization(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            return bytes(value)
    return None
