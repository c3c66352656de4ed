"""From a ``DATABASES`` entry to the two SQLAlchemy URLs it needs: one sync driver, one async driver.

Every backend gets a native async driver (aiosqlite, asyncpg, asyncmy) for the
``a``-methods and ``async for``, and a sync driver (sqlite3, psycopg, PyMySQL)
for the plain methods. A URL that names one of them gets the other chosen to
match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url

from fastjango.orm.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.orm.settings import DatabaseSettings

__all__ = ["BACKENDS", "ENGINE_ALIASES", "Backend", "database_urls"]


@dataclass(frozen=True)
class Backend:
    name: str
    sync_driver: str
    async_driver: str
    #: The extra to install for the drivers, for error messages.
    extra: str | None


BACKENDS = {
    "sqlite": Backend("sqlite", "pysqlite", "aiosqlite", None),
    "postgresql": Backend("postgresql", "psycopg", "asyncpg", "postgresql"),
    "mysql": Backend("mysql", "pymysql", "asyncmy", "mysql"),
    "mariadb": Backend("mariadb", "pymysql", "asyncmy", "mysql"),
}

ENGINE_ALIASES = {
    "sqlite": "sqlite",
    "sqlite3": "sqlite",
    "django.db.backends.sqlite3": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "django.db.backends.postgresql": "postgresql",
    "mysql": "mysql",
    "django.db.backends.mysql": "mysql",
    "mariadb": "mariadb",
}

_SCHEMES = {
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "sqlite": "sqlite",
    "mysql": "mysql",
    "mariadb": "mariadb",
}


def _url_from_parts(config: DatabaseSettings) -> URL:
    backend = ENGINE_ALIASES[config.ENGINE]
    if backend == "sqlite":
        return URL.create("sqlite", database=config.NAME or None)
    if not config.NAME:
        raise ImproperlyConfigured(f"DATABASES entry with ENGINE {config.ENGINE!r} needs a NAME.")
    port = int(config.PORT) if config.PORT not in (None, "") else None
    return URL.create(
        backend,
        username=config.USER or None,
        password=config.PASSWORD or None,
        host=config.HOST or "127.0.0.1",
        port=port,
        database=config.NAME,
    )


def database_urls(config: DatabaseSettings, alias: str) -> tuple[Backend, URL, URL]:
    """The backend, the sync URL and the async URL of one ``DATABASES`` entry."""
    try:
        url = make_url(config.URL) if config.URL else _url_from_parts(config)
    except Exception as error:  # SQLAlchemy's ArgumentError, ValueError for a bad port
        raise ImproperlyConfigured(f"DATABASES[{alias!r}]: cannot read the database URL ({error}).") from error
    dialect, _, _driver = url.drivername.partition("+")
    backend_name = _SCHEMES.get(dialect)
    if backend_name is None:
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}]: unsupported database {dialect!r}; use sqlite, postgresql, mysql or mariadb."
        )
    backend = BACKENDS[backend_name]
    if backend_name == "sqlite" and url.database in (None, "", ":memory:"):
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}]: SQLite needs a file (NAME = 'db.sqlite3'); an in-memory database would be "
            "a different, empty database on every connection."
        )
    sync_url = url.set(drivername=f"{backend.name}+{backend.sync_driver}")
    async_url = url.set(drivername=f"{backend.name}+{backend.async_driver}")
    return backend, sync_url, async_url
