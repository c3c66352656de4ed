"""The token endpoints, included by ``fastjango.auth.urls`` (so named ``auth:token`` and so on there).

They are exempt from the CSRF check (credentials come in the body), so no 403 is documented;
errors are RFC 6749 ``{"error", "error_description"}`` bodies.
"""

from __future__ import annotations

from typing import Any

from fastjango.auth.tokens.views import refresh_view, revoke_view, token_view
from fastjango.auth.views._common import openapi_body
from fastjango.auth.views.schemas import (
    OAUTH_ERRORS,
    RefreshRequestBody,
    RevokedBody,
    RevokeRequestBody,
    TokenPairBody,
    TokenRequestBody,
    responses,
)
from fastjango.core.urls import path

__all__ = ["urlpatterns"]

_TAGS: list[Any] = ["auth"]

urlpatterns = [
    path(
        "token/",
        token_view,
        name="token",
        methods=["POST"],
        tags=_TAGS,
        summary="Get tokens (OAuth2)",
        openapi_extra=openapi_body(TokenRequestBody, json_allowed=False),
        response_model=TokenPairBody,
        response_description="A new token pair.",
        responses=responses(400, 429, errors=OAUTH_ERRORS),
    ),
    path(
        "token/refresh/",
        refresh_view,
        name="token_refresh",
        methods=["POST"],
        tags=_TAGS,
        summary="Refresh",
        openapi_extra=openapi_body(RefreshRequestBody),
        response_model=TokenPairBody,
        response_description="A new token pair; the refresh token sent is used up.",
        responses=responses(400, errors=OAUTH_ERRORS),
    ),
    path(
        "token/revoke/",
        revoke_view,
        name="token_revoke",
        methods=["POST"],
        tags=_TAGS,
        summary="Revoke",
        openapi_extra=openapi_body(RevokeRequestBody),
        response_model=RevokedBody,
        response_description="Revoked (the same answer for a token that is unknown or already revoked).",
        responses=responses(400, errors=OAUTH_ERRORS),
    ),
]
