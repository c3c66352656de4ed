"""The mountable auth endpoints: ``path("accounts/", include("fastjango.auth.urls"))``.

Names (namespace ``auth``): ``auth:login``, ``auth:logout``, ``auth:password_change``,
``auth:password_reset``, ``auth:password_reset_confirm``, plus the token and social login
endpoints of :mod:`fastjango.auth.tokens.urls` and :mod:`fastjango.auth.social.urls`.
"""

from __future__ import annotations

from typing import Any

from fastjango.auth.views import (
    login_page_view,
    login_view,
    logout_view,
    password_change_view,
    password_reset_check_view,
    password_reset_confirm_view,
    password_reset_view,
)
from fastjango.auth.views._common import openapi_body
from fastjango.auth.views.login import LoginBody
from fastjango.auth.views.password import PasswordChangeBody, PasswordResetBody, PasswordResetConfirmBody
from fastjango.auth.views.schemas import CsrfTokenBody, DetailBody, UsernameBody, html_alternative, responses
from fastjango.core.urls import include, path

__all__ = ["app_name", "urlpatterns"]

app_name = "auth"

_TAGS: list[Any] = ["auth"]

urlpatterns = [
    # GET and POST of one URL are separate entries (separate OpenAPI operations); the name is on the POST.
    path(
        "login/",
        login_page_view,
        methods=["GET"],
        tags=_TAGS,
        summary="Login form (browsers) or CSRF token",
        response_model=CsrfTokenBody,
        response_description="The CSRF token (JSON); a browser that accepts text/html gets the login page.",
        responses=html_alternative(responses(), "The CSRF token, or the login page for browsers."),
    ),
    path(
        "login/",
        login_view,
        name="login",
        methods=["POST"],
        tags=_TAGS,
        summary="Log in (session)",
        openapi_extra=openapi_body(LoginBody),
        response_model=UsernameBody,
        response_description="Logged in.",
        responses=responses(400, 403, 415, 429, redirect=True),
    ),
    path(
        "logout/",
        logout_view,
        name="logout",
        methods=["POST"],
        tags=_TAGS,
        summary="Log out",
        response_model=DetailBody,
        response_description="Logged out (also when nobody was logged in).",
        responses=responses(403, redirect=True),
    ),
    path(
        "password/change/",
        password_change_view,
        name="password_change",
        methods=["POST"],
        tags=_TAGS,
        summary="Change the password",
        openapi_extra=openapi_body(PasswordChangeBody),
        response_model=DetailBody,
        response_description="The password was changed; this session stays logged in.",
        responses=responses(400, 401, 403, 415, 429, redirect=True),
    ),
    path(
        "password/reset/",
        password_reset_view,
        name="password_reset",
        methods=["POST"],
        tags=_TAGS,
        summary="Send a password-reset link",
        openapi_extra=openapi_body(PasswordResetBody),
        response_model=DetailBody,
        response_description="Sent, if an account has this e-mail address (the same answer when none has).",
        responses=responses(400, 403, 415, 429, redirect=True),
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset_check_view,
        methods=["GET"],
        tags=_TAGS,
        summary="Check a password-reset link",
        response_model=DetailBody,
        response_description="The link is valid.",
        responses=responses(400),
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        password_reset_confirm_view,
        name="password_reset_confirm",
        methods=["POST"],
        tags=_TAGS,
        summary="Set the new password of a reset link",
        openapi_extra=openapi_body(PasswordResetConfirmBody),
        response_model=DetailBody,
        response_description="The password was set; the link is used up.",
        responses=responses(400, 403, 415, redirect=True),
    ),
    path("", include("fastjango.auth.tokens.urls")),
    path("", include("fastjango.auth.social.urls")),
]
