"""``startapp``: placeholder until the scaffolding lands."""

from __future__ import annotations

import click


@click.command(name="startapp")
def startapp() -> None:
    """Not written yet."""
    raise click.ClickException("not implemented yet")
