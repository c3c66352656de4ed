"""Creating and dropping whole databases on a server: test databases and migrations' scratch databases."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

__all__ = ["create_server_database", "drop_server_database"]


def create_server_database(url: URL, name: str, vendor: str) -> None:
    """Create database ``name`` (dropping a leftover of that name first) on the server ``url`` points to."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if vendor == "postgresql":
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            else:
                connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
                connection.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    finally:
        admin.dispose()


def drop_server_database(url: URL, name: str, vendor: str) -> None:
    """Drop database ``name`` on the server ``url`` points to, if it exists."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if vendor == "postgresql":
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    finally:
        admin.dispose()
