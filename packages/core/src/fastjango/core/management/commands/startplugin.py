"""``startplugin``: placeholder until the scaffolding lands."""

from __future__ import annotations

import click


@click.command(name="startplugin")
def startplugin() -> None:
    """Not written yet."""
    raise click.ClickException("not implemented yet")
