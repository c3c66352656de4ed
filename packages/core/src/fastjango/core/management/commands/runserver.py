"""``runserver``: the development server, with auto-reload."""

from __future__ import annotations

import click
import uvicorn

from fastjango.core.management.commands._server import app_target, parse_addrport, project_dir
from fastjango.core.management.commands.check import run_and_report
from fastjango.core.project import get_project

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@click.command(name="runserver")
@click.argument("addrport", required=False, default="")
@click.option("--reload/--noreload", default=True, help="Restart when Python files change (default: on).")
@click.option("--skip-checks", is_flag=True, help="Do not run system checks first.")
def runserver(addrport: str, reload: bool, skip_checks: bool) -> None:
    """Start the development server (uvicorn) on [HOST:]PORT, 127.0.0.1:8000 by default.

    Not for production: use `serve` there.
    """
    host, port = parse_addrport(addrport, DEFAULT_HOST, DEFAULT_PORT)
    project = get_project()
    if not skip_checks:
        run_and_report(project)
    target, factory = app_target(project)
    click.secho(f"Starting development server at http://{host}:{port}/ (API docs at /docs)", fg="green")
    click.echo("Quit the server with CONTROL-C.")
    uvicorn.run(
        target,
        host=host,
        port=port,
        factory=factory,
        reload=reload,
        reload_dirs=[project_dir()] if reload else None,
        app_dir=project_dir(),
        log_level="info",
    )
