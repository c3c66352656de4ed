"""Settings of the CSRF middleware (combined into the auth plugin's settings schema)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, field_validator

from fastjango.core.conf import setting

__all__ = ["CsrfSettings"]


class CsrfSettings(BaseModel):
    """Where the CSRF secret lives, where tokens are read from, and which other origins may post."""

    model_config = ConfigDict(extra="forbid")

    CSRF_USE_SESSIONS: bool = setting(
        True, description="Keep the CSRF secret in the session (True) or in its own cookie, CSRF_COOKIE_NAME (False)."
    )
    CSRF_HEADER_NAME: str = setting("X-CSRFToken", description="Request header that carries the token.")
    CSRF_FORM_FIELD: str = setting("csrfmiddlewaretoken", description="Form field that carries the token.")
    CSRF_TRUSTED_ORIGINS: list[str] = setting(
        default_factory=list,
        description="Other origins allowed to send unsafe requests: 'https://app.example.com', 'https://*.example.com'.",
    )
    CSRF_COOKIE_NAME: str = setting("csrftoken", description="Cookie of the CSRF secret (cookie mode only).")
    CSRF_COOKIE_AGE: int | None = setting(
        60 * 60 * 24 * 365, description="Max-Age of the CSRF cookie in seconds; None: until the browser closes."
    )
    CSRF_COOKIE_DOMAIN: str | None = setting(None, description="Domain attribute of the CSRF cookie.")
    CSRF_COOKIE_PATH: str = setting("/", description="Path attribute of the CSRF cookie.")
    CSRF_COOKIE_SECURE: bool = setting(False, description="Send the CSRF cookie over HTTPS only.")
    CSRF_COOKIE_HTTPONLY: bool = setting(
        False, description="Hide the CSRF cookie from JavaScript (then read the token with get_token instead)."
    )
    CSRF_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] | None = setting(
        "Lax", description="SameSite attribute of the CSRF cookie."
    )

    @field_validator("CSRF_TRUSTED_ORIGINS")
    @classmethod
    def _origins_have_scheme(cls, value: list[str]) -> list[str]:
        for origin in value:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(
                    f"{origin!r} is not an origin: write the scheme and host, e.g. 'https://example.com' "
                    "or 'https://*.example.com'"
                )
            if parts.path not in ("", "/") or parts.query or parts.fragment:
                raise ValueError(f"{origin!r} has a path; an origin is only scheme://host[:port]")
            if ("*" in parts.netloc and not parts.netloc.startswith("*.")) or parts.netloc.count("*") > 1:
                raise ValueError(f"{origin!r}: a wildcard may only be a leading '*.' of the host")
        return value

    @field_validator("CSRF_HEADER_NAME", "CSRF_FORM_FIELD", "CSRF_COOKIE_NAME")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value
