"""Core's settings schema and the checks that span several of its settings."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from fastjango.core.conf import Settings
from fastjango.core.conf.global_settings import CoreSettings
from fastjango.core.hookspecs import hookimpl


@hookimpl
def fastjango_settings_schema() -> type[BaseModel]:
    return CoreSettings


@hookimpl
def fastjango_validate_settings(settings: Settings) -> Iterable[str]:
    problems = []
    if "*" in settings.CORS_ALLOWED_ORIGINS and settings.CORS_ALLOW_CREDENTIALS:
        problems.append(
            'CORS_ALLOWED_ORIGINS = ["*"] together with CORS_ALLOW_CREDENTIALS = True would let any web site '
            "make authenticated requests as your users; list the allowed origins explicitly."
        )
    for origin in settings.CORS_ALLOWED_ORIGINS:
        if origin != "*" and (not origin.startswith(("http://", "https://")) or origin.rstrip("/") != origin):
            problems.append(
                f"CORS_ALLOWED_ORIGINS entry {origin!r} must be a scheme and host such as "
                "'https://example.com' (no path, no trailing slash)."
            )
    return problems
