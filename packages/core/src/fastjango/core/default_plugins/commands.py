"""Core's management commands, contributed through the public ``fastjango_commands`` hook."""

from __future__ import annotations

from collections.abc import Sequence

import click

from fastjango.core.hookspecs import hookimpl


@hookimpl
def fastjango_commands() -> Sequence[click.Command]:
    from fastjango.core.management.commands.check import check
    from fastjango.core.management.commands.plugins import plugins
    from fastjango.core.management.commands.routes import routes
    from fastjango.core.management.commands.runserver import runserver
    from fastjango.core.management.commands.serve import serve
    from fastjango.core.management.commands.shell import shell

    return [check, plugins, routes, runserver, serve, shell]
