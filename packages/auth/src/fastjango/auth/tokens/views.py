"""The token endpoints: OAuth2's password and refresh grants, a JSON refresh, and revocation.

``POST token/`` is an OAuth2 token endpoint (RFC 6749) for the password
grant (what FastAPI's Swagger UI "Authorize" button sends) and the
refresh-token grant; errors are RFC 6749 section 5.2 JSON. The endpoints
take credentials in the body, never from the browser's cookies, so they are
exempt from the CSRF check.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from fastjango.auth.csrf import csrf_exempt
from fastjango.auth.tokens.jwt import TokenError, token_keys

__all__ = ["refresh_view", "revoke_view", "token_view"]

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _error(error: str, description: str, status_code: int = 400, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status_code,
        headers={**_NO_STORE, **(headers or {})},
    )


_VERIFY_ONLY = "This project only verifies tokens: TOKEN_SIGNING_KEY is not set."


class _BadRequest(Exception):
    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


async def _fields(request: Request, *, json_allowed: bool) -> dict[str, Any]:
    """The request's form (or, where allowed, JSON object) fields."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _FORM_TYPES:
        try:
            form = await request.form()
        except Exception:  # a malformed multipart body: Starlette's own 400 would not be an RFC 6749 error
            raise _BadRequest("The form in the request body cannot be read.") from None
        return {key: value for key, value in form.items() if isinstance(value, str)}
    if json_allowed and (content_type == "application/json" or content_type.endswith("+json")):
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            raise _BadRequest("The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise _BadRequest("The request body must be a JSON object.")
        return body
    wanted = "application/x-www-form-urlencoded" + (" or application/json" if json_allowed else "")
    raise _BadRequest(f"The request body must be {wanted}.")


def _required(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise _BadRequest(f"The {name!r} parameter is required.")
    return value


async def _password_grant(request: Request, fields: dict[str, Any]) -> JSONResponse:
    from fastjango.auth import aauthenticate
    from fastjango.auth.ratelimit import LoginRateLimited
    from fastjango.auth.tokens.service import aissue_tokens

    username = _required(fields, "username")
    password = _required(fields, "password")
    try:
        user = await aauthenticate(request, username=username, password=password)
    except LoginRateLimited as limited:
        seconds = max(1, math.ceil(limited.retry_after))
        return _error("rate_limited", str(limited), 429, {"Retry-After": str(seconds)})
    if user is None or not getattr(user, "is_active", True):
        return _error("invalid_grant", "Wrong username or password.")
    pair = await aissue_tokens(user)
    return JSONResponse(pair.as_response(), headers=_NO_STORE)


async def _refresh_grant(fields: dict[str, Any]) -> JSONResponse:
    from fastjango.auth.tokens.service import arefresh_tokens

    refresh_token = _required(fields, "refresh_token")
    try:
        pair = await arefresh_tokens(refresh_token)
    except TokenError as error:
        return _error("invalid_grant", error.detail)
    return JSONResponse(pair.as_response(), headers=_NO_STORE)


@csrf_exempt
async def token_view(request: Request) -> JSONResponse:
    """OAuth2 token endpoint: ``grant_type=password`` (username, password) or ``refresh_token``."""
    try:
        fields = await _fields(request, json_allowed=False)
        grant_type = _required(fields, "grant_type")
        if grant_type in ("password", "refresh_token") and token_keys().signing is None:
            # Said before any password is checked or refresh token consumed: a verify-only project issues nothing.
            return _error("unsupported_grant_type", _VERIFY_ONLY)
        if grant_type == "password":
            return await _password_grant(request, fields)
        if grant_type == "refresh_token":
            return await _refresh_grant(fields)
    except _BadRequest as bad:
        return _error("invalid_request", bad.description)
    return _error(
        "unsupported_grant_type", f"grant_type {grant_type!r} is not supported; use 'password' or 'refresh_token'."
    )


@csrf_exempt
async def refresh_view(request: Request) -> JSONResponse:
    """``{"refresh_token": ...}`` -> a new token pair (the refresh token given is consumed)."""
    try:
        fields = await _fields(request, json_allowed=True)
        if token_keys().signing is None:
            return _error("unsupported_grant_type", _VERIFY_ONLY)
        return await _refresh_grant(fields)
    except _BadRequest as bad:
        return _error("invalid_request", bad.description)


@csrf_exempt
async def revoke_view(request: Request) -> JSONResponse:
    """RFC 7009 revocation: ``token`` (refresh or access) revokes its whole login; 200 even when unknown."""
    from fastjango.auth.tokens.service import arevoke_token

    try:
        fields = await _fields(request, json_allowed=True)
        token = _required(fields, "token")
    except _BadRequest as bad:
        return _error("invalid_request", bad.description)
    await arevoke_token(token)
    return JSONResponse({}, headers=_NO_STORE)
