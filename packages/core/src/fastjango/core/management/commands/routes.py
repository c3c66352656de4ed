"""``routes``: the URL table of the project."""

from __future__ import annotations

import click
from starlette.routing import Mount, Route, WebSocketRoute

from fastjango.core.management.commands._table import render_table
from fastjango.core.project import get_project


@click.command(name="routes")
@click.option("--name", "name_filter", default=None, help="Show only routes whose name contains this text.")
def routes(name_filter: str | None) -> None:
    """List every route: methods, path, name and the view that handles it."""
    app = get_project().app
    rows = []
    for route in app.routes:
        if isinstance(route, Route):
            methods = ",".join(sorted(route.methods or ()))
            view = _describe(route.endpoint)
            rows.append((methods, route.path, route.name or "", view))
        elif isinstance(route, WebSocketRoute):
            rows.append(("WS", route.path, route.name or "", repr(route.endpoint)))
        elif isinstance(route, Mount):
            rows.append(("*", route.path + "/…", route.name or "", type(route.app).__name__))
    if name_filter:
        rows = [row for row in rows if name_filter in row[2]]
    click.echo(render_table(("METHODS", "PATH", "NAME", "VIEW"), rows))


def _describe(endpoint: object) -> str:
    module = getattr(endpoint, "__module__", "?")
    return f"{module}.{getattr(endpoint, '__qualname__', repr(endpoint))}"
