"""Apps: Django's ``INSTALLED_APPS`` and ``AppConfig``.

``from fastjango.core.apps import apps`` is the active project's registry.
"""

from __future__ import annotations

from typing import Any

from fastjango.core.apps._config import AppConfig
from fastjango.core.apps._registry import Apps

__all__ = ["AppConfig", "Apps", "apps"]


class _ActiveApps:
    """Proxy to the apps registry of the active project."""

    def __getattr__(self, name: str) -> Any:
        from fastjango.core.project import get_project

        return getattr(get_project().apps, name)

    def __repr__(self) -> str:
        return "<apps of the active project>"


apps: Apps = _ActiveApps()  # type: ignore[assignment]
