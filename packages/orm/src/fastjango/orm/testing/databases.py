"""Test databases: created next to the configured ones, filled with every model's table, dropped after.

As Django does, tests never touch the configured database: for each alias a
``test_<NAME>`` database (or ``TEST["NAME"]``) is created on the same server,
with a suffix per test process so parallel runs do not collide. SQLite gets a
temporary file.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlalchemy.engine import URL

from fastjango.orm.db.config import effective_databases
from fastjango.orm.db.connections import Databases, replaced_databases
from fastjango.orm.db.servers import create_server_database, drop_server_database
from fastjango.orm.db.urls import database_urls
from fastjango.orm.migrations.swappable import swapped_tables
from fastjango.orm.models.base import metadata
from fastjango.orm.models.registry import models_registry
from fastjango.orm.settings import DatabaseSettings

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = ["emit_post_migrate", "flush_tables", "setup_test_databases"]


_sequence = itertools.count(1)


def _test_name(config: DatabaseSettings, url: URL) -> str:
    explicit = config.TEST.get("NAME")
    if explicit:
        return str(explicit)
    # Per process and per set of test databases: two projects tested in one run (or two runs at
    # once) must never share, and so never drop, each other's database.
    return f"test_{url.database}_{os.getpid()}_{next(_sequence)}"


@contextmanager
def setup_test_databases(project: Project, *, keep: bool = False) -> Iterator[Databases]:
    """Create the project's test databases and tables, use them inside the block, drop them after."""
    models_registry.check_pending()
    configs = effective_databases(project.settings)
    test_configs: dict[str, DatabaseSettings] = {}
    created: list[tuple[URL, str, str]] = []
    temporary = Path(tempfile.mkdtemp(prefix="fastjango-test-db-"))
    try:
        for alias, config in configs.items():
            backend, sync_url, _ = database_urls(config, alias)
            if backend.name == "sqlite":
                path = config.TEST.get("NAME") or str(temporary / f"{alias}.sqlite3")
                test_configs[alias] = config.model_copy(update={"URL": f"sqlite:///{path}"})
                continue
            name = _test_name(config, sync_url)
            create_server_database(sync_url, name, backend.name)
            created.append((sync_url, name, backend.name))
            test_url = sync_url.set(database=name).render_as_string(hide_password=False)
            test_configs[alias] = config.model_copy(update={"URL": test_url})
        databases = Databases(test_configs)
        with project.activated():
            swapped = swapped_tables()  # a swapped-out model (AUTH_USER_MODEL names another) has no table
        tables = [table for table in metadata.sorted_tables if table.name not in swapped]
        for alias in test_configs:
            metadata.create_all(databases[alias].sync_engine, tables=tables)
        with replaced_databases(project, databases):
            emit_post_migrate(project, list(test_configs))
            yield databases
        databases.close()
    finally:
        if not keep:
            for url, name, vendor in created:
                drop_server_database(url, name, vendor)
            for file in temporary.glob("*"):
                file.unlink()
            temporary.rmdir()


def emit_post_migrate(project: Project, aliases: list[str]) -> None:
    """What ``migrate`` tells plugins when it is done, for databases made without it (the test databases).

    As Django's test runner: the auth plugin then creates the permissions of every model, so a test
    can give a user ``blog.add_post`` without making the permission first. Called again after
    :func:`flush_tables`, which empties those tables too.
    """
    hook = getattr(project.pm.hook, "fastjango_orm_post_migrate", None)
    if hook is None or not hook.get_hookimpls():
        return
    with project.activated():
        for alias in aliases:
            hook(project=project, using=alias, plan=[])


def flush_tables(databases: Databases, project: Project | None = None) -> None:
    """Delete every row of every model table (children first), for tests that really commit.

    With ``project``, the post-migrate hook runs again afterwards (see :func:`emit_post_migrate`).
    """
    swapped = swapped_tables()  # never created (AUTH_USER_MODEL names another model)
    for alias in databases:
        engine = databases[alias].sync_engine
        with engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                if table.name not in swapped:
                    connection.execute(delete(table))
    if project is not None:
        emit_post_migrate(project, list(databases))
