"""Hook specifications of fastjango-auth: what other plugins hear about logins.

The signals plugin turns them into ``user_logged_in``, ``user_logged_out``
and ``user_login_failed`` signals; any plugin may implement them directly.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from fastjango.core.hookspecs import hookspec

__all__ = [
    "fastjango_auth_user_logged_in",
    "fastjango_auth_user_logged_out",
    "fastjango_auth_user_login_failed",
]


@hookspec
def fastjango_auth_user_logged_in(request: Any, user: Any, asynchronous: bool) -> Awaitable[None] | None:
    """A user logged in (``login()`` / ``alogin()``): the session now holds them.

    ``asynchronous`` is true when called from ``alogin()``: an implementation
    may then return an awaitable, which is awaited before ``alogin()`` returns.
    The same holds for the two hooks below.
    """


@hookspec
def fastjango_auth_user_logged_out(request: Any, user: Any, asynchronous: bool) -> Awaitable[None] | None:
    """A user logs out (``logout()`` / ``alogout()``); called before the session is flushed.

    ``user`` is ``None`` when nobody was logged in.
    """


@hookspec
def fastjango_auth_user_login_failed(
    credentials: dict[str, Any], request: Any, asynchronous: bool
) -> Awaitable[None] | None:
    """``authenticate()`` found nobody; ``credentials`` has secret-looking values masked."""
