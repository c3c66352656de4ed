"""Collecting commands: plugins' ``fastjango_commands`` and apps' ``management/commands`` modules.

An app command is a module ``<app>/management/commands/<name>.py`` that
defines ``command``, a ``click.Command``; its name is the module's name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

import click
import pluggy

from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = ["collect_commands", "commands_from_plugins"]


def commands_from_plugins(pm: pluggy.PluginManager) -> dict[str, click.Command]:
    commands: dict[str, click.Command] = {}
    owners: dict[str, str] = {}
    for impl in pm.hook.fastjango_commands.get_hookimpls():
        contributed = cast("Iterable[click.Command]", impl.function() or ())
        for command in contributed:
            name = command.name or ""
            if name in commands:
                raise ImproperlyConfigured(
                    f"Plugins {owners[name]!r} and {impl.plugin_name!r} both add a command named {name!r}."
                )
            commands[name] = command
            owners[name] = impl.plugin_name
    return commands


def collect_commands(project: Project) -> dict[str, click.Command]:
    commands = commands_from_plugins(project.pm)
    for config in project.apps.get_app_configs():
        package = f"{config.name}.management.commands"
        try:
            module = importlib.import_module(package)
        except ModuleNotFoundError as exc:
            if exc.name and package.startswith(exc.name):
                continue
            raise
        for info in pkgutil.iter_modules(module.__path__):
            if info.name.startswith("_"):
                continue
            command_module = importlib.import_module(f"{package}.{info.name}")
            command = getattr(command_module, "command", None)
            if not isinstance(command, click.Command):
                raise ImproperlyConfigured(
                    f"{package}.{info.name} must define `command`, a click.Command (see docs/commands.md)."
                )
            command.name = info.name
            commands[info.name] = command
    return commands
