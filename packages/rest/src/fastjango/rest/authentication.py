"""Who is calling: authentication classes, and the user of a request nobody logged in.

An authentication class has ``authenticate(request)`` returning
``(user, auth)`` or ``None`` (plain or ``async def``), and optionally
``authenticate_header(request)`` giving the ``WWW-Authenticate`` value that
turns a refusal into 401 instead of 403. The default,
:class:`ScopeAuthentication`, reads the user an authentication middleware
put in the ASGI scope (Starlette's ``AuthenticationMiddleware`` or the auth
plugin), so the REST layer and the rest of the site agree on who is logged in.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastjango.rest.request import Request

__all__ = ["AnonymousUser", "BaseAuthentication", "ScopeAuthentication"]


class AnonymousUser:
    """The user of a request with no credentials: not authenticated, no permissions."""

    pk = None
    id = None
    username = ""
    is_active = False
    is_staff = False
    is_superuser = False
    is_authenticated = False
    is_anonymous = True

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return not list(perms)  # as Django: no permissions asked, none missing

    async def ahas_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    async def ahas_perms(self, perms: Any, obj: Any = None) -> bool:
        return self.has_perms(perms, obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnonymousUser)

    def __hash__(self) -> int:
        return 1

    def __str__(self) -> str:
        return "AnonymousUser"


class BaseAuthentication:
    """Base of authentication classes."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | Awaitable[tuple[Any, Any] | None] | None:
        """``(user, auth)`` when this scheme recognises the request, ``None`` to let the next one try."""
        raise NotImplementedError(f"{type(self).__name__}.authenticate() is not implemented.")

    def authenticate_header(self, request: Request) -> str | None:
        """The ``WWW-Authenticate`` header of a 401; ``None`` makes refusals 403."""
        return None


class ScopeAuthentication(BaseAuthentication):
    """The user an ASGI middleware authenticated (``scope["user"]``), if it is authenticated."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        scope = request.scope
        user = scope.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user, scope.get("auth")
