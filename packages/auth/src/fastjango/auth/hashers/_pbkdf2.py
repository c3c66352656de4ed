"""PBKDF2-HMAC hashers, in Django's format: ``pbkdf2_sha256$<iterations>$<salt>$<base64 hash>``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import ClassVar, NamedTuple

from fastjango.auth.hashers._base import (
    BasePasswordHasher,
    MalformedHash,
    must_update_salt,
    parse_positive_int,
    password_bytes,
)

__all__ = ["PBKDF2PasswordHasher", "PBKDF2SHA1PasswordHasher"]


class _Decoded(NamedTuple):
    iterations: int
    salt: str
    digest: bytes


class PBKDF2PasswordHasher(BasePasswordHasher):
    """PBKDF2 with HMAC-SHA256, Django's default before Argon2 was available everywhere.

    ``iterations`` follows Django 5.2 (1,000,000). Stored hashes with more than
    ``max_iterations`` (or this hasher's own count, if larger) are refused as tampered.
    """

    algorithm: ClassVar[str] = "pbkdf2_sha256"
    digest_name: ClassVar[str] = "sha256"
    iterations: ClassVar[int] = 1_000_000
    max_iterations: ClassVar[int] = 5_000_000

    def encode(self, password: str | bytes, salt: str, iterations: int | None = None) -> str:
        self._check_salt(salt)
        rounds = iterations or self.iterations
        derived = self._derive(password, salt, rounds)
        return f"{self.algorithm}${rounds}${salt}${base64.b64encode(derived).decode('ascii')}"

    def _derive(self, password: str | bytes, salt: str, iterations: int) -> bytes:
        return hashlib.pbkdf2_hmac(self.digest_name, password_bytes(password), salt.encode("utf-8"), iterations)

    def decode(self, encoded: str) -> _Decoded:
        """The parts of ``encoded``; :class:`MalformedHash` if it is not one of ours or is out of bounds."""
        _, iterations, salt, digest_b64 = self._split(encoded, 4)
        limit = max(self.max_iterations, self.iterations)
        rounds = parse_positive_int(iterations, "iteration count", limit)
        if not salt:
            raise MalformedHash("the salt is empty")
        try:
            digest = base64.b64decode(digest_b64.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise MalformedHash("the hash is not valid base64") from None
        if len(digest) != hashlib.new(self.digest_name).digest_size:
            raise MalformedHash("the hash has the wrong length")
        return _Decoded(rounds, salt, digest)

    def verify(self, password: str | bytes, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return hmac.compare_digest(self._derive(password, decoded.salt, decoded.iterations), decoded.digest)

    def must_update(self, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return decoded.iterations != self.iterations or must_update_salt(decoded.salt, self.salt_entropy)

    def harden_runtime(self, password: str | bytes, encoded: str) -> None:
        decoded = self.decode(encoded)
        missing = self.iterations - decoded.iterations
        if missing > 0:
            self._derive(password, decoded.salt, missing)


class PBKDF2SHA1PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with HMAC-SHA1 (``pbkdf2_sha1$...``), for hashes made by other PKCS #5 tools."""

    algorithm: ClassVar[str] = "pbkdf2_sha1"
    digest_name: ClassVar[str] = "sha1"
