"""``fastjango.auth.testing``: a logged-in client in one call, for the sessions engines and for tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import JSONResponse

from fastjango.auth.dependencies import CurrentUser
from fastjango.auth.models import User
from fastjango.auth.testing import aforce_login, atoken_headers
from fastjango.core.urls import path

pytestmark = pytest.mark.usefixtures("db")


async def me(user: CurrentUser) -> dict[str, str]:
    return {"username": user.username}


async def change(request: Request, user: CurrentUser) -> JSONResponse:
    return JSONResponse({"changed_by": user.username})


urlpatterns = [path("me/", me), path("change/", change, methods=["POST"])]


@pytest.mark.parametrize("engine", ["db", "signed_cookies"])
async def test_aforce_login_gives_a_logged_in_browser_session(
    async_client: Any, settings: Any, engine: str, backend: str
) -> None:
    settings.SESSION_ENGINE = engine
    ann = await User.objects.acreate_user("ann", "ann@example.com", None)  # no password at all
    assert (await async_client.get("/me/")).status_code == 401
    csrf = await aforce_login(async_client, ann)
    assert (await async_client.get("/me/")).json() == {"username": "ann"}
    assert (await async_client.post("/change/")).status_code == 403  # the session cookie needs the CSRF token
    assert (await async_client.post("/change/", headers=csrf)).json() == {"changed_by": "ann"}


async def test_the_forced_session_ends_with_a_password_change(async_client: Any, backend: str) -> None:
    ann = await User.objects.acreate_user("ann", "ann@example.com", "first-passphrase")
    await aforce_login(async_client, ann)
    ann.set_password("second-passphrase")
    await ann.asave(update_fields=["password"])
    assert (await async_client.get("/me/")).status_code == 401  # as any session of hers


async def test_atoken_headers_authenticate_as_the_user(async_client: Any, backend: str) -> None:
    bob = await User.objects.acreate_user("bob", "bob@example.com", None)
    headers = await atoken_headers(bob)
    assert (await async_client.get("/me/", headers=headers)).json() == {"username": "bob"}
    assert (await async_client.post("/change/", headers=headers)).json() == {"changed_by": "bob"}  # no CSRF
