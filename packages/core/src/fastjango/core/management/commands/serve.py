"""``serve``: the production server, several worker processes."""

from __future__ import annotations

import os

import click
import uvicorn

from fastjango.core.management.commands._server import app_target, parse_addrport, project_dir
from fastjango.core.management.commands.check import run_and_report
from fastjango.core.project import get_project


@click.command(name="serve")
@click.argument("addrport", required=False, default="")
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs, or $WEB_CONCURRENCY).",
)
@click.option("--forwarded-allow-ips", default=None, help="Proxy addresses trusted for X-Forwarded-* headers.")
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
def serve(addrport: str, workers: int | None, forwarded_allow_ips: str | None, log_level: str) -> None:
    """Serve the project in production on [HOST:]PORT (default 0.0.0.0:8000) with several workers.

    Each worker is a separate process: keep shared state (sessions, caches,
    rate limits) in the database or Redis, not in memory.
    """
    host, port = parse_addrport(addrport, "0.0.0.0", 8000)  # noqa: S104 - a server listens on all interfaces
    project = get_project()
    run_and_report(project)
    target, factory = app_target(project)
    count = workers or _web_concurrency() or os.cpu_count() or 1
    click.secho(f"Serving on http://{host}:{port}/ with {count} worker(s)", fg="green")
    uvicorn.run(
        target,
        host=host,
        port=port,
        factory=factory,
        workers=count,
        app_dir=project_dir(),
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_level=log_level,
    )


def _web_concurrency() -> int | None:
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise click.BadParameter(f"WEB_CONCURRENCY={value!r} must be a whole number of workers, 1 or more.")
    return int(value)
