"""What every password hasher shares: salts, limits on hostile input, and the interface."""

from __future__ import annotations

import math
import re
import secrets
import string
from abc import ABC, abstractmethod
from typing import ClassVar

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "RANDOM_STRING_CHARS",
    "BasePasswordHasher",
    "MalformedHash",
    "PasswordTooLong",
    "must_update_salt",
    "parse_positive_int",
    "password_bytes",
    "random_string",
]

#: Letters and digits, as Django's salts use: a salt never holds ``$``, the field separator.
RANDOM_STRING_CHARS = string.ascii_letters + string.digits

#: Longer passwords are refused. Hashing cost barely grows with length, but a bound keeps every
#: request's work and memory predictable, and no one types a password of more than 4096 characters.
MAX_PASSWORD_LENGTH = 4096

_DECIMAL = re.compile(r"[0-9]{1,12}")


class MalformedHash(ValueError):
    """A stored hash that cannot be parsed, or whose cost parameters are beyond the accepted limits.

    The message names the problem but never includes the hash or the password.
    """


class PasswordTooLong(ValueError):
    """A password longer than :data:`MAX_PASSWORD_LENGTH`."""

    def __init__(self) -> None:
        super().__init__(f"Passwords are limited to {MAX_PASSWORD_LENGTH} characters.")


def random_string(length: int) -> str:
    """``length`` characters from :data:`RANDOM_STRING_CHARS`, from the OS's secure random source."""
    return "".join(secrets.choice(RANDOM_STRING_CHARS) for _ in range(length))


def must_update_salt(salt: str, expected_entropy: int) -> bool:
    """Whether ``salt`` has fewer bits than wanted (each character carries log2(62) bits)."""
    return len(salt) * math.log2(len(RANDOM_STRING_CHARS)) < expected_entropy


def password_bytes(password: str | bytes) -> bytes:
    """The bytes that are hashed: UTF-8 of the string as typed, without normalization (as Django does).

    Raises :class:`PasswordTooLong` past :data:`MAX_PASSWORD_LENGTH`, and ``UnicodeEncodeError``
    (a ``ValueError``) for strings that are not valid Unicode (lone surrogates).
    """
    if isinstance(password, bytes):
        if len(password) > MAX_PASSWORD_LENGTH * 4:
            raise PasswordTooLong
        return password
    if not isinstance(password, str):
        raise TypeError(f"Password must be a string or bytes, got {type(password).__qualname__}.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooLong
    return password.encode("utf-8")


def parse_positive_int(text: str, what: str, maximum: int) -> int:
    """A decimal field of a stored hash, between 1 and ``maximum``; anything else is malformed.

    Only ASCII digits are accepted (``int()`` would take ``" 5"``, ``"+5"`` or Arabic-Indic digits).
    """
    if not _DECIMAL.fullmatch(text):
        raise MalformedHash(f"the {what} is not a positive decimal number")
    value = int(text)
    if not 1 <= value <= maximum:
        raise MalformedHash(f"the {what} ({value}) is outside the accepted range 1..{maximum}")
    return value


class BasePasswordHasher(ABC):
    """One password hashing algorithm; an instance holds the cost parameters of new hashes.

    Subclasses name their ``algorithm`` (the hash's first ``$`` field) and implement
    :meth:`encode` and :meth:`verify`. ``verify`` raises :class:`MalformedHash` for a hash it
    cannot parse or whose cost is beyond its limits, so a tampered database value cannot make
    a login take minutes or exhaust memory.
    """

    algorithm: ClassVar[str]
    #: Bits of randomness in a new salt.
    salt_entropy: ClassVar[int] = 128
    #: False for hashers kept only to verify old hashes (they cannot be first in PASSWORD_HASHERS).
    can_encode: ClassVar[bool] = True

    def check_available(self) -> None:
        """Raise ``ImportError`` with an install hint when a library this hasher needs is missing."""
        return

    def salt(self) -> str:
        """A new random salt of at least :attr:`salt_entropy` bits."""
        return random_string(math.ceil(self.salt_entropy / math.log2(len(RANDOM_STRING_CHARS))))

    @staticmethod
    def _check_salt(salt: str) -> None:
        if not salt or "$" in salt:
            raise ValueError("A salt must be non-empty and cannot contain '$'.")

    @abstractmethod
    def encode(self, password: str | bytes, salt: str) -> str:
        """The stored form of ``password`` with ``salt``: ``algorithm$...``."""

    @abstractmethod
    def verify(self, password: str | bytes, encoded: str) -> bool:
        """Whether ``password`` matches ``encoded`` (compared in constant time)."""

    def must_update(self, encoded: str) -> bool:
        """Whether ``encoded`` was made with other cost parameters than this hasher's."""
        return False

    def harden_runtime(self, password: str | bytes, encoded: str) -> None:
        """After a wrong password against a cheaper hash, spend the difference in work.

        So a failed login costs about what a failed login against an up-to-date hash costs.
        """
        return

    def _split(self, encoded: str, parts: int) -> list[str]:
        fields = encoded.split("$")
        if len(fields) != parts or fields[0] != self.algorithm:
            raise MalformedHash(f"a {self.algorithm} hash has {parts} '$'-separated fields")
        return fields
