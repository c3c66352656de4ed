"""scrypt (hashlib), in Django's format: ``scrypt$<n>$<salt>$<r>$<p>$<base64 hash>``."""

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

__all__ = ["ScryptPasswordHasher"]

_DKLEN = 64


class _Decoded(NamedTuple):
    work_factor: int
    salt: str
    block_size: int
    parallelism: int
    digest: bytes


class ScryptPasswordHasher(BasePasswordHasher):
    """scrypt, memory-hard like Argon2 and built into Python; costs as Django 5.2's.

    Stored hashes needing more than ``max_memory`` bytes or ``max_work`` (N·r·p) are refused.
    """

    algorithm: ClassVar[str] = "scrypt"
    work_factor: ClassVar[int] = 2**14
    block_size: ClassVar[int] = 8
    parallelism: ClassVar[int] = 5

    max_work_factor: ClassVar[int] = 2**20
    max_block_size: ClassVar[int] = 32
    max_parallelism: ClassVar[int] = 64
    max_memory: ClassVar[int] = 256 * 1024 * 1024
    #: N·r·p: 16x the default's.
    max_work: ClassVar[int] = 16 * 2**14 * 8 * 5

    def encode(
        self, password: str | bytes, salt: str, n: int | None = None, r: int | None = None, p: int | None = None
    ) -> str:
        self._check_salt(salt)
        n, r, p = n or self.work_factor, r or self.block_size, p or self.parallelism
        derived = self._derive(password, salt, n, r, p)
        return f"{self.algorithm}${n}${salt}${r}${p}${base64.b64encode(derived).decode('ascii')}"

    @staticmethod
    def _derive(password: str | bytes, salt: str, n: int, r: int, p: int) -> bytes:
        # OpenSSL needs 128·r·(N + p + 2) bytes; say so explicitly instead of relying on its 32 MiB default.
        maxmem = 128 * r * (n + p + 2) + 1024 * 1024
        return hashlib.scrypt(
            password_bytes(password), salt=salt.encode("utf-8"), n=n, r=r, p=p, maxmem=maxmem, dklen=_DKLEN
        )

    def decode(self, encoded: str) -> _Decoded:
        """The parts of ``encoded``; :class:`MalformedHash` if it is not one of ours or is out of bounds."""
        _, n_text, salt, r_text, p_text, digest_b64 = self._split(encoded, 6)
        n = parse_positive_int(n_text, "work factor", max(self.max_work_factor, self.work_factor))
        if n < 2 or n & (n - 1):
            raise MalformedHash("the scrypt work factor must be a power of two")
        r = parse_positive_int(r_text, "block size", max(self.max_block_size, self.block_size))
        p = parse_positive_int(p_text, "parallelism", max(self.max_parallelism, self.parallelism))
        if 128 * n * r > max(self.max_memory, 128 * self.work_factor * self.block_size):
            raise MalformedHash("the scrypt parameters need more memory than accepted")
        if n * r * p > max(self.max_work, self.work_factor * self.block_size * self.parallelism):
            raise MalformedHash("the scrypt parameters need more work than accepted")
        if not salt:
            raise MalformedHash("the salt is empty")
        try:
            digest = base64.b64decode(digest_b64.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise MalformedHash("the hash is not valid base64") from None
        if len(digest) != _DKLEN:
            raise MalformedHash("the hash has the wrong length")
        return _Decoded(n, salt, r, p, digest)

    def verify(self, password: str | bytes, encoded: str) -> bool:
        d = self.decode(encoded)
        derived = self._derive(password, d.salt, d.work_factor, d.block_size, d.parallelism)
        return hmac.compare_digest(derived, d.digest)

    def must_update(self, encoded: str) -> bool:
        d = self.decode(encoded)
        return (
            (d.work_factor, d.block_size, d.parallelism) != (self.work_factor, self.block_size, self.parallelism)
        ) or must_update_salt(d.salt, self.salt_entropy)

    def harden_runtime(self, password: str | bytes, encoded: str) -> None:
        # scrypt's cost is not additive the way PBKDF2's iterations are; Django does not top it up either.
        pass
