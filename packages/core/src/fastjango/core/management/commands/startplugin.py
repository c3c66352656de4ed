"""``startplugin``: a new plugin distribution, ``fastjango-NAME``, with one hook of each kind and its tests."""

from __future__ import annotations

import click

from fastjango.core.__about__ import __version__
from fastjango.core.management.commands._scaffold import (
    Plan,
    check_name,
    compatible_core_range,
    destination,
    display_path,
    render,
    report,
    write_plan,
)
from fastjango.core.plugins import ENTRY_POINT_GROUP, FIRST_PARTY_EXTRAS, available_plugins

__all__ = ["plugin_plan", "startplugin"]

#: Third-party plugins live in their own top-level package; ``fastjango.`` is the project's own namespace.
PACKAGE_PREFIX = "fastjango_"
DISTRIBUTION_PREFIX = "fastjango-"


def plugin_plan(name: str) -> Plan:
    """The files of the distribution for plugin ``name`` (``audit_log`` makes ``fastjango-audit-log``)."""
    words = [word for word in name.split("_") if word]
    context = {
        "plugin_name": name,
        "plugin_package": PACKAGE_PREFIX + name,
        "plugin_dashed": "-".join(words),
        "plugin_upper": name.upper(),
        "plugin_class": "".join(word.capitalize() for word in words),
        "plugin_header": "-".join(word.capitalize() for word in words),
        "plugin_title": " ".join(words),
        "core_requirement": f"fastjango-core{compatible_core_range()}",
        "fastjango_version": __version__,
        "entry_point_group": ENTRY_POINT_GROUP,
    }
    return render("plugin_template", context, renames={"plugin_package": PACKAGE_PREFIX + name})


def _check_plugin_name(name: str) -> None:
    short = name[len(PACKAGE_PREFIX) :]
    if name.lower().startswith(("fastjango_", "fastjango-")) and short:
        raise click.BadParameter(
            f"give the plugin's short name, {short!r}: the distribution becomes fastjango-{short.replace('_', '-')} "
            f"and the package {PACKAGE_PREFIX}{short}.",
            param_hint="'NAME'",
        )
    check_name(name, "plugin", module=PACKAGE_PREFIX + name)
    if name != name.lower() or name.startswith("_") or name.endswith("_"):
        raise click.BadParameter(
            f"{name!r}: plugin names are lower case words joined by underscores, e.g. 'audit' or 'audit_log'.",
            param_hint="'NAME'",
        )
    if name in FIRST_PARTY_EXTRAS:
        raise click.BadParameter(
            f"{name!r} is the name of fastjango's own {name} plugin; choose another name.", param_hint="'NAME'"
        )
    installed = available_plugins().get(name)
    if installed is not None:
        owner = installed.dist.name if installed.dist else installed.value
        raise click.BadParameter(
            f"a plugin named {name!r} is already installed (from {owner}); choose another name.", param_hint="'NAME'"
        )


@click.command(name="startplugin", short_help="Create a plugin distribution, fastjango-NAME, with its tests.")
@click.argument("name")
@click.argument("directory", required=False)
def startplugin(name: str, directory: str | None) -> None:
    """Create the plugin distribution fastjango-NAME: pyproject.toml, the hooks in plugin.py, and tests.

    Without DIRECTORY, creates ./fastjango-NAME; with it, writes into
    DIRECTORY, which must exist.
    """
    _check_plugin_name(name)
    dashed = name.replace("_", "-")
    root, create = destination(directory, DISTRIBUTION_PREFIX + dashed, "startplugin")
    plan = plugin_plan(name)
    write_plan(root, plan, create=create, command="startplugin")
    shown = display_path(root)
    steps = [] if shown == "the current directory" else [f"cd {shown}"]
    steps += [
        'python -m pip install -e ".[test]"',
        "pytest",
        f'Then add "{name}" to INSTALLED_PLUGINS in a project: its setting, route, middleware and command appear.',
    ]
    report(f"plugin {name} (distribution fastjango-{dashed})", root, plan, steps)
