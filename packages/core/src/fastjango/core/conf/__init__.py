"""Django-style settings: ``from fastjango.core.conf import settings``.

The project's settings module is named by ``FASTJANGO_SETTINGS_MODULE`` (or
``manage.py --settings``). ``settings`` is lazy: it loads the project on first
use. Inside a request it is the settings of the app that serves the request,
so two apps with different settings can share a process (as tests do).
"""

from __future__ import annotations

from typing import Any

from fastjango.core.conf._settings import Settings, SettingsSchema, SettingsWarning, build_settings, setting
from fastjango.core.conf._sources import ENV_PREFIX, SETTINGS_MODULE_ENV, RawSettings

__all__ = [
    "ENV_PREFIX",
    "SETTINGS_MODULE_ENV",
    "LazySettings",
    "RawSettings",
    "Settings",
    "SettingsSchema",
    "SettingsWarning",
    "build_settings",
    "setting",
    "settings",
]


class LazySettings:
    """Proxy to the active project's :class:`Settings`, created on first access."""

    def __getattr__(self, name: str) -> Any:
        from fastjango.core.project import get_project

        return getattr(get_project().settings, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            "Settings are read-only at run time; change them in the settings module, or in tests "
            "with the `settings` fixture or `override_settings`."
        )

    def __contains__(self, name: str) -> bool:
        from fastjango.core.project import get_project

        return name in get_project().settings

    @property
    def configured(self) -> bool:
        """Whether a project is active (configured, or loadable from the environment)."""
        from fastjango.core.project import has_project

        return has_project()

    def configure(self, **options: Any) -> None:
        """Configure settings in code, for scripts and tests, instead of a settings module.

        Must be called before anything reads a setting; a second call is an error.
        """
        from fastjango.core.project import Project, has_project, set_default_project

        if has_project(load=False):
            raise RuntimeError("Settings are already configured; configure() may be called only once.")
        set_default_project(Project(options))

    def __repr__(self) -> str:
        return "<LazySettings>"


settings = LazySettings()
