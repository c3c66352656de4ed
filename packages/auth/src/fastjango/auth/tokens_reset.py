"""Password-reset tokens: signed, time-limited, and void once the password (or the last login) changes.

A token is ``<timestamp>-<signature>``: the signature is an HMAC, keyed from ``SECRET_KEY`` and a
purpose salt, over the user's primary key, password hash, last login, e-mail and the timestamp.
Nothing is stored: setting a new password changes the hash, so the token stops matching (used
once); logging in changes ``last_login`` (a link older than the last login is void too).
``PASSWORD_RESET_TIMEOUT`` seconds after it was made, it has expired.
"""

from __future__ import annotations

import base64
import datetime
import enum
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "DEFAULT_PASSWORD_RESET_TIMEOUT",
    "PasswordResetTokenGenerator",
    "TokenCheck",
    "default_token_generator",
    "uid_decode",
    "uid_encode",
]

#: Three days, as Django.
DEFAULT_PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Timestamps count from 2001-01-01 (as Django's), so they stay short in base 36.
_EPOCH = 978307200


class TokenCheck(enum.Enum):
    """What :meth:`PasswordResetTokenGenerator.check_token` found."""

    VALID = "valid"
    INVALID = "invalid"  # not signed by us for this user, or already used (the password changed)
    EXPIRED = "expired"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def uid_encode(pk: Any) -> str:
    """The user's primary key for a URL: URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def uid_decode(uidb64: str) -> str | None:
    """The primary key text back from :func:`uid_encode`, or ``None`` when ``uidb64`` is not one."""
    if not isinstance(uidb64, str) or len(uidb64) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(uidb64 + "=" * (-len(uidb64) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


class PasswordResetTokenGenerator:
    """Makes and checks password-reset tokens (one instance serves every user)."""

    key_salt = "fastjango.auth.tokens_reset.PasswordResetTokenGenerator"

    def __init__(
        self, secret: str | None = None, timeout: int | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self._timeout = timeout
        self.clock = clock

    def _settings(self) -> Any:
        from fastjango.core.project import get_project

        return get_project().settings

    @property
    def secret(self) -> str:
        return self._secret if self._secret is not None else str(self._settings().SECRET_KEY)

    @property
    def timeout(self) -> int:
        if self._timeout is not None:
            return self._timeout
        return int(self._settings().get("PASSWORD_RESET_TIMEOUT", DEFAULT_PASSWORD_RESET_TIMEOUT))

    def _now(self) -> int:
        return int(self.clock()) - _EPOCH

    def make_token(self, user: Any) -> str:
        """A token for ``user``, valid until it is used, the user logs in, or it expires."""
        return self._token(user, self._now())

    def check_token(self, user: Any, token: str | None) -> TokenCheck:
        """Whether ``token`` is valid for ``user`` now, and if not, why (invalid/used or expired)."""
        if user is None or not isinstance(token, str) or "-" not in token or len(token) > 100:
            return TokenCheck.INVALID
        stamp = token.partition("-")[0]  # base 36 has no "-"; the signature (URL-safe base64) may
        try:
            timestamp = int(stamp, 36)
        except ValueError:
            return TokenCheck.INVALID
        if not hmac.compare_digest(self._token(user, timestamp), token):
            return TokenCheck.INVALID
        if self._now() - timestamp > self.timeout:
            return TokenCheck.EXPIRED
        return TokenCheck.VALID

    def _token(self, user: Any, timestamp: int) -> str:
        key = hashlib.sha256((self.key_salt + self.secret).encode()).digest()
        signature = hmac.new(key, self._hash_value(user, timestamp).encode(), hashlib.sha256).digest()
        return f"{_base36(timestamp)}-{base64.urlsafe_b64encode(signature[:24]).decode()}"

    @staticmethod
    def _hash_value(user: Any, timestamp: int) -> str:
        last_login = getattr(user, "last_login", None)
        login_stamp = ""
        if last_login is not None:  # compared at whole seconds in UTC: every database gives it back alike
            if last_login.tzinfo is not None:
                last_login = last_login.astimezone(datetime.UTC)
            login_stamp = last_login.replace(microsecond=0, tzinfo=None).isoformat()
        email_field = getattr(user, "EMAIL_FIELD", "email")
        email = str(getattr(user, email_field, "") or "")
        return "\x00".join([str(user.pk), str(user.password), login_stamp, str(timestamp), email])


default_token_generator = PasswordResetTokenGenerator()
"""The generator the password-reset endpoints use."""
