"""``startapp``: a new Django-style app, with example views, schemas, URLs and tests."""

from __future__ import annotations

import os
from pathlib import PurePosixPath

import click

from fastjango.core.conf import SETTINGS_MODULE_ENV
from fastjango.core.management.commands._scaffold import Plan, check_name, destination, render, report, write_plan

__all__ = ["app_plan", "startapp"]


def app_plan(name: str, prefix: PurePosixPath | None = None) -> Plan:
    """The files of app ``name``; ``startproject`` builds its example app with this too."""
    words = [word for word in name.split("_") if word]
    context = {
        "app_name": name,
        "app_class": "".join(word[:1].upper() + word[1:] for word in words) or "App",
        "app_verbose_name": name.replace("_", " ").strip().title(),
    }
    return render("app_template", context, prefix=prefix)


@click.command(name="startapp")
@click.argument("name")
@click.argument("directory", required=False)
def startapp(name: str, directory: str | None) -> None:
    """Create app NAME: apps, models, api, schemas, urls, admin, tests and migrations.

    Without DIRECTORY, creates ./NAME; with it, writes the app's files into
    DIRECTORY, which must exist.
    """
    check_name(name, "app")
    root, create = destination(directory, name, "startapp")
    plan = app_plan(name)
    write_plan(root, plan, create=create, command="startapp")
    settings_module = os.environ.get(SETTINGS_MODULE_ENV)
    where = f" ({settings_module.replace('.', '/')}.py)" if settings_module else ""
    report(
        f"app {name}",
        root,
        plan,
        [
            f'Add "{name}" to INSTALLED_APPS in your settings{where}.',
            f'Include its URLs in your ROOT_URLCONF: path("{name}/", include("{name}.urls")),',
            f"Then `python manage.py routes` lists /{name}/items/, and `pytest` runs {name}/tests.py.",
        ],
    )
