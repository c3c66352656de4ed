"""``shell``: a Python shell with the project loaded (IPython when installed)."""

from __future__ import annotations

import code
from typing import Any

import click

from fastjango.core.project import get_project


@click.command(name="shell")
@click.option("--command", "-c", "command", default=None, help="Run this Python code and exit.")
@click.option("--plain", is_flag=True, help="Use the plain Python shell even if IPython is installed.")
def shell(command: str | None, plain: bool) -> None:
    """Open a Python shell with `settings`, `apps`, `project` and `app` ready to use."""
    project = get_project()
    namespace: dict[str, Any] = {
        "project": project,
        "settings": project.settings,
        "apps": project.apps,
        "app": project.app,
    }
    with project.activated():
        if command is not None:
            exec(compile(command, "<shell -c>", "exec"), namespace)  # noqa: S102 - the user's own code
            return
        banner = "fastjango shell: settings, apps, project and app are loaded."
        if not plain:
            try:
                from IPython import start_ipython
            except ImportError:
                pass
            else:
                click.echo(banner)
                start_ipython(argv=[], user_ns=namespace)
                return
        code.interact(banner=banner, local=namespace)
