"""Finding, activating and describing plugins.

A plugin is any module (or object) with ``fastjango_*`` hook implementations.
Installed distributions advertise plugins in the entry-point group
``fastjango.plugins``; a project activates the ones it lists in
``INSTALLED_PLUGINS`` by entry-point name (``"orm"``) or by dotted module path
(``"mysite.plugins.audit"``). Core's built-in behaviour is made of default
plugins that are always active.

A plugin declares the plugins it needs in a module attribute
``fastjango_requires = ("orm",)``; activating it without them is an error
that says what to install.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from fastjango.core import hookspecs
from fastjango.core.exceptions import ImproperlyConfigured, PluginNotFound

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "FIRST_PARTY_EXTRAS",
    "TRACE_ENV",
    "PluginInfo",
    "activate_plugins",
    "available_plugins",
    "call_collecting",
    "create_plugin_manager",
    "hook_names",
]

ENTRY_POINT_GROUP = "fastjango.plugins"
#: Set to 1 to log every hook call and its result on the ``fastjango.plugins`` logger.
TRACE_ENV = "FASTJANGO_TRACE_PLUGINS"

#: Core's built-in behaviour, registered through the same hooks as any plugin.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "fastjango.core.default_plugins.settings",
    "fastjango.core.default_plugins.checks",
    "fastjango.core.default_plugins.commands",
)

#: First-party plugins and the extra of the ``fastjango`` distribution that installs each.
FIRST_PARTY_EXTRAS: Mapping[str, str] = {
    name: name for name in ("orm", "rest", "auth", "admin", "cache", "signals", "i18n", "files", "forms")
}

logger = logging.getLogger("fastjango.plugins")


@dataclass
class PluginInfo:
    """One plugin known to a project: where it comes from and what it implements."""

    name: str
    plugin: Any
    distribution: str | None = None
    version: str | None = None
    builtin: bool = False
    hooks: list[str] = field(default_factory=list)


def create_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with fastjango's hook specification and nothing registered."""
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    pm.hook.fastjango_addhooks.call_historic(kwargs={"pluginmanager": pm})
    if os.environ.get(TRACE_ENV, "").strip() not in ("", "0", "false", "False"):
        _enable_tracing(pm)
    return pm


def available_plugins() -> dict[str, metadata.EntryPoint]:
    """Plugins installed in this environment, by entry-point name (enabled or not)."""
    found: dict[str, metadata.EntryPoint] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry_point.name, entry_point)
    return found


def activate_plugins(pm: pluggy.PluginManager, installed_plugins: Sequence[str]) -> list[PluginInfo]:
    """Register core's default plugins, then the project's ``INSTALLED_PLUGINS``, in that order.

    Raises :class:`PluginNotFound` for a plugin that is neither an installed
    entry point nor an importable module, or whose requirements are missing.
    """
    infos: list[PluginInfo] = []
    for dotted in DEFAULT_PLUGINS:
        module = importlib.import_module(dotted)
        infos.append(_register(pm, dotted, module, builtin=True, distribution="fastjango-core"))

    entry_points = available_plugins()
    seen: set[str] = set()
    for name in installed_plugins:
        if name in seen:
            raise ImproperlyConfigured(f"INSTALLED_PLUGINS lists {name!r} twice; keep one.")
        seen.add(name)
        infos.append(_load(pm, name, entry_points))

    enabled = {info.name for info in infos}
    for info in infos:
        module_name = getattr(info.plugin, "__name__", "")
        enabled.add(module_name)
    for info in infos:
        for required in getattr(info.plugin, "fastjango_requires", ()):
            provider = entry_points.get(required)
            if required not in enabled and (provider is None or provider.module not in enabled):
                raise PluginNotFound(_missing_requirement(info.name, required, entry_points))

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise ImproperlyConfigured(
            f"Plugin {exc.plugin!r} implements a hook that does not exist: {exc}. "
            "Check the spelling against docs/hooks.md."
        ) from exc
    for info in infos:
        info.hooks = hook_names(pm, info.plugin)
    return infos


def hook_names(pm: pluggy.PluginManager, plugin: Any) -> list[str]:
    """The names of the hooks ``plugin`` implements, sorted."""
    return sorted(caller.name for caller in pm.get_hookcallers(plugin) or ())


