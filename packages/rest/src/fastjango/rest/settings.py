"""The ``REST_FRAMEWORK`` setting: DRF's keys, validated when the project starts.

.. code-block:: python

    REST_FRAMEWORK = {
        "DEFAULT_PERMISSION_CLASSES": ["fastjango.rest.permissions.IsAuthenticated"],
        "DEFAULT_PAGINATION_CLASS": "fastjango.rest.pagination.PageNumberPagination",
        "PAGE_SIZE": 20,
    }

A misspelled key is an error at start-up that names it. Class settings are
dotted paths (or the classes themselves); :func:`api_settings` returns them
imported, cached until the setting changes.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fastjango.core import project as project_module
from fastjango.core.conf import setting
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.project import _current_project

__all__ = ["ApiSettings", "RestFrameworkSettings", "RestSettings", "api_settings", "import_from_string", "parse_rate"]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*$", re.IGNORECASE)
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"100/min"`` to ``(100, 60)``; ``"5/10s"`` to ``(5, 10)``. A bad rate names itself."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"rate {rate!r} is not like '100/min' (units: s, m, h, d; e.g. '5/10s')")
    count, multiplier, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)[0].lower()
    if multiplier < 1:
        raise ValueError(f"rate {rate!r} has a zero period")
    return count, multiplier * _PERIODS[unit]


class RestFrameworkSettings(BaseModel):
    """The keys of ``REST_FRAMEWORK`` (DRF's names) and their defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    DEFAULT_AUTHENTICATION_CLASSES: list[Any] = ["fastjango.rest.authentication.ScopeAuthentication"]
    DEFAULT_PERMISSION_CLASSES: list[Any] = ["fastjango.rest.permissions.AllowAny"]
    DEFAULT_THROTTLE_CLASSES: list[Any] = []
    DEFAULT_THROTTLE_RATES: dict[str, str | None] = {}
    THROTTLE_STORE: str = Field(
        "memory", description="'memory' (one process) or a redis:// URL (shared by every worker)."
    )
    NUM_PROXIES: int | None = Field(
        None, ge=0, description="Proxies in front of the app; the client address is read from X-Forwarded-For."
    )
    DEFAULT_PAGINATION_CLASS: Any = None
    PAGE_SIZE: int | None = Field(None, ge=1)
    MAX_PAGE_SIZE: int = Field(1000, ge=1, description="No page is larger, whatever the client asks for.")
    DEFAULT_FILTER_BACKENDS: list[Any] = []
    SEARCH_PARAM: str = "search"
    ORDERING_PARAM: str = "ordering"
    DEFAULT_VERSIONING_CLASS: Any = None
    DEFAULT_VERSION: str | None = None
    ALLOWED_VERSIONS: list[str] | None = None
    VERSION_PARAM: str = "version"
    EXCEPTION_HANDLER: Any = "fastjango.rest.views.exception_handler"
    UNAUTHENTICATED_USER: Any = "fastjango.rest.authentication.AnonymousUser"
    NON_FIELD_ERRORS_KEY: str = "non_field_errors"

    @field_validator("DEFAULT_THROTTLE_RATES")
    @classmethod
    def _rates_parse(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for scope, rate in value.items():
            if rate is not None:
                try:
                    parse_rate(rate)
                except ValueError as error:
                    raise ValueError(f"DEFAULT_THROTTLE_RATES[{scope!r}]: {error}") from None
        return value

    @field_validator("THROTTLE_STORE")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if value != "memory" and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"THROTTLE_STORE {value!r} must be 'memory' or a redis:// URL")
        return value


class RestSettings(BaseModel):
    """Settings read by fastjango-rest."""

    model_config = ConfigDict(extra="forbid")

    REST_FRAMEWORK: RestFrameworkSettings = setting(
        default_factory=RestFrameworkSettings,
        description="DRF-style API settings: default permission, pagination, filter and throttle classes.",
    )


_CLASS_KEYS = {
    "DEFAULT_AUTHENTICATION_CLASSES",
    "DEFAULT_PERMISSION_CLASSES",
    "DEFAULT_THROTTLE_CLASSES",
    "DEFAULT_PAGINATION_CLASS",
    "DEFAULT_FILTER_BACKENDS",
    "DEFAULT_VERSIONING_CLASS",
    "EXCEPTION_HANDLER",
    "UNAUTHENTICATED_USER",
}


def import_from_string(value: Any, setting_name: str) -> Any:
    """Import ``"package.module.Name"``; anything else is returned as it is."""
    if not isinstance(value, str):
        return value
    module_name, _, attribute = value.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as error:
        raise ImproperlyConfigured(f"REST_FRAMEWORK[{setting_name!r}]: cannot import {value!r} ({error}).") from None


class ApiSettings:
    """``REST_FRAMEWORK`` with its class paths imported; read as attributes.

    A value is imported on first use and then kept as an instance attribute,
    so later reads are plain attribute reads (views read these per request).
    """

    def __init__(self, values: RestFrameworkSettings) -> None:
        self.values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self.values, name)
        if name in _CLASS_KEYS:
            value = (
                [import_from_string(item, name) for item in value]
                if isinstance(value, list)
                else import_from_string(value, name)
            )
        setattr(self, name, value)
        return value


_cache: tuple[object, ApiSettings] | None = None


def api_settings() -> ApiSettings:
    """The active project's ``REST_FRAMEWORK``, imported once per value of the setting.

    Without an active project (a serializer used in a script), the defaults;
    reading them never loads a project as a side effect.
    """
    global _cache
    project = _current_project.get() or project_module._default_project
    raw: Any = project.settings.get("REST_FRAMEWORK") if project is not None else None
    cached = _cache
    if cached is not None and cached[0] is raw:
        return cached[1]
    if raw is None:
        values = RestFrameworkSettings.model_validate({})
    elif isinstance(raw, RestFrameworkSettings):
        values = raw
    else:
        try:
            values = RestFrameworkSettings.model_validate(raw)
        except ValidationError as error:
            raise ImproperlyConfigured(f"REST_FRAMEWORK is invalid: {error}") from None
    resolved = ApiSettings(values)
    _cache = (raw, resolved)
    return resolved
