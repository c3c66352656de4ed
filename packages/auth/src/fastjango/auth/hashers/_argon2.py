"""Argon2id (argon2-cffi), in Django's format: ``argon2$argon2id$v=19$m=...,t=...,p=...$salt$hash``."""

from __future__ import annotations

from typing import ClassVar

import argon2
from argon2 import low_level
from argon2.exceptions import HashingError, InvalidHashError, VerificationError, VerifyMismatchError

from fastjango.auth.hashers._base import BasePasswordHasher, MalformedHash, must_update_salt, password_bytes

__all__ = ["Argon2PasswordHasher"]

_PREFIX = "argon2"


class Argon2PasswordHasher(BasePasswordHasher):
    """Argon2id, the winner of the Password Hashing Competition; the default hasher.

    The costs are Django 5.2's (2 passes over 100 MiB, 8 lanes), so hashes move between the two
    without an upgrade. Django's older ``argon2i`` hashes verify too, and are upgraded on login.
    A stored hash asking for more than the ``max_*`` costs (or this hasher's own, if larger) is
    refused as tampered: verifying it could take minutes or gigabytes.
    """

    algorithm: ClassVar[str] = _PREFIX
    time_cost: ClassVar[int] = 2
    memory_cost: ClassVar[int] = 102_400  # KiB
    parallelism: ClassVar[int] = 8
    hash_len: ClassVar[int] = argon2.DEFAULT_HASH_LENGTH

    max_time_cost: ClassVar[int] = 16
    max_memory_cost: ClassVar[int] = 1_048_576  # KiB: 1 GiB
    max_parallelism: ClassVar[int] = 64
    #: Memory times passes: 8x the default's, about a second and a half on a laptop.
    max_work: ClassVar[int] = 8 * 102_400 * 2

    def params(self, salt_len: int = argon2.DEFAULT_RANDOM_SALT_LENGTH) -> argon2.Parameters:
        """The parameters of new hashes (``salt_len`` is informative: the salt is passed in)."""
        return argon2.Parameters(
            type=low_level.Type.ID,
            version=low_level.ARGON2_VERSION,
            salt_len=salt_len,
            hash_len=self.hash_len,
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
        )

    def encode(self, password: str | bytes, salt: str) -> str:
        self._check_salt(salt)
        try:
            data = low_level.hash_secret(
                password_bytes(password),
                salt.encode("utf-8"),
                time_cost=self.time_cost,
                memory_cost=self.memory_cost,
                parallelism=self.parallelism,
                hash_len=self.hash_len,
                type=low_level.Type.ID,
            )
        except HashingError as exc:  # e.g. a salt under 8 bytes
            raise ValueError(f"Argon2 cannot hash with these inputs: {exc}.") from None
        return _PREFIX + data.decode("ascii")

    def _parse(self, encoded: str) -> tuple[str, argon2.Parameters]:
        """The argon2-cffi form of ``encoded`` (without our prefix) and its checked parameters."""
        if not encoded.startswith(_PREFIX + "$"):
            raise MalformedHash("an argon2 hash starts with 'argon2$'")
        rest = encoded[len(_PREFIX) :]
        try:
            params = argon2.extract_parameters(rest)
        except InvalidHashError:
            raise MalformedHash("the argon2 parameters cannot be read") from None
        limits = (
            ("time cost", params.time_cost, max(self.max_time_cost, self.time_cost)),
            ("memory cost", params.memory_cost, max(self.max_memory_cost, self.memory_cost)),
            ("parallelism", params.parallelism, max(self.max_parallelism, self.parallelism)),
            ("work", params.time_cost * params.memory_cost, max(self.max_work, self.time_cost * self.memory_cost)),
        )
        for what, value, limit in limits:
            if not 1 <= value <= limit:
                raise MalformedHash(f"the argon2 {what} ({value}) is outside the accepted range 1..{limit}")
        return rest, params

    def verify(self, password: str | bytes, encoded: str) -> bool:
        rest, params = self._parse(encoded)
        secret = password_bytes(password)
        try:
            # libargon2 compares the digests in constant time.
            return low_level.verify_secret(rest.encode("ascii"), secret, params.type)
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError, UnicodeEncodeError):
            raise MalformedHash("the argon2 hash cannot be decoded") from None

    def must_update(self, encoded: str) -> bool:
        _, params = self._parse(encoded)
        # Our salts are ASCII letters and digits: one byte of the decoded salt per character.
        return params != self.params(params.salt_len) or must_update_salt("x" * params.salt_len, self.salt_entropy)

    # harden_runtime: Argon2's cost has three dimensions; topping up a cheaper hash is not meaningful.