def call_collecting(hook: pluggy.HookCaller, **kwargs: Any) -> list[Any]:
    """Call a hook and return the non-``None`` results in plugin registration order.

    pluggy calls the most recently registered plugin first; lists contributed
    by plugins (URLs, middleware, apps) should follow ``INSTALLED_PLUGINS``.
    """
    results: list[Any] = hook(**kwargs)
    return list(reversed(results))


def _load(pm: pluggy.PluginManager, name: str, entry_points: Mapping[str, metadata.EntryPoint]) -> PluginInfo:
    entry_point = entry_points.get(name)
    if entry_point is not None:
        try:
            plugin = entry_point.load()
        except ImportError as exc:
            raise PluginNotFound(
                f"Plugin {name!r} is installed but could not be imported ({exc}). Reinstall it: {_install_hint(name)}"
            ) from exc
        dist = entry_point.dist
        return _register(
            pm,
            name,
            plugin,
            distribution=dist.name if dist else None,
            version=dist.version if dist else None,
        )
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise PluginNotFound(_not_installed(name, entry_points)) from exc
        raise
    return _register(pm, name, module, distribution=_distribution_of(module), version=None)


def _register(
    pm: pluggy.PluginManager,
    name: str,
    plugin: Any,
    *,
    builtin: bool = False,
    distribution: str | None = None,
    version: str | None = None,
) -> PluginInfo:
    if pm.is_registered(plugin):
        raise ImproperlyConfigured(f"Plugin {name!r} is the same module as another enabled plugin; list it once.")
    pm.register(plugin, name=name)
    if version is None and distribution:
        try:
            version = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            version = None
    return PluginInfo(name=name, plugin=plugin, distribution=distribution, version=version, builtin=builtin)


def _distribution_of(module: Any) -> str | None:
    top = getattr(module, "__name__", "").split(".")[0]
    top_level = metadata.packages_distributions().get(top, [])
    if top == "fastjango":
        # The namespace is shared: name the distribution from the second component.
        parts = module.__name__.split(".")
        return f"fastjango-{parts[1]}" if len(parts) > 1 else None
    return top_level[0] if top_level else None


def _install_hint(name: str) -> str:
    if name in FIRST_PARTY_EXTRAS:
        return f'pip install "fastjango[{FIRST_PARTY_EXTRAS[name]}]"'
    return f"pip install the distribution that provides the {name!r} plugin"


def _not_installed(name: str, entry_points: Mapping[str, metadata.EntryPoint]) -> str:
    known = ", ".join(sorted(entry_points)) or "none"
    return (
        f"Plugin {name!r} listed in INSTALLED_PLUGINS is not installed: no distribution provides an "
        f"entry point {name!r} in the group {ENTRY_POINT_GROUP!r}, and no module of that name can be "
        f"imported. Install it with: {_install_hint(name)} (installed plugins: {known})."
    )


def _missing_requirement(plugin: str, required: str, entry_points: Mapping[str, metadata.EntryPoint]) -> str:
    if required in entry_points:
        return f"Plugin {plugin!r} requires the {required!r} plugin: add {required!r} to INSTALLED_PLUGINS."
    return (
        f"Plugin {plugin!r} requires the {required!r} plugin, which is not installed. Install it with: "
        f"{_install_hint(required)}, then add {required!r} to INSTALLED_PLUGINS."
    )


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time, so redirected output still gets the trace."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def _enable_tracing(pm: pluggy.PluginManager) -> None:
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("[fastjango.plugins] %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    def before(hook_name: str, hook_impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        plugins = ", ".join(impl.plugin_name for impl in hook_impls) or "no plugin"
        logger.debug("call %s(%s) -> %s", hook_name, ", ".join(sorted(kwargs)), plugins)

    def after(outcome: Any, hook_name: str, hook_impls: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
        exception = outcome.exception
        if exception is not None:
            logger.debug("  %s raised %r", hook_name, exception)
        else:
            logger.debug("  %s returned %r", hook_name, outcome.get_result())

    pm.add_hookcall_monitoring(before, after)
