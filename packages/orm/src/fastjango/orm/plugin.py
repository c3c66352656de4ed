"""The ``orm`` plugin: settings, hook specs, ``ATOMIC_REQUESTS``, engines closed at shutdown, model checks.

Activate it with ``INSTALLED_PLUGINS = ["orm"]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
import pluggy
from pydantic import BaseModel

from fastjango.core import hookimpl

if TYPE_CHECKING:
    from fastapi import FastAPI

    from fastjango.core.checks import CheckRegistry
    from fastjango.core.conf import Settings
    from fastjango.core.project import Project


@hookimpl
def fastjango_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    from fastjango.orm import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def fastjango_settings_schema() -> type[BaseModel]:
    from fastjango.orm.settings import OrmSettings

    return OrmSettings


@hookimpl
def fastjango_validate_settings(settings: Settings) -> list[str]:
    from fastjango.orm.db.config import effective_databases
    from fastjango.orm.db.urls import database_urls
    from fastjango.orm.exceptions import ImproperlyConfigured

    problems = []
    for alias, config in effective_databases(settings).items():
        try:
            database_urls(config, alias)
        except ImproperlyConfigured as error:
            problems.append(str(error))
    return problems


@hookimpl
def fastjango_configure(project: Project) -> None:
    from fastjango.orm.hooks import watch_models
    from fastjango.orm.models.builder import detach_swapped_models

    watch_models(project.pm)
    detach_swapped_models()


@hookimpl
def fastjango_register_checks(registry: CheckRegistry, settings: Settings) -> None:
    from fastjango.orm.checks import check_models

    registry.register(check_models, "models")


@hookimpl
def fastjango_commands() -> list[click.Command]:
    from fastjango.orm.migrations.commands import COMMANDS

    return list(COMMANDS)


@hookimpl
def fastjango_app_created(project: Project, app: FastAPI) -> None:
    from fastjango.orm.atomic_requests import install_atomic_requests

    install_atomic_requests(project, app)


@hookimpl
def fastjango_startup(project: Project, app: FastAPI) -> None:
    # Routes added to the app after it was built (``@app.get`` in asgi.py) are wrapped here.
    from fastjango.orm.atomic_requests import install_atomic_requests

    install_atomic_requests(project, app)


@hookimpl
async def fastjango_shutdown(project: Project, app: FastAPI) -> None:
    from fastjango.orm.db.connections import databases_for
    from fastjango.orm.db.execution import _transactions

    # An app stopped inside a test's rolled-back transaction (the ``db`` fixture with
    # ``async_client``): that fixture closes the engines after its rollback. Closing them here
    # would orphan the connection the test still holds.
    if any(state.is_test for state in (_transactions.get() or {}).values()):
        return
    await databases_for(project).aclose()
