"""``login/`` and ``logout/``: a session login for browsers (forms) and single-page apps (JSON)."""

from __future__ import annotations

import html

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from fastjango.auth._login import aauthenticate, alogin, alogout, get_user_model
from fastjango.auth.ratelimit import LoginRateLimited
from fastjango.auth.views._common import BadRequest, next_or, rate_limited, read_fields, redirect, setting

__all__ = ["LoginBody", "login_page_view", "login_view", "logout_view"]

#: The same words whether the username is unknown, the password wrong or the account inactive.
INVALID_LOGIN = "Please enter a correct username and password. Note that both fields may be case-sensitive."


class LoginBody(BaseModel):
    username: str
    password: str
    next: str | None = None


async def login_view(request: Request) -> Response:
    """Log in with username and password: ``{"username": ...}``, or for a form a 303 to a safe ``next``.

    Wrong credentials (unknown user, wrong password, inactive account alike) are a 400 that
    does not say which; too many failures a 429 with ``Retry-After``.
    """
    try:
        fields = await read_fields(request)
        username_field = getattr(get_user_model(), "USERNAME_FIELD", "username")
        username = fields.text("username", username_field)
        password = fields.text("password")
        if not username or not password:
            missing = [name for name, value in (("username", username), ("password", password)) if not value]
            raise BadRequest(
                f"Missing field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.",
                {name: ["This field is required."] for name in missing},
                code="required",
            )
        try:
            user = await aauthenticate(request, username=username, password=password)
        except LoginRateLimited as limited:
            return rate_limited(limited)
        if user is None or not getattr(user, "is_active", True):
            raise BadRequest(INVALID_LOGIN, code="invalid_login")
    except BadRequest as error:
        return error.response()
    await alogin(request, user)
    if fields.is_form:
        return redirect(next_or(request, fields, str(setting("LOGIN_REDIRECT_URL", "/"))) or "/")
    return JSONResponse({"username": user.get_username()}, headers={"Cache-Control": "no-store"})


async def login_page_view(request: Request) -> Response:
    """GET ``login/``: a bare login form for browsers sent to ``LOGIN_URL`` (replace it with your own page),
    or ``{"csrfToken": ...}`` for scripts."""
    from fastjango.auth.csrf import aget_token

    token = await aget_token(request)
    if "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"csrfToken": token}, headers={"Cache-Control": "no-store"})
    target = next_or(request, None, None) or ""
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Log in</title></head><body>
<form method="post">
<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(token)}">
<input type="hidden" name="next" value="{html.escape(target)}">
<p><label>Username <input name="username" autocomplete="username" required autofocus></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Log in</button></p>
</form></body></html>"""
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


async def logout_view(request: Request) -> Response:
    """Log out (POST only, CSRF-checked like any cookie POST): JSON, or for a form a 303 to a safe ``next``
    or ``LOGOUT_REDIRECT_URL``."""
    try:
        fields = await read_fields(request)
    except BadRequest:
        fields = None
    await alogout(request)
    if fields is not None and fields.is_form:
        target = next_or(request, fields, setting("LOGOUT_REDIRECT_URL"))
        if target:
            return redirect(target)
    return JSONResponse({"detail": "Logged out."}, headers={"Cache-Control": "no-store"})
