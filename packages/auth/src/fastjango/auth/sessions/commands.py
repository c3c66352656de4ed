"""``manage.py clearsessions``: delete expired sessions from the configured engine's store."""

from __future__ import annotations

import click

__all__ = ["clearsessions"]


@click.command(name="clearsessions")
def clearsessions() -> None:
    """Delete expired sessions (the db engine; Redis and signed cookies expire on their own)."""
    from fastjango.auth.sessions.backends.base import load_engine
    from fastjango.core.project import get_project

    project = get_project()
    with project.activated():
        deleted = load_engine(project.settings).clear_expired()
    click.echo(f"Deleted {deleted} expired session(s).")
