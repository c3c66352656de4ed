"""Verify-only support for Django's bcrypt hashes (``bcrypt_sha256$$2b$12$...`` and ``bcrypt$$2b$12$...``).

They need the optional ``bcrypt`` package. Add these hashers to ``PASSWORD_HASHERS`` (after the
preferred one) while users migrated from Django still have such hashes: each is replaced by the
preferred algorithm at that user's next login.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from types import ModuleType
from typing import ClassVar

from fastjango.auth.hashers._base import BasePasswordHasher, MalformedHash, password_bytes

__all__ = ["BCryptPasswordHasher", "BCryptSHA256PasswordHasher"]

_BCRYPT_HASH = re.compile(r"\$2[abxy]?\$([0-9]{2})\$[./A-Za-z0-9]{53}")
_BCRYPT_MAX_BYTES = 72


def _library() -> ModuleType:
    try:
        return importlib.import_module("bcrypt")
    except ImportError:
        raise ImportError(
            "Verifying Django's bcrypt hashes needs the bcrypt package: pip install bcrypt "
            "(or remove the BCrypt hashers from PASSWORD_HASHERS)."
        ) from None


class BCryptSHA256PasswordHasher(BasePasswordHasher):
    """Django's ``bcrypt_sha256``: bcrypt of the hex SHA-256 of the password. Verification only."""

    algorithm: ClassVar[str] = "bcrypt_sha256"
    can_encode: ClassVar[bool] = False
    prehash: ClassVar[bool] = True
    #: bcrypt's cost is logarithmic: 2**16 rounds is 16x Django's default of 12.
    max_rounds: ClassVar[int] = 16

    def check_available(self) -> None:
        _library()

    def encode(self, password: str | bytes, salt: str) -> str:
        raise NotImplementedError(
            f"{type(self).__name__} only verifies hashes made by Django; put another hasher first in PASSWORD_HASHERS."
        )

    def verify(self, password: str | bytes, encoded: str) -> bool:
        prefix = self.algorithm + "$"
        data = encoded[len(prefix) :] if encoded.startswith(prefix) else ""
        match = _BCRYPT_HASH.fullmatch(data)
        if match is None:
            raise MalformedHash(f"not a {self.algorithm} hash")
        rounds = int(match.group(1))
        if not 4 <= rounds <= self.max_rounds:
            raise MalformedHash(f"the bcrypt cost ({rounds}) is outside the accepted range 4..{self.max_rounds}")
        secret = password_bytes(password)
        if self.prehash:
            secret = hashlib.sha256(secret).hexdigest().encode("ascii")
        # bcrypt reads 72 bytes at most; bcrypt >= 5 refuses longer input instead of ignoring the rest,
        # so cut as the libraries Django used did, or such passwords could never be verified.
        result: bool = _library().checkpw(secret[:_BCRYPT_MAX_BYTES], data.encode("ascii"))
        return result


class BCryptPasswordHasher(BCryptSHA256PasswordHasher):
    """Django's plain ``bcrypt`` (passwords cut at 72 bytes). Verification only."""

    algorithm: ClassVar[str] = "bcrypt"
    prehash: ClassVar[bool] = False
