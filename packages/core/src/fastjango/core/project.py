"""The project: one set of settings, plugins, apps, checks and URL routes.

A :class:`Project` owns its plugin manager, so two projects with different
plugins can live in one process (tests do this all the time). The *active*
project is the one ``fastjango.core.conf.settings`` and ``reverse()`` read:
inside a request, the project of the app serving it; elsewhere the default
project, loaded from ``FASTJANGO_SETTINGS_MODULE`` on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy
from pydantic import BaseModel

from fastjango.core.apps import Apps
from fastjango.core.checks import CheckMessage, CheckRegistry
from fastjango.core.conf import ENV_PREFIX, SETTINGS_MODULE_ENV, RawSettings, Settings, SettingsSchema, build_settings
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.plugins import PluginInfo, activate_plugins, call_collecting, create_plugin_manager
from fastjango.core.urls import URLResolver
from fastjango.core.urls._patterns import URLEntry, load_urlconf

if TYPE_CHECKING:
    import click

    from fastjango.core.application import FastjangoApp

__all__ = ["Project", "get_project", "has_project", "reset_default_project", "set_default_project"]

_current_project: ContextVar[Project | None] = ContextVar("fastjango_current_project", default=None)
_default_project: Project | None = None


class Project:
    """Settings, plugins, apps, checks and routes of one fastjango project.

    ``settings`` is a settings module path, a module, a mapping of settings
    (what ``settings.configure(**options)`` passes) or :class:`RawSettings`.
    ``environ`` is where environment overrides come from (``os.environ`` by
    default; tests pass their own).
    """

    def __init__(
        self,
        settings: str | ModuleType | Mapping[str, Any] | RawSettings,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        raw = _raw_settings(settings)
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.pm: pluggy.PluginManager = create_plugin_manager()
        self.plugins: list[PluginInfo] = activate_plugins(self.pm, _installed_plugins(raw, self.environ))

        schemas = [
            SettingsSchema(impl.plugin_name, _schema_of(impl.plugin_name, impl.function()))
            for impl in self.pm.hook.fastjango_settings_schema.get_hookimpls()
        ]
        self.settings: Settings = build_settings(raw, schemas, self.environ)
        problems = [
            message
            for found in call_collecting(self.pm.hook.fastjango_validate_settings, settings=self.settings)
            for message in found
        ]
        if problems:
            raise ImproperlyConfigured("Invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))

        self.apps = Apps(self)
        self.checks = CheckRegistry()
        self._urls: URLResolver | None = None
        self.built_app: FastjangoApp | None = None
        with self.activated():
            self.apps.populate(self._installed_apps())
            self.pm.hook.fastjango_register_checks(registry=self.checks, settings=self.settings)
            self.pm.hook.fastjango_configure.call_historic(kwargs={"project": self})

    def __repr__(self) -> str:
        return f"<Project {self.settings.SETTINGS_MODULE or 'configure()'}>"

    @contextmanager
    def activated(self) -> Iterator[Project]:
        """Make this project the active one (for ``settings``, ``apps``, ``reverse``) inside the block."""
        token = _current_project.set(self)
        try:
            yield self
        finally:
            _current_project.reset(token)

    def _installed_apps(self) -> list[str]:
        apps = list(self.settings.INSTALLED_APPS)
        for contributed in call_collecting(self.pm.hook.fastjango_installed_apps):
            for name in contributed:
                if name not in apps:
                    apps.append(name)
        return apps

    # -- routes -----------------------------------------------------------
    @property
    def urls(self) -> URLResolver:
        """The project's routes: ``ROOT_URLCONF`` first, then plugins' patterns."""
        if self._urls is None:
            entries: list[URLEntry] = []
            if self.settings.ROOT_URLCONF:
                module = load_urlconf(self.settings.ROOT_URLCONF)
                patterns = getattr(module, "urlpatterns", None)
                if not isinstance(patterns, (list, tuple)):
                    raise ImproperlyConfigured(
                        f"ROOT_URLCONF {self.settings.ROOT_URLCONF!r} must define a `urlpatterns` list."
                    )
                entries.extend(patterns)
            for contributed in call_collecting(self.pm.hook.fastjango_urlpatterns, settings=self.settings):
                entries.extend(contributed)
            self._urls = URLResolver(entries)
        return self._urls

    # -- the ASGI app ------------------------------------------------------
    @property
    def app(self) -> FastjangoApp:
        """The project's FastAPI app, built once."""
        if self.built_app is None:
            from fastjango.core.application import build_app

            with self.activated():
                self.built_app = build_app(self)
        return self.built_app

    def build_app(self) -> FastjangoApp:
        """Build a new FastAPI app from the current settings (tests use this after overrides)."""
        from fastjango.core.application import build_app

        self._urls = None
        with self.activated():
            self.built_app = build_app(self)
        return self.built_app

    # -- checks and commands ----------------------------------------------
    def run_checks(self, *, tags: tuple[str, ...] = (), deploy: bool = False) -> list[CheckMessage]:
        with self.activated():
            return self.checks.run(self, tags=tags, deploy=deploy)

    def commands(self) -> dict[str, click.Command]:
        """Commands from plugins and from apps' ``management/commands`` modules, by name."""
        from fastjango.core.management._discovery import collect_commands

        return collect_commands(self)


