"""Getting a CSRF token for a page or a single-page app, and rotating the secret on login."""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse

from fastjango.auth.csrf.tokens import mask_secret, new_secret, valid_secret
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = [
    "SESSION_KEY",
    "STATE_KEY",
    "CsrfState",
    "CsrfTokenDep",
    "aget_token",
    "arotate_token",
    "csrf_token",
    "csrf_token_view",
    "get_token",
    "rotate_token",
]

#: Where the middleware keeps the request's CSRF state in the ASGI scope.
STATE_KEY = "fastjango.csrf"
#: Where the secret lives in the session (CSRF_USE_SESSIONS = True).
SESSION_KEY = "_csrf_secret"


@dataclass
class CsrfState:
    """One request's CSRF state. In cookie mode, ``secret`` is the cookie's and ``set_cookie`` asks for a new one."""

    use_sessions: bool
    secret: str | None = None
    had_cookie: bool = False
    set_cookie: bool = False


def _scope_of(request_or_scope: HTTPConnection | MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    return request_or_scope.scope if isinstance(request_or_scope, HTTPConnection) else request_or_scope


def _state(scope: MutableMapping[str, Any]) -> CsrfState:
    state = scope.get(STATE_KEY)
    if not isinstance(state, CsrfState):
        raise ImproperlyConfigured("No CSRF state on this request: add fastjango.auth.csrf.CsrfMiddleware.")
    return state


def _session(scope: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    session = scope.get("session")
    if session is None:
        raise ImproperlyConfigured(
            "CSRF_USE_SESSIONS = True needs SessionMiddleware outside CsrfMiddleware (or set it to False)."
        )
    assert isinstance(session, MutableMapping)
    return session


def get_token(request_or_scope: HTTPConnection | MutableMapping[str, Any]) -> str:
    """A masked token for this request's secret, made on first use; a different string on every call.

    In session mode a server-side session must be loaded (``await session.aload()``,
    or use :func:`aget_token`).
    """
    scope = _scope_of(request_or_scope)
    state = _state(scope)
    if state.use_sessions:
        session = _session(scope)
        secret = session.get(SESSION_KEY)
        if not valid_secret(secret):
            secret = session[SESSION_KEY] = new_secret()
        assert isinstance(secret, str)
        return mask_secret(secret)
    if state.secret is None:
        state.secret, state.set_cookie = new_secret(), True
    return mask_secret(state.secret)


async def _load_session(scope: MutableMapping[str, Any]) -> None:
    session = _session(scope)
    aload = getattr(session, "aload", None)
    if aload is not None:
        await aload()


async def aget_token(request_or_scope: HTTPConnection | MutableMapping[str, Any]) -> str:
    """:func:`get_token` for async code: loads the session first when the secret lives there."""
    scope = _scope_of(request_or_scope)
    if _state(scope).use_sessions:
        await _load_session(scope)
    return get_token(scope)


def rotate_token(request_or_scope: HTTPConnection | MutableMapping[str, Any]) -> None:
    """Replace the secret (on login): tokens handed out before stop working."""
    scope = _scope_of(request_or_scope)
    state = _state(scope)
    if state.use_sessions:
        _session(scope)[SESSION_KEY] = new_secret()
    else:
        state.secret, state.set_cookie = new_secret(), True


async def arotate_token(request_or_scope: HTTPConnection | MutableMapping[str, Any]) -> None:
    """:func:`rotate_token` for async code (loads the session first)."""
    scope = _scope_of(request_or_scope)
    if _state(scope).use_sessions:
        await _load_session(scope)
    rotate_token(scope)


async def csrf_token(request: Request) -> str:
    """FastAPI dependency: a fresh masked token (``token: CsrfTokenDep``)."""
    return await aget_token(request)


CsrfTokenDep = Annotated[str, Depends(csrf_token)]


async def csrf_token_view(request: Request) -> JSONResponse:
    """An endpoint for single-page apps: ``{"csrfToken": "..."}``, never cached. Mount it with ``path()``."""
    token = await aget_token(request)
    return JSONResponse({"csrfToken": token}, headers={"Cache-Control": "no-store"})
