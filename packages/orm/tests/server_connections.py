"""Ending a pooled connection from the server side, for the tests of what a dropped connection costs."""

from __future__ import annotations

from sqlalchemy import URL, create_engine, text
from sqlalchemy.pool import NullPool

__all__ = ["ID_QUERY", "end_connection"]

#: The statement that names the connection running it, per backend.
ID_QUERY = {"postgresql": "SELECT pg_backend_pid()", "mariadb": "SELECT CONNECTION_ID()"}

_SYNC_DRIVERS = {"postgresql": "postgresql+psycopg", "mariadb": "mariadb+pymysql"}


def end_connection(backend: str, url: URL, connection_id: int) -> None:
    """Have the server end connection ``connection_id``, from a connection outside any pool."""
    outsider = create_engine(url.set(drivername=_SYNC_DRIVERS[backend]), poolclass=NullPool)
    try:
        with outsider.connect() as killer:
            if backend == "postgresql":
                killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": connection_id})
            else:
                killer.execute(text(f"KILL {int(connection_id)}"))
    finally:
        outsider.dispose()
