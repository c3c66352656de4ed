"""Test helpers: a logged-in client without going through the login form (Django's ``force_login``).

.. code-block:: python

    from fastjango.auth.testing import aforce_login, atoken_headers

    async def test_editor_publishes(async_client, db):
        editor = await User.objects.acreate_user("editor", password=None)
        csrf = await aforce_login(async_client, editor)          # a session cookie, as after a login
        await async_client.post("/posts/1/publish/", headers=csrf)

        headers = await atoken_headers(editor)                  # or an API client's Bearer token
        await async_client.get("/api/me/", headers=headers)

The session is stored by the project's ``SESSION_ENGINE`` exactly as
``login()`` stores it, so the app sees an ordinary logged-in browser; no
password and no hasher run, which keeps such tests fast.
"""

from __future__ import annotations

from typing import Any

__all__ = ["aforce_login", "atoken_headers"]


def _settings(project: Any) -> Any:
    from fastjango.core.project import get_project

    return (project or get_project()).settings


async def aforce_login(client: Any, user: Any, *, backend: str | None = None, project: Any = None) -> dict[str, str]:
    """Give ``client`` (an httpx client of the app) the session cookie of ``user``, logged in.

    Returns the headers that unsafe requests of that session need (``X-CSRFToken``), since the session
    cookie makes them subject to the CSRF check.
    """
    from fastjango.auth._login import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from fastjango.auth.backends import session_backend_path
    from fastjango.auth.csrf.api import SESSION_KEY as CSRF_SESSION_KEY
    from fastjango.auth.csrf.tokens import mask_secret, new_secret
    from fastjango.auth.sessions.backends.base import load_engine
    from fastjango.auth.sessions.middleware import session_cookie_policy
    from fastjango.auth.sessions.session import Session

    settings = _settings(project)
    if backend is None:
        backend = session_backend_path()
    session = Session(load_engine(settings), None)
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    secret = new_secret()
    if settings.get("CSRF_USE_SESSIONS", True):
        session[CSRF_SESSION_KEY] = secret
    else:
        client.cookies.set(str(settings.get("CSRF_COOKIE_NAME", "csrftoken")), secret)
    client.cookies.set(session_cookie_policy(settings).name, await session.save())
    return {str(settings.get("CSRF_HEADER_NAME", "X-CSRFToken")): mask_secret(secret)}


async def atoken_headers(user: Any) -> dict[str, str]:
    """``{"Authorization": "Bearer <access token>"}`` for ``user``, as the token endpoint would issue it."""
    from fastjango.auth.tokens.service import aissue_tokens

    pair = await aissue_tokens(user)
    return {"Authorization": f"Bearer {pair.access_token}"}
