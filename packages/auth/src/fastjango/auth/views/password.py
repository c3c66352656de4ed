"""``password/change/``, ``password/reset/`` and ``password/reset/<uidb64>/<token>/``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fastjango.auth._login import aupdate_session_auth_hash, get_user_model
from fastjango.auth.dependencies import CurrentUser
from fastjango.auth.hashers import MAX_PASSWORD_LENGTH
from fastjango.auth.password_validation import PasswordValidationError, password_changed, validate_password
from fastjango.auth.ratelimit import LoginRateLimited, get_login_rate_limiter
from fastjango.auth.tokens_reset import TokenCheck, default_token_generator, uid_decode, uid_encode
from fastjango.auth.views._common import BadRequest, Fields, next_or, rate_limited, read_fields, redirect, setting

__all__ = [
    "PasswordChangeBody",
    "PasswordResetBody",
    "PasswordResetConfirmBody",
    "password_change_view",
    "password_reset_check_view",
    "password_reset_confirm_view",
    "password_reset_view",
]

logger = logging.getLogger("fastjango.auth")

RESET_SENT = "If an account with that e-mail address exists, we have sent it a link to set a new password."
_NO_STORE = {"Cache-Control": "no-store"}
# The reset link carries the token in its URL: pages opened from it must not pass it on in Referer.
_LINK_HEADERS = {**_NO_STORE, "Referrer-Policy": "no-referrer"}


class PasswordChangeBody(BaseModel):
    old_password: str
    new_password: str
    new_password2: str | None = None


class PasswordResetBody(BaseModel):
    email: str


class PasswordResetConfirmBody(BaseModel):
    new_password: str
    new_password2: str | None = None


def _new_password(fields: Fields, user: Any) -> str:
    """The validated new password (``new_password``, repeated in ``new_password2`` when given)."""
    (password,) = fields.required("new_password")
    repeated = fields.text("new_password2")
    if repeated is not None and repeated != password:
        raise BadRequest(
            "The two password fields didn't match.",
            {"new_password2": ["The two password fields didn't match."]},
            code="password_mismatch",
        )
    if len(password) > MAX_PASSWORD_LENGTH:  # set_password() would refuse it: say so before validating
        raise BadRequest(
            f"Passwords are limited to {MAX_PASSWORD_LENGTH} characters.",
            {"new_password": [f"Passwords are limited to {MAX_PASSWORD_LENGTH} characters."]},
            code="password_invalid",
        )
    try:
        validate_password(password, user)
    except PasswordValidationError as error:
        raise BadRequest(
            "This password is not allowed: " + " ".join(error.messages),
            {"new_password": list(error.messages)},
            code="password_invalid",
        ) from None
    return password


async def _set_password(user: Any, password: str) -> None:
    await run_in_threadpool(user.set_password, password)  # hashing is slow on purpose: off the event loop
    await user.asave(update_fields=["password"])
    password_changed(password, user)


async def password_change_view(request: Request, user: CurrentUser) -> Response:
    """Change the logged-in user's password: the old one is checked, the new one validated.

    This session stays logged in; the user's other sessions are logged out.
    """
    try:
        fields = await read_fields(request)
        old_password, _ = fields.required("old_password", "new_password")
        limiter = get_login_rate_limiter()
        username = user.get_username()
        if limiter is not None:  # guessing the old password is guessing a password
            try:
                await limiter.acheck(request, username)
            except LoginRateLimited as limited:
                return rate_limited(limited)
        if not await user.acheck_password(old_password):  # the attempt was counted by acheck()
            raise BadRequest(
                "Your old password was entered incorrectly.",
                {"old_password": ["Your old password was entered incorrectly. Please enter it again."]},
                code="password_incorrect",
            )
        if limiter is not None:
            await limiter.asucceeded(request, username)
        password = _new_password(fields, user)
    except BadRequest as error:
        return error.response()
    await _set_password(user, password)
    await aupdate_session_auth_hash(request, user)
    if fields.is_form:
        target = next_or(request, fields, None)
        if target:
            return redirect(target)
    return JSONResponse({"detail": "Your password was changed."}, headers=_NO_STORE)


async def _users_for_email(email: str) -> list[Any]:
    """Active users with this e-mail (any case) and a usable password: the ones a reset may reach."""
    model = get_user_model()
    email_field = getattr(model, "EMAIL_FIELD", "email")
    query = model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
    users = [user async for user in query]
    return [
        user
        for user in users
        if user.has_usable_password() and str(getattr(user, email_field, "")).lower() == email.lower()
    ]


def _reset_link(request: Request, user: Any) -> str:
    uidb64, token = uid_encode(user.pk), default_token_generator.make_token(user)
    template = setting("PASSWORD_RESET_URL")
    if template:
        return str(template).format(uidb64=uidb64, token=token)
    base = str(request.url.replace(query="", fragment=""))
    return f"{base.rstrip('/')}/{uidb64}/{token}/"


def _reset_message(request: Request, user: Any, email_field: str) -> Any:
    from html import escape

    from fastjango.auth.mail import EmailMessage

    site = request.url.hostname or "this site"
    link = _reset_link(request, user)
    name = user.get_username()
    text = (
        f"Someone asked to reset the password of your account {name} on {site}.\n\n"
        f"To choose a new password, open this link:\n\n{link}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n"
    )
    html = (
        f"<p>Someone asked to reset the password of your account <b>{escape(name)}</b> on {escape(site)}.</p>"
        f'<p><a href="{escape(link)}">Choose a new password</a></p>'
        "<p>If it was not you, ignore this message: your password stays as it is.</p>"
    )
    return EmailMessage(f"Password reset on {site}", text, None, [str(getattr(user, email_field))], html=html)


async def _send(messages: Sequence[Any]) -> None:
    from fastjango.auth.mail import asend_messages

    try:
        await asend_messages(messages)
    except Exception:  # the answer is already sent: the failure can only be logged
        logger.exception("Sending %d password-reset e-mail(s) failed.", len(messages))


async def password_reset_view(request: Request) -> Response:
    """Send a reset link to every active account with this e-mail; the same answer when there is none."""
    try:
        fields = await read_fields(request)
        (email,) = fields.required("email")
        email = email.strip()
        if "@" not in email or len(email) > 254 or any(char in email for char in "\r\n\t "):
            raise BadRequest("Enter a valid e-mail address.", {"email": ["Enter a valid e-mail address."]})
    except BadRequest as error:
        return error.response()
    limiter = get_login_rate_limiter()
    if limiter is not None:  # every request may send e-mail: no flooding a mailbox
        try:
            await limiter.acheck_reset(request, email)
        except LoginRateLimited as limited:
            return rate_limited(limited)
    email_field = getattr(get_user_model(), "EMAIL_FIELD", "email")
    messages = [_reset_message(request, user, email_field) for user in await _users_for_email(email)]
    # Sent after the answer: how long it takes does not tell whether the address has an account.
    background = BackgroundTask(_send, messages) if messages else None
    if fields.is_form:
        target = next_or(request, fields, None)
        if target:
            response: Response = redirect(target)
            response.background = background
            return response
    return JSONResponse({"detail": RESET_SENT}, headers=_NO_STORE, background=background)


def _pk_value(model: Any, text: str) -> Any:
    """``text`` as the model's primary key, or ``None`` when it cannot be one (never a database error)."""
    from fastjango.orm.exceptions import ValidationError

    field = model._meta.pk
    try:
        value = field.to_python(text)
    except (ValidationError, ValueError, TypeError):
        return None
    bounds: tuple[int, int] | None = getattr(field, "range", None)  # integer keys: beyond it, a database error
    if isinstance(value, int) and bounds is not None and not bounds[0] <= value <= bounds[1]:
        return None
    return value


