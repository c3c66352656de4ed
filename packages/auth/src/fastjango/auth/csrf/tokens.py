"""CSRF secrets and masked tokens.

The secret is 32 random bytes kept by the server side of the browser's
session (the session, or the CSRF cookie). Pages get *masked* tokens: a
fresh 32-byte mask followed by mask XOR secret, URL-safe base64. Every
render differs, so compression side channels (BREACH) learn nothing, and
any of them unmasks to the same secret.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets

__all__ = [
    "MASKED_TOKEN_LENGTH",
    "SECRET_LENGTH",
    "InvalidToken",
    "mask_secret",
    "new_secret",
    "tokens_match",
    "unmask_token",
    "valid_secret",
]

_SECRET_BYTES = 32
#: Lengths as text: unpadded URL-safe base64 of 32 and 64 bytes.
SECRET_LENGTH = 43
MASKED_TOKEN_LENGTH = 86
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")


class InvalidToken(ValueError):
    """A submitted token that cannot be one of ours; the message is the refusal's reason."""


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_secret() -> str:
    """A new secret, as stored (URL-safe base64 of 32 random bytes)."""
    return _encode(secrets.token_bytes(_SECRET_BYTES))


def valid_secret(value: object) -> bool:
    """Whether a stored value (cookie, session) is a well-formed secret."""
    return isinstance(value, str) and len(value) == SECRET_LENGTH and _ALPHABET.fullmatch(value) is not None


def mask_secret(secret: str) -> str:
    """A token for a page: a fresh mask, then the secret XOR the mask."""
    raw = _decode(secret)
    mask = secrets.token_bytes(_SECRET_BYTES)
    return _encode(mask + bytes(a ^ b for a, b in zip(mask, raw, strict=True)))


def unmask_token(token: str, source: str) -> bytes:
    """The secret bytes a submitted token stands for; masked tokens and bare secrets are both accepted.

    ``source`` names where the token came from, for the refusal's reason.
    """
    if len(token) not in (MASKED_TOKEN_LENGTH, SECRET_LENGTH):
        raise InvalidToken(f"CSRF token from {source} has incorrect length.")
    if _ALPHABET.fullmatch(token) is None:
        raise InvalidToken(f"CSRF token from {source} has invalid characters.")
    raw = _decode(token)
    if len(raw) == _SECRET_BYTES:
        return raw
    mask, masked = raw[:_SECRET_BYTES], raw[_SECRET_BYTES:]
    return bytes(a ^ b for a, b in zip(mask, masked, strict=True))


def tokens_match(token: str, secret: str, source: str) -> bool:
    """Whether ``token`` carries ``secret``; constant-time. Raises :class:`InvalidToken` for malformed tokens."""
    return hmac.compare_digest(unmask_token(token, source), _decode(secret))
