"""The apps registry of one project: which apps are installed and what models they hold."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fastjango.core.apps._config import AppConfig
from fastjango.core.exceptions import AppRegistryNotReady, ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = ["Apps"]


class Apps:
    """Installed apps of a project, loaded in Django's three phases.

    1. import each app's config (``apps.py``), 2. import each app's
    ``models`` module, 3. call every ``AppConfig.ready()``. A project owns
    one registry; ``fastjango.core.apps.apps`` is the active project's.
    """

    def __init__(self, project: Project | None = None) -> None:
        self.project = project
        self.app_configs: dict[str, AppConfig] = {}
        self.all_models: dict[str, dict[str, Any]] = {}
        self.apps_ready = False
        self.models_ready = False
        self.ready = False

    def populate(self, installed_apps: Iterable[str]) -> None:
        """Load the apps; safe to call once per registry."""
        if self.ready:
            return
        for entry in installed_apps:
            config = AppConfig.create(entry)
            if config.label in self.app_configs:
                other = self.app_configs[config.label].name
                raise ImproperlyConfigured(
                    f"App labels aren't unique: {other!r} and {config.name!r} are both labelled "
                    f"{config.label!r}. Set a different `label` on one AppConfig."
                )
            config.apps = self
            self.app_configs[config.label] = config
        self.apps_ready = True

        for config in self.app_configs.values():
            config.import_models()
        self.models_ready = True

        for config in self.app_configs.values():
            config.ready()
        self.ready = True

    def check_apps_ready(self) -> None:
        if not self.apps_ready:
            raise AppRegistryNotReady("Apps aren't loaded yet; the project has not finished starting.")

    def get_app_configs(self) -> list[AppConfig]:
        self.check_apps_ready()
        return list(self.app_configs.values())

    def get_app_config(self, label: str) -> AppConfig:
        self.check_apps_ready()
        try:
            return self.app_configs[label]
        except KeyError:
            close = difflib.get_close_matches(label, list(self.app_configs), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise LookupError(f"No installed app with label {label!r}.{hint}") from None

    def is_installed(self, app_name: str) -> bool:
        """Whether an app with this dotted name is in ``INSTALLED_APPS``."""
        self.check_apps_ready()
        return any(config.name == app_name for config in self.app_configs.values())

    def register_model(self, app_label: str, model: Any) -> None:
        """Record a model under its app (the ORM calls this); names are case-insensitive."""
        models = self.all_models.setdefault(app_label, {})
        name = model.__name__.lower()
        if name in models and models[name] is not model:
            raise RuntimeError(f"Conflicting {name!r} models in application {app_label!r}.")
        models[name] = model

    def get_model(self, app_label: str, model_name: str | None = None) -> Any:
        """Return a model by ``("blog", "Post")`` or ``"blog.Post"``."""
        if model_name is None:
            app_label, _, model_name = app_label.partition(".")
        config = self.get_app_config(app_label)
        models = self.all_models.get(config.label, {})
        try:
            return models[model_name.lower()]
        except KeyError:
            raise LookupError(f"App {app_label!r} doesn't have a {model_name!r} model.") from None

    def get_models(self) -> list[Any]:
        return [model for label in self.app_configs for model in self.all_models.get(label, {}).values()]
