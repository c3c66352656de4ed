"""The benchmark database: one PostgreSQL database, built the same way on every run.

Every stack reads ``bench_item`` (10,000 deterministic rows) and the create
scenario writes to ``bench_item_created`` (same columns), which is emptied
before each create cell so every stack starts from the same state. The
tables are dropped and rebuilt at the start of each run: it takes well under
a second and means a run never depends on what an earlier one left behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
from psycopg import sql

__all__ = ["ITEM_COUNT", "DatabaseConfig", "prepare_database", "reset_created"]

#: Rows in ``bench_item``; the scenarios' id and offset ranges depend on it.
ITEM_COUNT = 10_000

_COLUMNS = """
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    price numeric(10, 2) NOT NULL,
    created timestamptz NOT NULL DEFAULT now(),
    active boolean NOT NULL DEFAULT true,
    category varchar(50) NOT NULL
"""


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the benchmark database lives; handed to each stack as ``BENCH_PG*`` variables."""

    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str = ""
    name: str = "fastjango_bench"

    @classmethod
    def from_environ(cls) -> DatabaseConfig:
        """Defaults overridden by ``BENCH_PGHOST``, ``BENCH_PGPORT``, ``BENCH_PGUSER``, ... if set."""
        env = os.environ
        return cls(
            host=env.get("BENCH_PGHOST", cls.host),
            port=int(env.get("BENCH_PGPORT", str(cls.port))),
            user=env.get("BENCH_PGUSER", cls.user),
            password=env.get("BENCH_PGPASSWORD", cls.password),
            name=env.get("BENCH_PGDATABASE", cls.name),
        )

    def environ(self) -> dict[str, str]:
        """The variables every stack's settings read (``stacks/*``)."""
        return {
            "BENCH_PGHOST": self.host,
            "BENCH_PGPORT": str(self.port),
            "BENCH_PGUSER": self.user,
            "BENCH_PGPASSWORD": self.password,
            "BENCH_PGDATABASE": self.name,
        }

    def conninfo(self, database: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=database or self.name,
            connect_timeout=5,
        )


def prepare_database(config: DatabaseConfig) -> int:
    """Create the database if needed, rebuild both tables and fill ``bench_item``; return its row count."""
    with psycopg.connect(config.conninfo("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (config.name,)).fetchone()
        if exists is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config.name)))
    with psycopg.connect(config.conninfo(), autocommit=True) as conn:
        for table in ("bench_item", "bench_item_created"):
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
            conn.execute(sql.SQL("CREATE TABLE {} (" + _COLUMNS + ")").format(sql.Identifier(table)))
        # Deterministic rows, so every run (and every machine) serves the same bytes.
        conn.execute(
            """
            INSERT INTO bench_item (name, price, created, active, category)
            SELECT 'item ' || lpad(i::text, 5, '0'),
                   ((i * 7919) %% 100000) / 100.0,
                   timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute',
                   i %% 7 <> 0,
                   'category-' || (i %% 20)
            FROM generate_series(1, %s) AS i
            """,
            (ITEM_COUNT,),
        )
        conn.execute("VACUUM ANALYZE bench_item")
        row = conn.execute("SELECT count(*) FROM bench_item").fetchone()
    return int(row[0]) if row else 0


def reset_created(config: DatabaseConfig) -> None:
    """Empty the table the create scenario writes to, so each create cell starts equal."""
    with psycopg.connect(config.conninfo(), autocommit=True) as conn:
        conn.execute("TRUNCATE bench_item_created RESTART IDENTITY")
