"""Signing and checking JWTs with the one algorithm and key the settings pin.

Checking is deliberately strict and done in this order, so the error names
the first problem: the token's shape, its header (only the pinned ``alg``; no
key material or key location in the header; no ``kid`` but ours; no
``crit``), the signature (authlib's JOSE, restricted to the pinned
algorithm and given our key, never one from the token), then the claims
(``token_type``, ``iss``, ``aud``, ``exp``, ``nbf``, ``sub``, ``jti``).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import hashlib
import json
import time
import warnings
from dataclasses import dataclass
from typing import Any

from authlib.deprecate import AuthlibDeprecationWarning  # type: ignore[import-untyped]

from fastjango.auth.tokens.settings import HMAC_ALGORITHMS, load_pem_key

with warnings.catch_warnings():
    # authlib announces joserfc as the successor of authlib.jose; the API used here is stable until 2.0.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, JsonWebToken  # type: ignore[import-untyped]
    from authlib.jose.errors import JoseError  # type: ignore[import-untyped]

__all__ = [
    "ACCESS",
    "REFRESH",
    "TokenError",
    "TokenKeys",
    "decode_token",
    "encode_token",
    "expiry",
    "fingerprint",
    "token_keys",
]

ACCESS = "access"
REFRESH = "refresh"

#: Header parameters that carry a key or say where to fetch one: a token never chooses its own key.
_KEY_HEADERS = ("jwk", "jku", "x5u", "x5c")
#: Purpose string of the HMAC key derived from SECRET_KEY (never SECRET_KEY itself).
_HMAC_PURPOSE = b"fastjango.auth.tokens.jwt-signing-key"


class TokenError(Exception):
    """A token that is not accepted; ``detail`` says why (safe to show to the client)."""

    def __init__(self, detail: str, *, code: str = "token_not_valid") -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


@dataclass(frozen=True)
class TokenKeys:
    """The pinned algorithm and its keys (authlib key objects); ``signing`` is ``None`` when verifying only."""

    algorithm: str
    signing: Any
    verifying: Any
    key_id: str | None


def _derive_hmac_key(secret_key: str, algorithm: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    length = {"HS256": 32, "HS384": 48, "HS512": 64}[algorithm]
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=_HMAC_PURPOSE + b":" + algorithm.encode())
    return hkdf.derive(secret_key.encode())


@functools.lru_cache(maxsize=8)
def _keys(
    algorithm: str, signing_key: str | None, verifying_key: str | None, key_id: str | None, secret_key: str
) -> TokenKeys:
    if algorithm in HMAC_ALGORITHMS:
        secret = signing_key.encode() if signing_key else _derive_hmac_key(secret_key, algorithm)
        key = JsonWebKey.import_key(secret, {"kty": "oct"})
        return TokenKeys(algorithm, key, key, key_id)
    from cryptography.hazmat.primitives import serialization

    signing = verifying = None
    if signing_key is not None:
        private = load_pem_key("TOKEN_SIGNING_KEY", signing_key, algorithm, private=True)
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        signing = JsonWebKey.import_key(pem)
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        verifying = JsonWebKey.import_key(public_pem)
    if verifying_key is not None:
        load_pem_key("TOKEN_VERIFYING_KEY", verifying_key, algorithm, private=False)
        verifying = JsonWebKey.import_key(verifying_key.strip().encode())
    return TokenKeys(algorithm, signing, verifying, key_id)


def token_keys(settings: Any = None) -> TokenKeys:
    """The keys the settings describe (cached; the settings were validated when the project loaded)."""
    if settings is None:
        from fastjango.core.project import get_project

        settings = get_project().settings
    return _keys(
        settings.TOKEN_ALGORITHM,
        settings.TOKEN_SIGNING_KEY,
        settings.TOKEN_VERIFYING_KEY,
        settings.TOKEN_KEY_ID,
        str(settings.SECRET_KEY),
    )


def _settings() -> Any:
    from fastjango.core.project import get_project

    return get_project().settings


def encode_token(claims: dict[str, Any], settings: Any = None) -> str:
    """A signed JWT of ``claims`` (with ``iss`` and ``aud`` from the settings added)."""
    settings = settings or _settings()
    keys = token_keys(settings)
    if keys.signing is None:
        raise TokenError("This project only verifies tokens: TOKEN_SIGNING_KEY is not set.", code="not_configured")
    header: dict[str, Any] = {"alg": keys.algorithm, "typ": "JWT"}
    if keys.key_id:
        header["kid"] = keys.key_id
    payload = {"iss": settings.TOKEN_ISSUER, "aud": settings.TOKEN_AUDIENCE, **claims}
    return str(JsonWebToken([keys.algorithm]).encode(header, payload, keys.signing).decode("ascii"))


def _b64_json(segment: str, what: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise TokenError(f"Malformed token: its {what} is not base64url-encoded JSON.") from None


def _check_header(header: Any, keys: TokenKeys) -> None:
    if not isinstance(header, dict):
        raise TokenError("Malformed token: its header is not a JSON object.")
    algorithm = header.get("alg")
    if algorithm != keys.algorithm:
        raise TokenError(f"Token algorithm {algorithm!r} is not accepted (tokens here use {keys.algorithm}).")
    for name in _KEY_HEADERS:
        if name in header:
            raise TokenError(f"Token header parameter {name!r} is not accepted: keys come from the server only.")
    if "crit" in header:
        raise TokenError("Token header parameter 'crit' is not supported.")
    kid = header.get("kid")
    if kid is not None and kid != keys.key_id:
        raise TokenError(f"Token key id {kid!r} is unknown.")


def _number(claims: dict[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None:
        if required:
            raise TokenError(f"Token has no {name!r} claim.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenError(f"Token claim {name!r} is not a number.")
    return float(value)


def _check_claims(claims: dict[str, Any], token_type: str, settings: Any) -> None:
    found_type = claims.get("token_type")
    if found_type != token_type:
        raise TokenError(f"Wrong token type: expected an {token_type} token, got {found_type!r}.")
    if claims.get("iss") != settings.TOKEN_ISSUER:
        raise TokenError("Token issuer is not accepted.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if settings.TOKEN_AUDIENCE not in audiences:
        raise TokenError("Token audience is not accepted.")
    leeway = settings.TOKEN_LEEWAY.total_seconds()
    now = time.time()
    expires = _number(claims, "exp", required=True)
    if expires is not None and now > expires + leeway:
        raise TokenError("Token expired.", code="token_expired")
    not_before = _number(claims, "nbf", required=False)
    if not_before is not None and now + leeway < not_before:
        raise TokenError("Token not yet valid.")
    _number(claims, "iat", required=False)
    for name in ("sub", "jti"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise TokenError(f"Token has no {name!r} claim.")


def decode_token(token: str, token_type: str, settings: Any = None) -> dict[str, Any]:
    """The claims of ``token`` if it is a valid ``token_type`` token; :class:`TokenError` otherwise."""
    settings = settings or _settings()
    keys = token_keys(settings)
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 8192:
        raise TokenError("Malformed token: a JWT has three dot-separated parts.")
    header_segment, payload_segment, _signature = token.split(".")
    _check_header(_b64_json(header_segment, "header"), keys)
    claims = _b64_json(payload_segment, "payload")
    if not isinstance(claims, dict):
        raise TokenError("Malformed token: its payload is not a JSON object.")
    try:
        verified = JsonWebToken([keys.algorithm]).decode(token, keys.verifying)
    except JoseError:
        raise TokenError("Token signature is invalid.") from None
    except (ValueError, TypeError):
        raise TokenError("Malformed token.") from None
    claims = dict(verified)
    _check_claims(claims, token_type, settings)
    return claims


def expiry(lifetime: datetime.timedelta) -> tuple[int, int]:
    """``(iat, exp)`` for a token issued now with this lifetime."""
    now = int(time.time())
    return now, now + int(lifetime.total_seconds())


def fingerprint(user: Any) -> str:
    """A short digest of the user's password hash (via ``get_session_auth_hash``): changes with the password."""
    source = user.get_session_auth_hash() if hasattr(user, "get_session_auth_hash") else str(user.password)
    return hashlib.sha256(b"fastjango.auth.tokens.pwd:" + source.encode()).hexdigest()[:24]
