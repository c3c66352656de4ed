"""A throwaway project on disk for the migration tests, driven through ``manage.py`` as a user drives it.

Each model change is a new ``models.py``; ``makemigrations`` and ``migrate`` run in
a fresh interpreter each time (as on a developer's machine), so the model
registry never holds two versions of a class. PostgreSQL and MariaDB get a
database of their own per project.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from fastjango.orm.db.servers import create_server_database, drop_server_database

SERVERS = {
    "postgresql": "postgresql://postgres@127.0.0.1:5432/test",
    "mariadb": "mariadb+pymysql://root@127.0.0.1:3306/test",
}
_numbers = itertools.count(1)

MANAGE = """\
import os, sys
os.environ.setdefault("FASTJANGO_SETTINGS_MODULE", "site_settings")
from fastjango.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""


def _environment(root: Path) -> dict[str, str]:
    """This project's settings, and none of the variables that would override them (tests set some)."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FASTJANGO_") and key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")
    }
    return {**kept, "PYTHONPATH": str(root), "FASTJANGO_SETTINGS_MODULE": "site_settings"}


class MigrationProject:
    """A project folder with apps ``accounts`` and ``blog`` on its own database."""

    def __init__(self, root: Path, backend: str, *, plugins: tuple[str, ...] = ()) -> None:
        self.root = root
        self.backend = backend
        if backend == "sqlite":
            self.url = f"sqlite:///{root / 'db.sqlite3'}"
            self._server: tuple[Any, str] | None = None
        else:
            server = make_url(SERVERS[backend])
            name = f"fjmig_{os.getpid()}_{next(_numbers)}"
            create_server_database(server, name, backend)
            self._server = (server, name)
            self.url = server.set(database=name).render_as_string(hide_password=False)
        (root / "manage.py").write_text(MANAGE)
        (root / "site_settings.py").write_text(
            textwrap.dedent(
                f"""\
                SECRET_KEY = "migrations-test-" + "k" * 50
                INSTALLED_PLUGINS = {["orm", *plugins]!r}
                INSTALLED_APPS = ["accounts", "blog"]
                DATABASES = {{"default": {{"URL": {self.url!r}}}}}
                """
            )
        )
        for app in ("accounts", "blog"):
            (root / app).mkdir()
            (root / app / "__init__.py").touch()
            (root / app / "models.py").write_text("")
        self.engine: Engine = create_engine(self.url)

    def models(self, app: str, source: str) -> None:
        """Replace ``app``'s models.py."""
        header = "from fastjango.orm import Model, fields\nfrom fastjango.orm.constraints import UniqueConstraint\n\n"
        (self.root / app / "models.py").write_text(header + textwrap.dedent(source))

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``python manage.py ARGS`` without a terminal; fail the test on a non-zero exit if ``check``."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
            env=_environment(self.root),
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def migration_files(self, app: str) -> list[str]:
        folder = self.root / app / "migrations"
        return sorted(path.stem for path in folder.glob("0*.py"))

    def tables(self) -> set[str]:
        self.engine.dispose()
        return set(inspect(self.engine).get_table_names()) - {"fastjango_migrations"}

    def columns(self, table: str) -> dict[str, dict[str, Any]]:
        self.engine.dispose()
        return {column["name"]: column for column in inspect(self.engine).get_columns(table)}

    def sql(self, statement: str, **parameters: Any) -> list[tuple[Any, ...]]:
        with self.engine.begin() as connection:
            result = connection.execute(text(statement), parameters)
            return [tuple(row) for row in result] if result.returns_rows else []

    def close(self) -> None:
        self.engine.dispose()
        if self._server is not None:
            drop_server_database(self._server[0], self._server[1], self.backend)
