"""``startapp``: a new Django-style app, with example views, schemas, URLs and tests."""

from __future__ import annotations

import keyword
import os
from pathlib import Path, PurePosixPath

import click

from fastjango.core.conf import SETTINGS_MODULE_ENV
from fastjango.core.management.commands._scaffold import (
    Plan,
    check_name,
    destination,
    display_path,
    render,
    report,
    write_plan,
)

__all__ = ["app_plan", "startapp"]


def app_plan(name: str, prefix: PurePosixPath | None = None, module: str | None = None) -> Plan:
    """The files of app ``name``; ``startproject`` builds its example app with this too.

    ``module`` is the app's dotted import path when it is not ``name`` (an app
    written into ``apps/shop`` is ``apps.shop``); ``name`` stays its label.
    """
    words = [word for word in name.split("_") if word]
    context = {
        "app_name": name,
        "app_module": module or name,
        "app_class": "".join(word[:1].upper() + word[1:] for word in words) or "App",
        "app_verbose_name": name.replace("_", " ").strip().title(),
    }
    return render("app_template", context, prefix=prefix)


@click.command(name="startapp", short_help="Create an app: views, schemas, URLs, tests, migrations.")
@click.argument("name")
@click.argument("directory", required=False)
def startapp(name: str, directory: str | None) -> None:
    """Create app NAME: apps, models, api, schemas, urls, admin, tests and migrations.

    Without DIRECTORY, creates ./NAME; with it, writes the app's files into
    DIRECTORY, which must exist.
    """
    check_name(name, "app")
    root, create = destination(directory, name, "startapp")
    module = name if create else _module_path(root, name)
    plan = app_plan(name, module=module)
    write_plan(root, plan, create=create, command="startapp")
    settings_module = os.environ.get(SETTINGS_MODULE_ENV)
    where = f" ({settings_module.replace('.', '/')}.py)" if settings_module else ""
    tests = display_path(root / "tests.py")
    report(
        f"app {name}",
        root,
        plan,
        [
            f'Add "{module}" to INSTALLED_APPS in your settings{where}.',
            f'Include its URLs in your ROOT_URLCONF: path("{name}/", include("{module}.urls")),',
            f"Then `python manage.py routes` lists /{name}/items/, and `pytest` runs {tests}.",
        ],
    )


def _module_path(root: Path, name: str) -> str:
    """The dotted path an app written into ``root`` is imported by, from the current directory.

    ``startapp shop apps/shop`` makes ``apps.shop``; a folder outside the
    current directory, or not importable by name, falls back to ``name``.
    """
    try:
        parts = root.relative_to(Path.cwd().resolve()).parts
    except ValueError:
        return name
    if parts and all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        return ".".join(parts)
    return name
