"""The login signals, when the signals plugin is active too: sync and async receivers, through real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from auth_testing import default_project, project_for
from fastapi import Request
from fastapi.responses import JSONResponse

from fastjango.auth import SESSION_KEY, aauthenticate, alogin, alogout, authenticate
from fastjango.auth.csrf import csrf_token_view
from fastjango.auth.models import User
from fastjango.auth.signals import user_logged_in, user_logged_out, user_login_failed
from fastjango.core.project import Project
from fastjango.core.urls import path
from fastjango.orm.testing.backends import require_backend

pytestmark = pytest.mark.usefixtures("db")

PASSWORD = "s3cret-horse-battery"


async def login_view(request: Request) -> JSONResponse:
    body = await request.json()
    user = await aauthenticate(request, username=body["username"], password=body["password"])
    if user is None:
        return JSONResponse({"detail": "no"}, status_code=400)
    await alogin(request, user)
    return JSONResponse({"ok": True})


async def logout_view(request: Request) -> JSONResponse:
    await alogout(request)
    return JSONResponse({"ok": True})


urlpatterns = [
    path("login/", login_view, methods=["POST"]),
    path("logout/", logout_view, methods=["POST"]),
    path("csrf/", csrf_token_view),
]


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    project = project_for(require_backend(backend), INSTALLED_PLUGINS=["orm", "auth", "signals"])
    with default_project(project):
        yield project


@pytest.fixture
def received() -> Iterator[list[tuple[str, Any]]]:
    """Every login signal, as (name, details); an async receiver for logins proves they are awaited."""
    seen: list[tuple[str, Any]] = []

    async def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        # Sent after the session holds the user.
        seen.append(("logged_in", (sender, user.username, request.session.get(SESSION_KEY) == str(user.pk))))

    def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        seen.append(("logged_out", (sender, user.username)))

    def failed(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
        seen.append(("failed", (sender, credentials, request is not None)))

    user_logged_in.connect(logged_in)
    user_logged_out.connect(logged_out)
    user_login_failed.connect(failed)
    try:
        yield seen
    finally:
        user_logged_in.disconnect(logged_in)
        user_logged_out.disconnect(logged_out)
        user_login_failed.disconnect(failed)


async def test_login_logout_and_failure_send_their_signals(async_client: Any, received: list[Any]) -> None:
    await User.objects.acreate_user("ann", "ann@example.com", PASSWORD)
    wrong = await async_client.post("/login/", json={"username": "ann", "password": "nope"})
    assert wrong.status_code == 400
    assert received == [("failed", (None, {"username": "ann", "password": "********************"}, True))]
    received.clear()
    assert (await async_client.post("/login/", json={"username": "ann", "password": PASSWORD})).status_code == 200
    assert received == [("logged_in", (User, "ann", True))]
    received.clear()
    # The session cookie makes the logout POST need the CSRF token.
    token = await _csrf_token(async_client)
    out = await async_client.post("/logout/", headers={"X-CSRFToken": token})
    assert out.status_code == 200
    assert received == [("logged_out", (User, "ann"))]


async def _csrf_token(client: Any) -> str:
    return str((await client.get("/csrf/")).json()["csrfToken"])


@pytest.mark.usefixtures("transactional_db")
def test_sync_authenticate_sends_the_failure_signal(received: list[Any], fastjango_project: Project) -> None:
    with fastjango_project.activated():
        assert authenticate(None, username="nobody", password="x") is None
    assert received == [("failed", (None, {"username": "nobody", "password": "********************"}, False))]
