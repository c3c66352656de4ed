"""Tables of the ``authtokens`` app: issued refresh tokens and API keys."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import string
from typing import TYPE_CHECKING, Any

from fastjango.auth.settings import user_model_label
from fastjango.orm import Manager, Model, fields

__all__ = ["API_KEY_PREFIX", "ApiKey", "ApiKeyManager", "RefreshToken", "parse_api_key"]

#: An API key reads ``fj_<prefix>_<secret>``: the prefix finds the row, the secret is compared with its hash.
API_KEY_PREFIX = "fj"
_ALPHABET = string.ascii_letters + string.digits
_PREFIX_LENGTH = 10
_SECRET_LENGTH = 40  # about 238 bits: a plain SHA-256 of it cannot be brute-forced


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class RefreshToken(Model):
    """One refresh token issued: used once (rotation), revoked with its whole family (one login's chain).

    ``jti`` is the token's id claim; ``family`` is shared by every token a
    login's refreshes produced (and is the access tokens' ``sid`` claim).
    """

    jti = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=64, db_index=True)
    user = fields.ForeignKey(user_model_label(), on_delete=fields.CASCADE, related_name="refresh_tokens")
    created_at = fields.DateTimeField(default=_now)
    expires_at = fields.DateTimeField(db_index=True)
    used_at = fields.DateTimeField(null=True, blank=True)
    revoked_at = fields.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        user_id: Any

    class Meta:
        app_label = "authtokens"
        verbose_name = "refresh token"

    def __str__(self) -> str:
        return f"RefreshToken {self.jti[:8]}… of family {self.family[:8]}…"


def parse_api_key(key: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a key shaped ``fj_<prefix>_<secret>``; ``None`` when it is not shaped so."""
    head, sep, rest = key.partition("_")
    if head != API_KEY_PREFIX or not sep:
        return None
    prefix, sep, secret = rest.partition("_")
    if not sep or len(prefix) != _PREFIX_LENGTH or len(secret) != _SECRET_LENGTH:
        return None
    if not (prefix.isascii() and prefix.isalnum() and secret.isascii() and secret.isalnum()):
        return None
    return prefix, secret


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyManager(Manager["ApiKey"]):
    """``create_key`` / ``acreate_key``: a new key row, and the plaintext key (shown once, never stored)."""

    @staticmethod
    def _new(user: Any, name: str, expires_at: datetime.datetime | None) -> tuple[dict[str, Any], str]:
        prefix = "".join(secrets.choice(_ALPHABET) for _ in range(_PREFIX_LENGTH))
        secret = "".join(secrets.choice(_ALPHABET) for _ in range(_SECRET_LENGTH))
        values = {
            "user": user,
            "name": name,
            "prefix": prefix,
            "hashed_secret": _hash(secret),
            "expires_at": expires_at,
        }
        return values, f"{API_KEY_PREFIX}_{prefix}_{secret}"

    def create_key(self, user: Any, name: str, *, expires_at: datetime.datetime | None = None) -> tuple[ApiKey, str]:
        values, plaintext = self._new(user, name, expires_at)
        return self.create(**values), plaintext

    async def acreate_key(
        self, user: Any, name: str, *, expires_at: datetime.datetime | None = None
    ) -> tuple[ApiKey, str]:
        values, plaintext = self._new(user, name, expires_at)
        return await self.acreate(**values), plaintext


class ApiKey(Model):
    """A long-lived key for service-to-service calls, acting as ``user``.

    Only a SHA-256 of the secret part is stored; the public ``prefix`` finds
    the row, so a lookup is one indexed query and one constant-time compare.
    """

    name = fields.CharField(max_length=100)
    user = fields.ForeignKey(user_model_label(), on_delete=fields.CASCADE, related_name="api_keys")
    prefix = fields.CharField(max_length=16, unique=True)
    hashed_secret = fields.CharField(max_length=64)
    created_at = fields.DateTimeField(default=_now)
    last_used_at = fields.DateTimeField(null=True, blank=True)
    expires_at = fields.DateTimeField(null=True, blank=True)
    revoked_at = fields.DateTimeField(null=True, blank=True)

    objects = ApiKeyManager()

    if TYPE_CHECKING:
        user_id: Any

    class Meta:
        app_label = "authtokens"
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({API_KEY_PREFIX}_{self.prefix}_…)"

    def secret_matches(self, secret: str) -> bool:
        return hmac.compare_digest(_hash(secret), str(self.hashed_secret))

    @property
    def is_usable(self) -> bool:
        """Not revoked and not expired."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > _now()
