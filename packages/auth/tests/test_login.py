"""Logging in and out through real HTTP: session fixation, replay after logout, password changes, hooks."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from fastjango.auth import aauthenticate, alogin, alogout, aupdate_session_auth_hash
from fastjango.auth.csrf import csrf_token_view
from fastjango.auth.dependencies import AnyUser, CurrentUser, permission_required
from fastjango.auth.models import User
from fastjango.core.hookspecs import hookimpl
from fastjango.core.urls import path

pytestmark = pytest.mark.usefixtures("db")


async def login_view(request: Request) -> JSONResponse:
    body = await request.json()
    user = await aauthenticate(request, username=body.get("username"), password=body.get("password"))
    if user is None:
        return JSONResponse({"detail": "Wrong username or password."}, status_code=400)
    await alogin(request, user)
    return JSONResponse({"username": user.username})


async def logout_view(request: Request) -> JSONResponse:
    await alogout(request)
    return JSONResponse({"ok": True})


async def me_view(user: AnyUser) -> dict[str, Any]:
    return {"username": user.username, "authenticated": bool(user.is_authenticated)}


async def private_view(user: CurrentUser) -> dict[str, str]:
    return {"username": user.username}


async def change_password_view(request: Request, user: CurrentUser) -> dict[str, bool]:
    body = await request.json()
    user.set_password(body["password"])
    await user.asave(update_fields=["password"])
    await aupdate_session_auth_hash(request, user)
    return {"ok": True}


async def staff_view() -> dict[str, bool]:
    return {"ok": True}


urlpatterns = [
    path("login/", login_view, methods=["POST"]),
    path("logout/", logout_view, methods=["POST"]),
    path("me/", me_view),
    path("private/", private_view),
    path("password/", change_password_view, methods=["POST"]),
    path("csrf/", csrf_token_view),
    path("staff/", staff_view, dependencies=[Depends(permission_required("auth_app.change_article"))]),
]

PASSWORD = "s3cret-horse-battery"


async def _csrf(client: Any) -> dict[str, str]:
    """The header a logged-in browser page sends with unsafe requests (the session cookie makes them need it)."""
    return {"X-CSRFToken": (await client.get("/csrf/")).json()["csrfToken"]}


async def _user(name: str = "ann", **extra: Any) -> Any:
    return await User.objects.acreate_user(name, f"{name}@example.com", PASSWORD, **extra)


async def test_login_sets_a_new_session_and_logout_forgets_it(async_client: Any, backend: str) -> None:
    await _user()
    assert (await async_client.get("/me/")).json() == {"username": "", "authenticated": False}
    wrong = await async_client.post("/login/", json={"username": "ann", "password": "nope"})
    assert wrong.status_code == 400 and "sessionid" not in wrong.cookies
    done = await async_client.post("/login/", json={"username": "ann", "password": PASSWORD})
    assert done.json() == {"username": "ann"}
    cookie = async_client.cookies.get("sessionid")
    assert cookie
    assert (await async_client.get("/me/")).json() == {"username": "ann", "authenticated": True}
    assert (await async_client.get("/private/")).json() == {"username": "ann"}
    assert (await async_client.post("/logout/")).status_code == 403  # cookie-authenticated: CSRF token needed
    assert (await async_client.post("/logout/", headers=await _csrf(async_client))).json() == {"ok": True}
    assert (await async_client.get("/me/")).json()["authenticated"] is False
    # Replay: the cookie from before logout opens nothing any more.
    async_client.cookies.clear()
    async_client.cookies.set("sessionid", cookie)
    assert (await async_client.get("/me/")).json()["authenticated"] is False
    assert (await async_client.get("/private/")).status_code == 401


async def test_session_fixation_is_prevented(async_client: Any, backend: str) -> None:
    await _user()
    # The attacker gets a real session key from the site and plants it in the victim's browser.
    planted_headers = await _csrf(async_client)
    planted = async_client.cookies.get("sessionid")
    assert planted
    done = await async_client.post("/login/", json={"username": "ann", "password": PASSWORD}, headers=planted_headers)
    assert done.status_code == 200, done.text
    issued = async_client.cookies.get("sessionid")
    assert issued and issued != planted  # login moved the session to a new key
    async_client.cookies.clear()
    async_client.cookies.set("sessionid", planted)
    assert (await async_client.get("/me/")).json()["authenticated"] is False  # the planted key opens nothing
    async_client.cookies.clear()
    async_client.cookies.set("sessionid", issued)
    assert (await async_client.get("/me/")).json()["authenticated"] is True
    # And a key the client made up is never adopted.
    async_client.cookies.clear()
    async_client.cookies.set("sessionid", "attacker-chosen-key-0123456789abcdef")
    assert (await async_client.get("/me/")).json()["authenticated"] is False


async def test_a_password_change_logs_out_other_sessions(async_client: Any, app: Any, backend: str) -> None:
    import httpx2

    await _user()
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await other.post("/login/", json={"username": "ann", "password": PASSWORD})
        await async_client.post("/login/", json={"username": "ann", "password": PASSWORD})
        changed = await async_client.post(
            "/password/", json={"password": "a-brand-new-password"}, headers=await _csrf(async_client)
        )
        assert changed.json() == {"ok": True}
        assert (await async_client.get("/me/")).json()["authenticated"] is True  # this session stays
        assert (await other.get("/me/")).json()["authenticated"] is False  # the other one is out


async def test_inactive_users_and_permissions(async_client: Any, backend: str) -> None:
    from fastjango.auth.models import Permission
    from fastjango.auth.permissions import acreate_permissions

    await _user("gone", is_active=False)
    refused = await async_client.post("/login/", json={"username": "gone", "password": PASSWORD})
    assert refused.status_code == 400
    ann = await _user()
    await async_client.post("/login/", json={"username": "ann", "password": PASSWORD})
    assert (await async_client.get("/staff/")).status_code == 403
    await acreate_permissions()
    await ann.user_permissions.aadd(await Permission.objects.aget(app_label="auth_app", codename="change_article"))
    assert (await async_client.get("/staff/")).json() == {"ok": True}
    async_client.cookies.clear()
    assert (await async_client.get("/staff/")).status_code == 401


async def test_browsers_are_sent_to_the_login_page(async_client: Any, backend: str) -> None:
    response = await async_client.get("/private/?tab=1", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/login/?next=%2Fprivate%2F%3Ftab%3D1"


class Recorder:
    """A plugin that records the login hooks (what the signals plugin bridges to signals)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    @hookimpl
    def fastjango_auth_user_logged_in(self, request: Any, user: Any) -> None:
        self.events.append(("in", user.username))

    @hookimpl
    def fastjango_auth_user_logged_out(self, request: Any, user: Any) -> None:
        self.events.append(("out", user.username))

    @hookimpl
    def fastjango_auth_user_login_failed(self, credentials: dict[str, Any], request: Any) -> None:
        self.events.append(("failed", credentials))


async def test_login_hooks(async_client: Any, fastjango_project: Any, backend: str) -> None:
    recorder = Recorder()
    fastjango_project.pm.register(recorder, name="login-recorder")
    try:
        await _user()
        await async_client.post("/login/", json={"username": "ann", "password": "wrong"})
        await async_client.post("/login/", json={"username": "ann", "password": PASSWORD})
        await async_client.post("/logout/", headers=await _csrf(async_client))
    finally:
        fastjango_project.pm.unregister(name="login-recorder")
    assert recorder.events == [
        ("failed", {"username": "ann", "password": "********************"}),
        ("in", "ann"),
        ("out", "ann"),
    ]
