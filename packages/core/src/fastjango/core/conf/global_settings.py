"""Core's settings and their defaults (Django's ``global_settings``, typed)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from fastjango.core.conf._settings import setting

__all__ = ["DEFAULT_MIDDLEWARE", "CoreSettings"]

#: Core's default middleware, outermost first. Projects reorder or drop entries in ``MIDDLEWARE``.
#: Built in but off by default: ``RequestIDMiddleware`` (most deployments get request IDs from
#: the proxy; add it outermost to mint and log them here) and ``GZipMiddleware`` (as in Django:
#: compressing secrets next to attacker-chosen text can leak them (BREACH), and the proxy in
#: front usually compresses better).
DEFAULT_MIDDLEWARE: list[str] = [
    "fastjango.core.middleware.TrustedHostMiddleware",
    "fastjango.core.middleware.BodySizeLimitMiddleware",
    "fastjango.core.middleware.SecurityMiddleware",
    "fastjango.core.middleware.CORSMiddleware",
]


class CoreSettings(BaseModel):
    """Settings read by fastjango-core. Each field is one setting; see docs/settings.md."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    # Project
    DEBUG: bool = setting(False, env=("DEBUG",), description="Show tracebacks and the debug error page.")
    SECRET_KEY: str = setting(
        "", env=("SECRET_KEY",), description="Key for signing cookies and tokens; keep it secret."
    )
    INSTALLED_APPS: list[str] = setting(default_factory=list, description="Apps of this project, Django-style.")
    INSTALLED_PLUGINS: list[str] = setting(
        default_factory=list, description="Plugins to activate: entry-point names or dotted module paths."
    )
    ROOT_URLCONF: str | None = setting(None, description="Dotted path of the module that holds `urlpatterns`.")
    ASGI_APPLICATION: str | None = setting(
        None, description="`module:attribute` of the ASGI app that runserver and serve start."
    )
    ALLOWED_HOSTS: list[str] = setting(
        default_factory=list,
        env=("ALLOWED_HOSTS",),
        description="Host names this site serves; '.example.com' matches subdomains too.",
    )
    MIDDLEWARE: list[str] = setting(
        default_factory=lambda: list(DEFAULT_MIDDLEWARE), description="Middleware, outermost first."
    )

    GC_FREEZE_AFTER_STARTUP: bool = setting(
        True,
        description=(
            "After the app's start-up, freeze the objects alive then (gc.freeze()), so the garbage "
            "collector's full collections stop walking them; once per process."
        ),
    )

    MAX_REQUEST_BODY_SIZE: int | None = setting(
        10 * 1024 * 1024,
        description="Largest request body in bytes (BodySizeLimitMiddleware answers 413); None means no limit.",
    )

    # OpenAPI and docs
    API_TITLE: str = "fastjango"
    API_VERSION: str = "0.1.0"
    API_DESCRIPTION: str = ""
    API_DOCS_URL: str | None = "/docs"
    API_REDOC_URL: str | None = "/redoc"
    API_OPENAPI_URL: str | None = "/openapi.json"

    # Security headers (SecurityMiddleware)
    SECURE_HSTS_SECONDS: int = setting(0, description="Max-age of Strict-Transport-Security; 0 sends none.")
    SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = False
    SECURE_HSTS_PRELOAD: bool = False
    SECURE_CONTENT_TYPE_NOSNIFF: bool = True
    SECURE_REFERRER_POLICY: str | None = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY: str | None = "same-origin"
    X_FRAME_OPTIONS: Literal["DENY", "SAMEORIGIN"] | None = "DENY"
    SECURE_SSL_REDIRECT: bool = False
    SECURE_SSL_HOST: str | None = None
    SECURE_REDIRECT_EXEMPT: list[str] = setting(
        default_factory=list, description="Regular expressions of paths never redirected to HTTPS."
    )
    SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = setting(
        None, description="(header, value) that a trusted proxy sets on HTTPS requests."
    )

    # CORS (CORSMiddleware); empty origins means the middleware is not installed.
    CORS_ALLOWED_ORIGINS: list[str] = setting(default_factory=list)
    CORS_ALLOWED_ORIGIN_REGEX: str | None = None
    CORS_ALLOW_CREDENTIALS: bool = False
    CORS_ALLOW_METHODS: list[str] = setting(
        default_factory=lambda: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]
    )
    CORS_ALLOW_HEADERS: list[str] = setting(
        default_factory=lambda: ["accept", "authorization", "content-type", "x-csrftoken", "x-requested-with"]
    )
    CORS_EXPOSE_HEADERS: list[str] = setting(default_factory=list)
    CORS_PREFLIGHT_MAX_AGE: int = 86400

    # GZip (GZipMiddleware)
    GZIP_MINIMUM_SIZE: int = setting(500, description="Responses smaller than this many bytes stay uncompressed.")
    GZIP_COMPRESS_LEVEL: int = 6

    # Request IDs (RequestIDMiddleware)
    REQUEST_ID_HEADER: str = "X-Request-ID"

    @field_validator("GZIP_COMPRESS_LEVEL")
    @classmethod
    def _level_in_range(cls, value: int) -> int:
        if not 1 <= value <= 9:
            raise ValueError("must be between 1 (fastest) and 9 (smallest)")
        return value

    @field_validator("SECURE_HSTS_SECONDS", "CORS_PREFLIGHT_MAX_AGE", "GZIP_MINIMUM_SIZE", "MAX_REQUEST_BODY_SIZE")
    @classmethod
    def _not_negative(cls, value: int | None) -> int | None:
        if value is not None and value < 0:
            raise ValueError("must be zero or more")
        return value
