"""Settings of the ``authtokens`` app (combined into the auth plugin's settings schema).

The signing algorithm is pinned: tokens are made with ``TOKEN_ALGORITHM`` and
only tokens made with it are accepted. ``HS256`` (the default) signs with a
key derived from ``SECRET_KEY`` for this purpose alone; the asymmetric
algorithms sign with ``TOKEN_SIGNING_KEY`` (a PEM private key) and verify
with its public half (or ``TOKEN_VERIFYING_KEY``, for services that only
verify).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from fastjango.core.conf import setting

__all__ = ["ALGORITHMS", "ASYMMETRIC_ALGORITHMS", "HMAC_ALGORITHMS", "TokenSettings", "load_pem_key"]

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
#: Algorithm -> the kind of key it needs (and, for ECDSA, the curve).
ASYMMETRIC_ALGORITHMS: dict[str, tuple[str, str | None]] = {
    "RS256": ("RSA", None),
    "RS384": ("RSA", None),
    "RS512": ("RSA", None),
    "PS256": ("RSA", None),
    "PS384": ("RSA", None),
    "PS512": ("RSA", None),
    "ES256": ("EC", "secp256r1"),
    "ES384": ("EC", "secp384r1"),
    "ES512": ("EC", "secp521r1"),
    "EdDSA": ("OKP", None),
}
ALGORITHMS = (*HMAC_ALGORITHMS, *ASYMMETRIC_ALGORITHMS)
_MIN_RSA_BITS = 2048


def _kind(key: Any) -> tuple[str, str | None, int]:
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RSA", None, key.key_size
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return "EC", key.curve.name, key.curve.key_size
    if isinstance(
        key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey | ed448.Ed448PrivateKey | ed448.Ed448PublicKey
    ):
        return "OKP", None, 0
    return type(key).__name__, None, 0


def load_pem_key(name: str, pem: str, algorithm: str, *, private: bool) -> Any:
    """The ``cryptography`` key in the setting ``name``; ``ValueError`` naming the setting when it does not fit."""
    from cryptography.hazmat.primitives import serialization

    data = pem.strip().encode()
    try:
        key: Any = (
            serialization.load_pem_private_key(data, password=None)
            if private
            else serialization.load_pem_public_key(data)
        )
    except (ValueError, TypeError) as error:
        what = "an unencrypted PEM private key" if private else "a PEM public key"
        raise ValueError(f"{name} is not {what} ({error})") from None
    wanted_kind, wanted_curve = ASYMMETRIC_ALGORITHMS[algorithm]
    kind, curve, size = _kind(key)
    if kind != wanted_kind or (wanted_curve is not None and curve != wanted_curve):
        shown = f"{kind} ({curve})" if curve else kind
        needed = f"{wanted_kind} ({wanted_curve})" if wanted_curve else wanted_kind
        raise ValueError(f"{name} holds a {shown} key, but TOKEN_ALGORITHM {algorithm} needs a {needed} key")
    if kind == "RSA" and size < _MIN_RSA_BITS:
        raise ValueError(f"{name} is a {size}-bit RSA key; use at least {_MIN_RSA_BITS} bits")
    return key


def _public_bytes(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


def check_token_settings(settings: Any) -> list[str]:
    """Problems between the token settings and core's (for the plugin's ``fastjango_validate_settings``)."""
    if (
        settings.get("TOKEN_ALGORITHM", "HS256") in HMAC_ALGORITHMS
        and not settings.get("TOKEN_SIGNING_KEY")
        and not str(settings.get("SECRET_KEY") or "")
    ):
        return [
            "TOKEN_ALGORITHM is an HMAC algorithm with its key derived from SECRET_KEY, which is empty: anyone could "
            "sign tokens. Set SECRET_KEY (or TOKEN_SIGNING_KEY)."
        ]
    return []


class TokenSettings(BaseModel):
    """How API tokens are signed, checked and how long they live."""

    model_config = ConfigDict(extra="forbid")

    TOKEN_SIGNING_KEY: str | None = setting(
        None,
        description="PEM private key for RS*/PS*/ES*/EdDSA; for HS* an optional secret (default: derived from "
        "SECRET_KEY).",
    )
    TOKEN_VERIFYING_KEY: str | None = setting(
        None,
        description="PEM public key checking tokens (default: the public half of TOKEN_SIGNING_KEY); "
        "alone, the project verifies tokens but cannot issue them.",
    )
    TOKEN_KEY_ID: str | None = setting(
        None, description="The 'kid' header put on tokens; tokens naming another kid are refused."
    )
    # Declared after the keys, and always validated: its check reads them (and so reports errors under this
    # name, never echoing the private key in the error).
    TOKEN_ALGORITHM: Annotated[str, Field(validate_default=True)] = setting(
        "HS256",
        description=f"The one JWT algorithm tokens are signed with and accepted in: {', '.join(ALGORITHMS)}.",
    )
    TOKEN_ISSUER: str = setting("fastjango", description="The 'iss' claim put on tokens and required of them.")
    TOKEN_AUDIENCE: str = setting("fastjango", description="The 'aud' claim put on tokens and required of them.")
    ACCESS_TOKEN_LIFETIME: datetime.timedelta = setting(
        datetime.timedelta(minutes=5), description="How long an access token is valid (seconds or a timedelta)."
    )
    REFRESH_TOKEN_LIFETIME: datetime.timedelta = setting(
        datetime.timedelta(days=1), description="How long a refresh token is valid (seconds or a timedelta)."
    )
    TOKEN_LEEWAY: datetime.timedelta = setting(
        datetime.timedelta(seconds=10), description="Clock skew tolerated when checking 'exp' and 'nbf'."
    )
    TOKEN_CHECK_REVOCATION: bool = setting(
        True,
        description="Refuse access tokens whose login (refresh-token family) was revoked: one query per request; "
        "False keeps access tokens stateless until they expire.",
    )
    TOKEN_URL: str | None = setting(
        None,
        description="The token endpoint's path shown in OpenAPI (default: reverse('auth:token'), else '/token/').",
    )
    API_KEY_HEADER: str = setting("X-API-Key", description="The header carrying an API key (besides 'Api-Key').")

    @field_validator("ACCESS_TOKEN_LIFETIME", "REFRESH_TOKEN_LIFETIME")
    @classmethod
    def _positive(cls, value: datetime.timedelta, info: ValidationInfo) -> datetime.timedelta:
        if value <= datetime.timedelta(0):
            raise ValueError("token lifetimes must be positive")
        access = info.data.get("ACCESS_TOKEN_LIFETIME")
        if info.field_name == "REFRESH_TOKEN_LIFETIME" and access is not None and value < access:
            # A revoked login is known by its refresh-token rows, which cleartokens deletes once they expire.
            raise ValueError("REFRESH_TOKEN_LIFETIME must be at least ACCESS_TOKEN_LIFETIME")
        return value

    @field_validator("TOKEN_LEEWAY")
    @classmethod
    def _small_leeway(cls, value: datetime.timedelta) -> datetime.timedelta:
        if not datetime.timedelta(0) <= value <= datetime.timedelta(minutes=5):
            raise ValueError("TOKEN_LEEWAY must be between 0 and 5 minutes")
        return value

    @field_validator("TOKEN_ALGORITHM")
    @classmethod
    def _algorithm_and_keys(cls, algorithm: str, info: ValidationInfo) -> str:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"TOKEN_ALGORITHM {algorithm!r} is not one of {', '.join(ALGORITHMS)}")
        signing = info.data.get("TOKEN_SIGNING_KEY")
        verifying = info.data.get("TOKEN_VERIFYING_KEY")
        if algorithm in HMAC_ALGORITHMS:
            if verifying is not None:
                raise ValueError(
                    f"TOKEN_VERIFYING_KEY is for asymmetric algorithms; TOKEN_ALGORITHM {algorithm} uses one secret"
                )
            if signing is not None and (len(signing) < 32 or "-----BEGIN" in signing):
                raise ValueError(
                    f"TOKEN_SIGNING_KEY for {algorithm} must be a random secret of at least 32 characters "
                    "(leave it unset to derive one from SECRET_KEY)"
                )
            return algorithm
        if signing is None and verifying is None:
            raise ValueError(
                f"TOKEN_ALGORITHM {algorithm} needs TOKEN_SIGNING_KEY (a PEM private key) or, to verify only, "
                "TOKEN_VERIFYING_KEY (a PEM public key)"
            )
        private = load_pem_key("TOKEN_SIGNING_KEY", signing, algorithm, private=True) if signing else None
        public = load_pem_key("TOKEN_VERIFYING_KEY", verifying, algorithm, private=False) if verifying else None
        if private is not None and public is not None and _public_bytes(private.public_key()) != _public_bytes(public):
            raise ValueError(
                "TOKEN_VERIFYING_KEY is not the public half of TOKEN_SIGNING_KEY: every token issued would be "
                "refused (leave TOKEN_VERIFYING_KEY unset to use the signing key's own)"
            )
        return algorithm
