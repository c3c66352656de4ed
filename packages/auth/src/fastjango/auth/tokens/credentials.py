"""Finding a request's token credentials and the user behind them (shared by dependencies, middleware, REST).

Recognised: ``Authorization: Bearer <JWT access token>``,
``Authorization: Bearer fj_...`` and ``Authorization: Api-Key fj_...`` (API
keys), and the ``API_KEY_HEADER`` header (``X-API-Key``). Other
``Authorization`` schemes (Basic...) are not ours and are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from fastjango.auth.tokens.jwt import TokenError
from fastjango.auth.tokens.models import API_KEY_PREFIX

__all__ = ["Credentials", "TokenAuth", "aauthenticate_credentials", "find_credentials"]


@dataclass(frozen=True)
class Credentials:
    """A token found in a request: a JWT access token or an API key."""

    kind: Literal["jwt", "api_key"]
    value: str


@dataclass(frozen=True)
class TokenAuth:
    """``scope["auth"]`` / ``request.auth`` of a token-authenticated request: the claims or the ``ApiKey`` row."""

    kind: Literal["jwt", "api_key"]
    claims: dict[str, Any] | None = None
    api_key: Any = None


def _api_key_header() -> str:
    from fastjango.core.project import get_project

    return str(get_project().settings.API_KEY_HEADER).lower()


def find_credentials(headers: Mapping[str, str]) -> Credentials | None:
    """The token credentials of a request's headers (lower-case names), or ``None``."""
    authorization = (headers.get("authorization") or "").strip()
    if authorization:
        scheme, *rest = authorization.split(None, 1)  # any whitespace, as is_token_authorization reads it
        value = rest[0].strip() if rest else ""
        scheme = scheme.lower()
        if scheme == "bearer":
            if value.startswith(API_KEY_PREFIX + "_"):
                return Credentials("api_key", value)
            return Credentials("jwt", value)
        if scheme == "api-key":
            return Credentials("api_key", value)
    api_key = headers.get(_api_key_header())
    if api_key:
        return Credentials("api_key", api_key.strip())
    return None


async def aauthenticate_credentials(credentials: Credentials) -> tuple[Any, TokenAuth]:
    """``(user, TokenAuth)`` for valid credentials; :class:`TokenError` naming the problem otherwise."""
    from fastjango.auth.tokens.service import aauthenticate_access_token, aauthenticate_api_key

    if not credentials.value:
        raise TokenError("The Authorization header has no token.")
    if credentials.kind == "jwt":
        user, claims = await aauthenticate_access_token(credentials.value)
        return user, TokenAuth("jwt", claims=claims)
    user, api_key = await aauthenticate_api_key(credentials.value)
    return user, TokenAuth("api_key", api_key=api_key)
