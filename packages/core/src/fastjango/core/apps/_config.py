"""``AppConfig``: what Django users know as an app's ``apps.py``."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.apps._registry import Apps
    from fastjango.core.checks import CheckMessage

__all__ = ["AppConfig"]

MODELS_MODULE_NAME = "models"


class AppConfig:
    """Describes one installed app: its name, label, where it lives and its set-up.

    Subclass it in your app's ``apps.py`` and override :meth:`ready` to connect
    signals or register checks, as in Django. ``name`` is the app's dotted
    module path; ``label`` (its last component by default) must be unique in
    the project and is what ``"blog.Post"`` model references use.
    """

    name: str
    label: str
    verbose_name: str
    #: Mark the config fastjango picks when ``apps.py`` defines several.
    default: ClassVar[bool] = False

    def __init__(self, app_name: str, app_module: ModuleType | None) -> None:
        self.name = app_name
        self.module = app_module
        self.apps: Apps | None = None
        self.models_module: ModuleType | None = None
        if not hasattr(self, "label"):
            self.label = app_name.rpartition(".")[2]
        if not self.label.isidentifier():
            raise ImproperlyConfigured(
                f"The app label {self.label!r} of {app_name!r} is not a valid Python identifier; "
                f"set `label` on its AppConfig."
            )
        if not hasattr(self, "verbose_name"):
            self.verbose_name = self.label.replace("_", " ").title()
        if not hasattr(self, "path"):
            self.path = self._path_from_module(app_module)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.label}>"

    def ready(self) -> None:
        """Run once every app and its models are loaded: connect signals, register checks."""

    def register_check(
        self,
        check: Callable[[Any], Iterable[CheckMessage]],
        *tags: str,
        deploy: bool = False,
    ) -> None:
        """Register a system check for this project (call it from :meth:`ready`)."""
        if self.apps is None or self.apps.project is None:
            raise ImproperlyConfigured(f"{self!r} is not part of a project; call register_check() from ready().")
        self.apps.project.checks.register(check, *tags, deploy=deploy)

    def import_models(self) -> None:
        """Import the app's ``models`` module, if it has one, so models register themselves."""
        if self.module is None:
            return
        module_name = f"{self.name}.{MODELS_MODULE_NAME}"
        if importlib.util.find_spec(module_name) is not None:
            self.models_module = importlib.import_module(module_name)

    @staticmethod
    def _path_from_module(module: ModuleType | None) -> str | None:
        if module is None:
            return None
        paths = list(getattr(module, "__path__", []))
        if len(paths) > 1:
            paths = sorted(set(paths))
        if len(paths) == 1:
            return str(paths[0])
        filename = getattr(module, "__file__", None)
        return os.path.dirname(filename) if filename else None

    @classmethod
    def create(cls, entry: str) -> AppConfig:
        """Build the config for one ``INSTALLED_APPS`` entry: a module path or an AppConfig path."""
        module: ModuleType | None
        try:
            module = importlib.import_module(entry)
        except ModuleNotFoundError as exc:
            if not exc.name or not entry.startswith(exc.name):
                raise
            module = None
            missing = exc.name
        if module is not None:
            return cls._config_for_module(entry, module)

        module_path, _, class_name = entry.rpartition(".")
        if module_path:
            try:
                config_module = importlib.import_module(module_path)
            except ModuleNotFoundError:
                config_module = None
            candidate = getattr(config_module, class_name, None) if config_module else None
            if inspect.isclass(candidate) and issubclass(candidate, AppConfig):
                app_name = getattr(candidate, "name", None)
                if not app_name:
                    raise ImproperlyConfigured(f"{entry} must set the `name` attribute (the app's module path).")
                app_package = module_path.removesuffix(".apps")
                _check_importable(entry, candidate, app_name, suggestion=app_package)
                return candidate(app_name, importlib.import_module(app_name))
            if config_module is not None:
                raise ImproperlyConfigured(
                    f"INSTALLED_APPS entry {entry!r}: {module_path!r} has no AppConfig named {class_name!r}."
                )
        raise ImproperlyConfigured(
            f"INSTALLED_APPS entry {entry!r} cannot be imported: no module named {missing!r}. "
            "Check the spelling, and that the project folder is on the Python path."
        )

    @classmethod
    def _config_for_module(cls, entry: str, module: ModuleType) -> AppConfig:
        apps_module_name = f"{entry}.apps"
        if importlib.util.find_spec(apps_module_name) is None:
            return cls(entry, module)
        apps_module = importlib.import_module(apps_module_name)
        configs = [
            candidate
            for _, candidate in inspect.getmembers(apps_module, inspect.isclass)
            if issubclass(candidate, cls) and candidate is not cls and candidate.__module__ == apps_module_name
        ]
        defaults = [config for config in configs if config.__dict__.get("default", False)]
        if len(defaults) > 1:
            names = ", ".join(config.__name__ for config in defaults)
            raise ImproperlyConfigured(f"{apps_module_name} marks several AppConfigs as default ({names}); keep one.")
        chosen = defaults[0] if defaults else (configs[0] if len(configs) == 1 else None)
        if chosen is None:
            return cls(entry, module)
        app_name = getattr(chosen, "name", entry) or entry
        if app_name != entry:
            _check_importable(entry, chosen, app_name, suggestion=entry)
        return chosen(app_name, module)


def _check_importable(entry: str, config: type[AppConfig], app_name: str, *, suggestion: str) -> None:
    """An AppConfig whose ``name`` is not importable would fail later, less clearly."""
    try:
        found = importlib.util.find_spec(app_name)
    except ModuleNotFoundError:
        found = None
    if found is None:
        raise ImproperlyConfigured(
            f"INSTALLED_APPS entry {entry!r}: {config.__name__}.name = {app_name!r} cannot be imported; "
            f"set name = {suggestion!r}."
        )
