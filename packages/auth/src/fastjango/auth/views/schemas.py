"""What the account and token endpoints answer, as OpenAPI sees it: response models and ``responses=`` tables.

The views build their answers by hand (JSON or a form's redirect), so FastAPI
cannot infer them; these models describe each body once, and
:func:`responses` turns a list of status codes into the ``responses=`` option
of a ``path()`` entry. Schema-driven clients and fuzzers (schemathesis) then
find every status an endpoint may send, with its content type and shape.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "ACCOUNT_ERRORS",
    "OAUTH_ERRORS",
    "SOCIAL_ERRORS",
    "CsrfTokenBody",
    "DetailBody",
    "OAuthErrorBody",
    "ProblemBody",
    "RateLimitedBody",
    "RefreshRequestBody",
    "RefusalBody",
    "RevokeRequestBody",
    "RevokedBody",
    "TokenPairBody",
    "TokenRequestBody",
    "UsernameBody",
    "html_alternative",
    "responses",
]


# -- success bodies ---------------------------------------------------------------------------------------------
class DetailBody(BaseModel):
    """A success message (``{"detail": "Logged out."}``)."""

    detail: str


class UsernameBody(BaseModel):
    """The user a session login logged in."""

    username: str


class CsrfTokenBody(BaseModel):
    """The CSRF token a script sends back in ``X-CSRFToken`` with its unsafe requests."""

    csrfToken: str  # noqa: N815 - the JSON key scripts read


class TokenPairBody(BaseModel):
    """A token response (RFC 6749 section 5.1): a short-lived access token and the refresh token of the login."""

    access_token: str
    token_type: Literal["bearer"]
    expires_in: int = Field(description="Seconds the access token stays valid.")
    refresh_token: str


class RevokedBody(BaseModel):
    """An empty object: revocation answers the same whether the token was known or not (RFC 7009)."""


# -- error bodies -----------------------------------------------------------------------------------------------
class ProblemBody(BaseModel):
    """A refused request: what is wrong, a stable ``code``, and the messages of each field at fault."""

    detail: str
    code: str = Field(description="invalid, required, malformed, unsupported_media_type, invalid_login, ...")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages per field; absent if none.")


class RateLimitedBody(BaseModel):
    """Too many failed passwords: try again after ``retry_after`` seconds (also in ``Retry-After``)."""

    detail: str
    code: Literal["rate_limited"]
    retry_after: int


class RefusalBody(BaseModel):
    """A refusal with a message only: not logged in (401), a CSRF failure (403, ``"CSRF Failed: ..."``), or a
    social login that failed."""

    detail: str


class OAuthErrorBody(BaseModel):
    """An OAuth2 error (RFC 6749 section 5.2)."""

    error: str = Field(description="invalid_request, invalid_grant, unsupported_grant_type or rate_limited.")
    error_description: str


# -- request bodies of the token endpoints ----------------------------------------------------------------------
class TokenRequestBody(BaseModel):
    """``grant_type=password`` with ``username`` and ``password``, or ``grant_type=refresh_token``."""

    grant_type: Literal["password", "refresh_token"]
    username: str | None = None
    password: str | None = None
    refresh_token: str | None = None


class RefreshRequestBody(BaseModel):
    refresh_token: str


class RevokeRequestBody(BaseModel):
    token: str = Field(description="A refresh or access token; its whole login is revoked.")


# -- responses= tables ------------------------------------------------------------------------------------------
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
_LOCATION = {"Location": {"description": "Where the browser goes next.", "schema": {"type": "string"}}}

#: The error answers of the account endpoints (login, logout, password change and reset), by status.
ACCOUNT_ERRORS: dict[int, dict[str, Any]] = {
    400: {"model": ProblemBody, "description": "A field is missing or invalid, or the body cannot be read."},
    401: {
        "model": RefusalBody,
        "description": "Not logged in (or the token was refused).",
        "headers": {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    },
    403: {"model": RefusalBody, "description": "CSRF check failed (a cookie-authenticated request)."},
    415: {"model": ProblemBody, "description": "The body is neither JSON nor a form."},
    429: {"model": RateLimitedBody, "description": "Too many failed passwords.", "headers": _RETRY_AFTER},
}

#: The error answers of the token endpoints (RFC 6749 error bodies), by status.
OAUTH_ERRORS: dict[int, dict[str, Any]] = {
    400: {"model": OAuthErrorBody, "description": "A parameter is missing or the grant was refused."},
    429: {"model": OAuthErrorBody, "description": "Too many failed passwords.", "headers": _RETRY_AFTER},
}


#: The answers of the social login endpoints (browser redirects; JSON ``{"detail"}`` when it fails), by status.
SOCIAL_ERRORS: dict[int, dict[str, Any]] = {
    302: {"description": "To the provider (login), or to `next` once logged in (callback).", "headers": _LOCATION},
    400: {"model": RefusalBody, "description": "The provider refused, or the callback matches no pending login."},
    403: {"model": RefusalBody, "description": "This account may not log in this way."},
    404: {"model": RefusalBody, "description": "No login provider has this name."},
    409: {"model": RefusalBody, "description": "The e-mail address belongs to an account not linked to it."},
    502: {"model": RefusalBody, "description": "The provider cannot be reached."},
}


def responses(
    *statuses: int, errors: dict[int, dict[str, Any]] = ACCOUNT_ERRORS, redirect: bool = False
) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route answering these error ``statuses``; ``redirect`` adds a form's 303."""
    table: dict[int | str, dict[str, Any]] = {status: dict(errors[status]) for status in statuses}
    if redirect:
        # No body and no content type: a Location only.
        table[303] = {"description": "Sent as an HTML form: redirected to a safe `next`.", "headers": _LOCATION}
    return dict(sorted(table.items(), key=lambda item: str(item[0])))


def html_alternative(table: dict[int | str, dict[str, Any]], description: str) -> dict[int | str, dict[str, Any]]:
    """``table`` with a text/html alternative to the 200 (a page for browsers that ``Accept`` HTML)."""
    html = {"content": {"text/html": {"schema": {"type": "string"}}}, "description": description}
    return {200: html, **table}
