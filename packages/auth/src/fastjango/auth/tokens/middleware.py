"""``TokenAuthenticationMiddleware``: ``scope["user"]`` from a Bearer JWT or an API key.

Placed before :class:`~fastjango.auth.middleware.AuthenticationMiddleware`
(which leaves a ``scope["user"]`` already set alone), it makes every
existing check (``CurrentUser``, ``permission_required``, fastjango-rest's
default ``ScopeAuthentication``) work for API clients too. A request that
presents a token is authenticated by the token only, never by the session
cookie it may also carry: the CSRF check skips requests with an
``Authorization`` header, so the session must not count for them. A bad
token leaves the request anonymous and puts the reason in
``scope["auth_error"]`` (so a 401 can name it); public endpoints still work.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["TokenAuthenticationMiddleware"]


class TokenAuthenticationMiddleware:
    """Authenticate requests that carry token credentials; leave the others to the session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "user" not in scope:
            from fastjango.auth.tokens.credentials import aauthenticate_credentials, find_credentials
            from fastjango.auth.tokens.jwt import TokenError

            credentials = find_credentials(Headers(scope=scope))
            if credentials is not None:
                try:
                    scope["user"], scope["auth"] = await aauthenticate_credentials(credentials)
                except TokenError as error:
                    from fastjango.auth.models import AnonymousUser

                    scope["user"] = AnonymousUser()
                    scope["auth_error"] = error.detail
        await self.app(scope, receive, send)