async def _user_for_link(uidb64: str, token: str) -> Any:
    """The user this link is for; a 400 naming what is wrong with it (bad link, used, expired)."""
    text = uid_decode(uidb64)
    model = get_user_model()
    pk = None if text is None else _pk_value(model, text)
    user = None
    if pk is not None:
        try:
            user = await model._default_manager.aget(pk=pk)
        except model.DoesNotExist:
            user = None
    # A link naming no account gets the answer of a wrong token: reset links must not tell which ids exist.
    invalid = BadRequest(
        "This password reset link is invalid or has already been used: ask for a new one.", code="invalid_token"
    )
    if user is None:
        raise invalid
    verdict = default_token_generator.check_token(user, token)
    if verdict is TokenCheck.EXPIRED:
        raise BadRequest(
            "This password reset link has expired: ask for a new one.", code="expired_token", status_code=400
        )
    if verdict is not TokenCheck.VALID:
        raise invalid
    return user


async def password_reset_check_view(uidb64: str, token: str) -> Response:
    """GET: whether a reset link is still good (a page can say so before asking for a password)."""
    try:
        await _user_for_link(uidb64, token)
    except BadRequest as error:
        response = error.response()
        response.headers.update(_LINK_HEADERS)
        return response
    return JSONResponse({"detail": "This link is valid: choose a new password."}, headers=_LINK_HEADERS)


async def password_reset_confirm_view(request: Request, uidb64: str, token: str) -> Response:
    """POST ``new_password``: set it; the link is then used up and every session of the user ends."""
    try:
        user = await _user_for_link(uidb64, token)
        fields = await read_fields(request)
        password = _new_password(fields, user)
    except BadRequest as error:
        response = error.response()
        response.headers.update(_LINK_HEADERS)
        return response
    await _set_password(user, password)  # the hash changes: the link is used up and every session ends
    if fields.is_form:
        return redirect(next_or(request, fields, str(setting("LOGIN_URL", "/accounts/login/"))) or "/")
    return JSONResponse({"detail": "Your password has been set. You may log in now."}, headers=_LINK_HEADERS)
