"""``plugins``: installed plugins, which are enabled, their versions and hooks."""

from __future__ import annotations

import os

import click

from fastjango.core.conf import SETTINGS_MODULE_ENV
from fastjango.core.management.commands._table import render_table
from fastjango.core.plugins import PluginInfo, available_plugins


@click.command(name="plugins")
@click.option("--hooks/--no-hooks", default=True, help="Show the hooks each enabled plugin implements.")
def plugins(hooks: bool) -> None:
    """List installed plugins: enabled or not, version, and the hooks each implements."""
    enabled: list[PluginInfo] = []
    if os.environ.get(SETTINGS_MODULE_ENV):
        from fastjango.core.project import get_project

        enabled = get_project().plugins
    else:
        click.secho("No settings module: showing installed plugins only (none is enabled).", fg="yellow", err=True)
    rows = []
    names = set()
    for info in enabled:
        names.add(info.name)
        kind = "built-in" if info.builtin else "yes"
        rows.append(
            (info.name, kind, info.version or "-", info.distribution or "-", ", ".join(info.hooks) if hooks else "")
        )
    for name, entry_point in sorted(available_plugins().items()):
        if name in names:
            continue
        dist = entry_point.dist
        rows.append((name, "no", dist.version if dist else "-", dist.name if dist else "-", ""))
    header = ("PLUGIN", "ENABLED", "VERSION", "DISTRIBUTION", "HOOKS" if hooks else "")
    click.echo(render_table(header, rows))
