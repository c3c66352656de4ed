"""GZip compression from settings, on Starlette's pure-ASGI ``GZipMiddleware``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware.gzip import GZipMiddleware as StarletteGZipMiddleware
from starlette.types import ASGIApp

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["GZipMiddleware"]


class GZipMiddleware(StarletteGZipMiddleware):
    """Compress responses of at least ``GZIP_MINIMUM_SIZE`` bytes for clients that accept gzip."""

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> GZipMiddleware:
        return cls(app, minimum_size=settings.GZIP_MINIMUM_SIZE, compresslevel=settings.GZIP_COMPRESS_LEVEL)