def _raw_settings(settings: str | ModuleType | Mapping[str, Any] | RawSettings) -> RawSettings:
    if isinstance(settings, RawSettings):
        return settings
    if isinstance(settings, str):
        return RawSettings.from_module(settings)
    if isinstance(settings, ModuleType):
        return RawSettings.from_namespace(
            vars(settings), origin=f"settings module {settings.__name__}", module_name=settings.__name__
        )
    lowercase = sorted(name for name in settings if not name.isupper())
    if lowercase:
        raise ImproperlyConfigured(f"Setting names are UPPER_CASE; got {', '.join(lowercase)}.")
    return RawSettings.from_namespace(settings, origin="configure()")


def _schema_of(plugin_name: str, model: object) -> type[BaseModel]:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ImproperlyConfigured(
            f"Plugin {plugin_name!r}: fastjango_settings_schema must return a Pydantic model class, not {model!r}."
        )
    return model


def _installed_plugins(raw: RawSettings, environ: Mapping[str, str]) -> list[str]:
    # Plugins decide which settings exist, so their own setting is read before the others.
    override = environ.get(ENV_PREFIX + "INSTALLED_PLUGINS")
    if override is not None:
        raw.values["INSTALLED_PLUGINS"] = [part.strip() for part in override.split(",") if part.strip()]
        raw.sources["INSTALLED_PLUGINS"] = f"environment variable {ENV_PREFIX}INSTALLED_PLUGINS"
    value = raw.values.get("INSTALLED_PLUGINS", [])
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ImproperlyConfigured(
            f"INSTALLED_PLUGINS = {value!r} (from {raw.sources.get('INSTALLED_PLUGINS', raw.origin)}) must be a "
            'list of plugin names, e.g. ["orm", "rest"].'
        )
    return list(value)


def get_project() -> Project:
    """The active project; loads the default one from ``FASTJANGO_SETTINGS_MODULE`` if needed."""
    current = _current_project.get()
    if current is not None:
        return current
    global _default_project
    if _default_project is None:
        module = os.environ.get(SETTINGS_MODULE_ENV)
        if not module:
            raise ImproperlyConfigured(
                f"Settings are not configured. Set the environment variable {SETTINGS_MODULE_ENV} to your "
                "settings module (manage.py does this), pass --settings, or call settings.configure() first."
            )
        _default_project = Project(module)
    return _default_project


def has_project(*, load: bool = True) -> bool:
    """Whether a project is active, or (with ``load``) could be loaded from the environment."""
    if _current_project.get() is not None or _default_project is not None:
        return True
    return load and bool(os.environ.get(SETTINGS_MODULE_ENV))


def set_default_project(project: Project | None) -> None:
    """Make ``project`` the process-wide default (what ``settings.configure()`` does)."""
    global _default_project
    _default_project = project


def reset_default_project() -> None:
    """Forget the default project, so the next use loads settings again (for tests)."""
    set_default_project(None)
