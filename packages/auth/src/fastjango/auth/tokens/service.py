"""Issuing, rotating and revoking token pairs, and finding the user behind a token or an API key.

A login starts a *family*: its first refresh token and every one its
refreshes produce share a ``family`` id (the access tokens' ``sid`` claim).
A refresh token is consumed by one atomic conditional ``UPDATE`` (``used_at``
set where it was still null), so of two simultaneous refreshes only one
wins. Presenting a refresh token that was already used is taken as theft:
the whole family is revoked. With ``TOKEN_CHECK_REVOCATION`` (the default),
access tokens of a revoked family stop working at once; every access token
also stops working when the user's password changes or the user is
deactivated, because the user is loaded (and checked) on each request anyway.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from fastjango.auth.tokens.jwt import ACCESS, REFRESH, TokenError, decode_token, encode_token, expiry, fingerprint

__all__ = [
    "TokenPair",
    "aauthenticate_access_token",
    "aauthenticate_api_key",
    "aissue_tokens",
    "arefresh_tokens",
    "arevoke_family",
    "arevoke_token",
]

#: ``last_used_at`` of an API key is written at most this often (not on every request).
_LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _settings() -> Any:
    from fastjango.core.project import get_project

    return get_project().settings


@dataclass(frozen=True)
class TokenPair:
    """What the token endpoint answers (RFC 6749 section 5.1)."""

    access_token: str
    refresh_token: str
    expires_in: int

    def as_response(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
        }


async def aissue_tokens(user: Any, *, family: str | None = None) -> TokenPair:
    """A new access and refresh token for ``user``; a new family (a new login) unless ``family`` is given."""
    from fastjango.auth.tokens.models import RefreshToken

    settings = _settings()
    family = family or secrets.token_hex(16)
    jti = secrets.token_hex(16)
    subject = str(user.pk)
    pwd = fingerprint(user)
    issued, refresh_expires = expiry(settings.REFRESH_TOKEN_LIFETIME)
    await RefreshToken.objects.acreate(
        jti=jti,
        family=family,
        user_id=user.pk,
        expires_at=datetime.datetime.fromtimestamp(refresh_expires, datetime.UTC),
    )
    refresh = encode_token(
        {
            "token_type": REFRESH,
            "sub": subject,
            "jti": jti,
            "sid": family,
            "pwd": pwd,
            "iat": issued,
            "nbf": issued,
            "exp": refresh_expires,
        },
        settings,
    )
    issued, access_expires = expiry(settings.ACCESS_TOKEN_LIFETIME)
    access = encode_token(
        {
            "token_type": ACCESS,
            "sub": subject,
            "jti": secrets.token_hex(16),
            "sid": family,
            "pwd": pwd,
            "iat": issued,
            "nbf": issued,
            "exp": access_expires,
        },
        settings,
    )
    return TokenPair(access, refresh, access_expires - issued)


async def _auser(subject: str) -> Any:
    from fastjango.auth import get_user_model

    user_model = get_user_model()
    try:
        return await user_model._default_manager.aget(pk=subject)
    except (user_model.DoesNotExist, ValueError, TypeError):
        return None


def _check_user(user: Any, claims: dict[str, Any]) -> None:
    if user is None:
        raise TokenError("The token's user does not exist.", code="user_not_found")
    if not getattr(user, "is_active", True):
        raise TokenError("The token's user is inactive.", code="user_inactive")
    if not secrets.compare_digest(str(claims.get("pwd", "")), fingerprint(user)):
        raise TokenError("The password changed since this token was issued; log in again.", code="password_changed")


async def arevoke_family(family: str) -> int:
    """Revoke every refresh token of a login (and, with ``TOKEN_CHECK_REVOCATION``, its access tokens)."""
    from fastjango.auth.tokens.models import RefreshToken

    return await RefreshToken.objects.filter(family=family, revoked_at__isnull=True).aupdate(revoked_at=_now())


async def _family_revoked(family: str) -> bool:
    """Whether the login was revoked (a token minted while its family was being revoked is caught here)."""
    from fastjango.auth.tokens.models import RefreshToken

    return bool(await RefreshToken.objects.filter(family=family, revoked_at__isnull=False).aexists())


async def arefresh_tokens(refresh_token: str) -> TokenPair:
    """Consume ``refresh_token`` and return a new pair of the same family; :class:`TokenError` if refused."""
    from fastjango.auth.tokens.models import RefreshToken

    claims = decode_token(refresh_token, REFRESH)
    row = await RefreshToken.objects.filter(jti=claims["jti"]).afirst()
    if row is None or str(row.family) != claims.get("sid") or str(row.user_id) != claims["sub"]:
        raise TokenError("Refresh token is unknown.")
    if row.revoked_at is not None or await _family_revoked(row.family):
        raise TokenError("Refresh token was revoked.", code="token_revoked")
    if row.used_at is not None:
        await arevoke_family(row.family)
        raise TokenError("Refresh token was already used; every token of this login is now revoked.", code="reused")
    if row.expires_at <= _now():
        raise TokenError("Token expired.", code="token_expired")
    user = await _auser(claims["sub"])
    try:
        _check_user(user, claims)
    except TokenError:
        await arevoke_family(row.family)
        raise
    consumed = await RefreshToken.objects.filter(pk=row.pk, used_at__isnull=True, revoked_at__isnull=True).aupdate(
        used_at=_now()
    )
    if consumed != 1:  # someone else consumed it between our read and our update: a reuse as well
        await arevoke_family(row.family)
        raise TokenError("Refresh token was already used; every token of this login is now revoked.", code="reused")
    return await aissue_tokens(user, family=row.family)


async def arevoke_token(token: str) -> bool:
    """Revoke the family of a refresh or access token (RFC 7009); ``False`` when it is not a valid token."""
    for token_type in (REFRESH, ACCESS):
        try:
            claims = decode_token(token, token_type)
        except TokenError:
            continue
        family = claims.get("sid")
        if isinstance(family, str) and family:
            await arevoke_family(family)
            return True
    return False


async def aauthenticate_access_token(token: str) -> tuple[Any, dict[str, Any]]:
    """``(user, claims)`` of a valid access token; :class:`TokenError` naming the problem otherwise."""
    from fastjango.auth.tokens.models import RefreshToken

    claims = decode_token(token, ACCESS)
    user = await _auser(claims["sub"])
    _check_user(user, claims)
    if _settings().TOKEN_CHECK_REVOCATION:
        family = claims.get("sid")
        if (
            not isinstance(family, str)
            or await RefreshToken.objects.filter(family=family, revoked_at__isnull=False).aexists()
        ):
            raise TokenError("Token was revoked.", code="token_revoked")
    return user, claims


async def aauthenticate_api_key(key: str) -> tuple[Any, Any]:
    """``(user, api_key)`` of a valid API key; :class:`TokenError` naming the problem otherwise."""
    from fastjango.auth.tokens.models import ApiKey, parse_api_key

    parsed = parse_api_key(key)
    if parsed is None:
        raise TokenError("Malformed API key.", code="api_key_not_valid")
    prefix, secret = parsed
    api_key = await ApiKey.objects.filter(prefix=prefix).afirst()
    if api_key is None or not api_key.secret_matches(secret):
        raise TokenError("Invalid API key.", code="api_key_not_valid")
    if api_key.revoked_at is not None:
        raise TokenError("API key was revoked.", code="api_key_revoked")
    now = _now()
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise TokenError("API key expired.", code="api_key_expired")
    user = await _auser(str(api_key.user_id))
    if user is None or not getattr(user, "is_active", True):
        raise TokenError("The API key's user is inactive.", code="user_inactive")
    if api_key.last_used_at is None or now - api_key.last_used_at > _LAST_USED_PRECISION:
        api_key.last_used_at = now
        await ApiKey.objects.filter(pk=api_key.pk).aupdate(last_used_at=now)
    return user, api_key
