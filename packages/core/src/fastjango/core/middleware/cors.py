"""CORS from settings, on Starlette's pure-ASGI ``CORSMiddleware``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.types import ASGIApp

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["CORSMiddleware"]


class CORSMiddleware(StarletteCORSMiddleware):
    """Starlette's CORS middleware, configured from the ``CORS_*`` settings.

    With no allowed origins it is not installed at all, so it costs nothing.
    ``CORS_ALLOWED_ORIGINS = ["*"]`` with ``CORS_ALLOW_CREDENTIALS = True`` is
    refused at start-up: it would let any site act as the logged-in user.
    """

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> ASGIApp:
        if not settings.CORS_ALLOWED_ORIGINS and not settings.CORS_ALLOWED_ORIGIN_REGEX:
            return app
        return cls(
            app,
            allow_origins=settings.CORS_ALLOWED_ORIGINS,
            allow_origin_regex=settings.CORS_ALLOWED_ORIGIN_REGEX,
            allow_methods=settings.CORS_ALLOW_METHODS,
            allow_headers=settings.CORS_ALLOW_HEADERS,
            allow_credentials=settings.CORS_ALLOW_CREDENTIALS,
            expose_headers=settings.CORS_EXPOSE_HEADERS,
            max_age=settings.CORS_PREFLIGHT_MAX_AGE,
        )
