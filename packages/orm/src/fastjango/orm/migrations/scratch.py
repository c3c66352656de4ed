"""A scratch database of the same kind as the project's, for replaying migrations.

``makemigrations`` must know the schema the migrations produce, whatever state
the project's own database is in (a fresh clone has none). Django computes it
in memory; Alembic compares a live database with the models. So the
migrations are replayed on an empty database of the same kind, created for the
purpose and dropped after, as test databases are: a temporary file for SQLite,
``<name>_fjscratch_<pid>`` on the same PostgreSQL or MariaDB server (which needs
the right to create databases, as Django's test runner does).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from fastjango.orm.db.servers import create_server_database, drop_server_database
from fastjango.orm.db.urls import database_urls
from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.settings import DatabaseSettings

__all__ = ["scratch_engine"]


@contextmanager
def scratch_engine(config: DatabaseSettings, alias: str) -> Iterator[Engine]:
    """A sync engine on a new, empty database like ``DATABASES[alias]``; dropped when the block ends."""
    backend, sync_url, _ = database_urls(config, alias)
    if backend.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="fastjango-scratch-") as folder:
            engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    name = f"{sync_url.database or 'fastjango'}_fjscratch_{os.getpid()}"
    try:
        create_server_database(sync_url, name, backend.name)
    except DBAPIError as error:
        raise ImproperlyConfigured(
            f"Cannot create the scratch database {name!r} on the server of DATABASES[{alias!r}] "
            f"({error.orig}). Migrations are replayed there to learn the schema they make; give the user "
            "the right to create databases (PostgreSQL: ALTER USER ... CREATEDB; MariaDB: GRANT ALL ON "
            "`%_fjscratch_%`.* ...), as Django's test runner needs too."
        ) from error
    engine = create_engine(sync_url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        drop_server_database(sync_url, name, backend.name)
