"""FastAPI dependencies: the request's session, loaded and ready for sync use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from fastjango.auth.sessions.session import Session
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = ["SessionDep", "get_session"]


async def get_session(connection: HTTPConnection) -> Session:
    """The request's session, loaded (``Depends(get_session)``)."""
    session = connection.scope.get("session")
    if not isinstance(session, Session):
        raise ImproperlyConfigured(
            "No session on this request: add fastjango.auth.sessions.middleware.SessionMiddleware to the middleware."
        )
    return await session.aload()


SessionDep = Annotated[Session, Depends(get_session)]
