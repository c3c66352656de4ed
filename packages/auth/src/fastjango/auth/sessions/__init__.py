"""Sessions for fastjango (Django's ``contrib.sessions``): app label ``sessions``.

``SessionMiddleware`` puts a :class:`Session` in ``scope["session"]``
(``request.session``); ``SESSION_ENGINE`` says where the data lives:
signed cookies, the database, or Redis. See docs/auth/sessions-and-csrf.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastjango.auth.sessions.backends.base import SessionEngine, SessionInterrupted
from fastjango.auth.sessions.session import SESSION_EXPIRY_KEY, Session, SessionNotLoaded, SessionTooLarge

if TYPE_CHECKING:
    from fastjango.auth.sessions.dependencies import SessionDep, get_session
    from fastjango.auth.sessions.middleware import SessionMiddleware

__all__ = [
    "SESSION_EXPIRY_KEY",
    "Session",
    "SessionDep",
    "SessionEngine",
    "SessionInterrupted",
    "SessionMiddleware",
    "SessionNotLoaded",
    "SessionTooLarge",
    "close_session_stores",
    "get_session",
]


async def close_session_stores() -> None:
    """Close the session engines' connections of this event loop (Redis); for the plugin's shutdown hook."""
    from fastjango.auth.sessions.backends.cache import close_session_stores as close

    await close()


def __getattr__(name: str) -> Any:
    # Middleware and FastAPI dependencies on first use: importing the app package stays light.
    if name == "SessionMiddleware":
        from fastjango.auth.sessions.middleware import SessionMiddleware

        return SessionMiddleware
    if name in ("SessionDep", "get_session"):
        from fastjango.auth.sessions import dependencies

        return getattr(dependencies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
