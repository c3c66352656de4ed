"""``startproject``: a new project, laid out as in Django, with an example app that already answers."""

from __future__ import annotations

from pathlib import PurePosixPath

import click

from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE
from fastjango.core.management.commands._scaffold import (
    Plan,
    check_name,
    destination,
    display_path,
    python_list,
    render,
    report,
    secret_key,
    write_plan,
)
from fastjango.core.management.commands.startapp import app_plan

__all__ = ["EXAMPLE_APP", "project_plan", "startproject"]

#: The example app every new project gets; its routes are the project's first pages.
EXAMPLE_APP = "hello"


def project_plan(name: str) -> Plan:
    """The files of project ``name``: startapp's ``hello``, then the project template on top.

    The project template's ``hello/`` folder replaces the generic example views
    of startapp with the welcome and greeting routes.
    """
    plan = app_plan(EXAMPLE_APP, prefix=PurePosixPath(EXAMPLE_APP))
    context = {
        "project_name": name,
        "secret_key": secret_key(),
        "middleware": python_list(DEFAULT_MIDDLEWARE),
        "example_app": EXAMPLE_APP,
    }
    plan.update(render("project_template", context, renames={"project_name": name}))
    return plan


@click.command(name="startproject", short_help="Create a project: settings, URLs, manage.py and an example app.")
@click.argument("name")
@click.argument("directory", required=False)
def startproject(name: str, directory: str | None) -> None:
    """Create project NAME: manage.py, NAME/ (settings, urls, asgi) and an example app, hello.

    Without DIRECTORY, creates ./NAME; with it, writes into DIRECTORY, which
    must exist.
    """
    check_name(name, "project")
    if name == EXAMPLE_APP:
        raise click.BadParameter(
            f"{name!r} is the name of the example app startproject creates; choose another project name.",
            param_hint="'NAME'",
        )
    root, create = destination(directory, name, "startproject")
    plan = project_plan(name)
    write_plan(root, plan, create=create, command="startproject")
    shown = display_path(root)
    steps = [] if shown == "the current directory" else [f"cd {shown}"]
    steps += [
        "python manage.py check       # System check identified no issues.",
        "python manage.py runserver   # then open http://127.0.0.1:8000/ and http://127.0.0.1:8000/docs",
        "pytest                       # runs hello/tests.py",
    ]
    report(f"project {name}", root, plan, steps)
