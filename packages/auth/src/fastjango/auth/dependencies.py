"""Who is asking, for FastAPI endpoints: dependencies and decorators.

.. code-block:: python

    @app.get("/me")
    async def me(user: CurrentUser): ...                             # 401 when anonymous

    @app.post("/posts", dependencies=[Depends(permission_required("blog.add_post"))])
    async def create_post(...): ...                                  # 401 anonymous, 403 without the permission

Each reads ``scope["user"]``, which :class:`~fastjango.auth.middleware.AuthenticationMiddleware`
sets from the session (and token authentication sets for API clients).
Anonymous browsers asking for HTML are redirected to ``LOGIN_URL?next=...``
by ``login_required``; everyone else gets a JSON 401.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request

__all__ = [
    "AnyUser",
    "CurrentUser",
    "current_user",
    "get_current_user",
    "login_required",
    "permission_required",
    "user_passes_test",
]


def current_user(request: Request) -> Any:
    """The request's user, ``AnonymousUser`` when nobody is logged in (never refuses)."""
    from fastjango.auth.models import AnonymousUser

    return request.scope.get("user") or AnonymousUser()


def _login_url(request: Request) -> str:
    from fastjango.core.project import get_project

    login_url = str(get_project().settings.LOGIN_URL)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{login_url}?{urlencode({'next': target})}"


def _refuse_anonymous(request: Request) -> None:
    accept = request.headers.get("accept", "")
    if request.method in ("GET", "HEAD") and "text/html" in accept:
        raise HTTPException(status_code=302, headers={"Location": _login_url(request)})
    # A token that was refused says why ("Token expired."); no credentials at all says that.
    detail = request.scope.get("auth_error") or "Authentication credentials were not provided."
    raise HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(request: Request) -> Any:
    """The logged-in user; anonymous requests get a 401 (or, for browsers, the login page)."""
    user = current_user(request)
    if not getattr(user, "is_authenticated", False):
        _refuse_anonymous(request)
    return user


def user_passes_test(test: Callable[[Any], Any], *, message: str = "You may not do this.") -> Callable[..., Any]:
    """A dependency refusing (401 anonymous, 403 otherwise) users for whom ``test(user)`` is false.

    ``test`` may be ``async def``.
    """

    async def check(request: Request) -> Any:
        user = current_user(request)
        result = test(user)
        if inspect.isawaitable(result):
            result = await result
        if not result:
            if not getattr(user, "is_authenticated", False):
                _refuse_anonymous(request)
            raise HTTPException(status_code=403, detail=message)
        return user

    return check


def permission_required(perm: str | Iterable[str]) -> Callable[..., Any]:
    """A dependency requiring every permission named (``"blog.change_post"``): 401 anonymous, 403 without."""
    perms = [perm] if isinstance(perm, str) else list(perm)

    async def has_them(user: Any) -> bool:
        check = getattr(user, "ahas_perms", None)
        if check is not None:
            return bool(await check(perms))
        return bool(user.has_perms(perms))

    return user_passes_test(has_them, message=f"You need the permission {', '.join(perms)}.")


login_required = get_current_user
"""``Depends(login_required)``: Django's name for ``get_current_user``."""


AnyUser = Annotated[Any, Depends(current_user)]
"""``user: AnyUser``: the request's user, anonymous or not."""

CurrentUser = Annotated[Any, Depends(get_current_user)]
"""``user: CurrentUser``: the logged-in user (401 / login page otherwise)."""
