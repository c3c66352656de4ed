"""Where migrations live and how Alembic sees them: one folder and one branch per app.

Each installed app keeps its migrations in ``<app>/migrations/`` as Django does,
one file per migration, named ``0001_initial.py``, ``0002_post_slug.py``, ...
Underneath they are ordinary Alembic revision scripts on one
:class:`~alembic.script.ScriptDirectory` whose version locations are all the
apps' folders. Each app is its own branch (its first migration carries the
app label as branch label), so every app has its own head; a migration that
needs another app's table says so in ``depends_on``. The revision id is
``<app_label>_<name>``: unique across apps while keeping Django's names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError as AlembicError

from fastjango.orm.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = [
    "VERSION_TABLE",
    "MigrationApp",
    "MigrationFile",
    "Migrations",
    "load_migrations",
    "migration_apps",
    "revision_id",
]

#: The table that records which migration is the head of each app in a database.
VERSION_TABLE = "fastjango_migrations"
_NAME = re.compile(r"^(\d{4})_(\w+)$")


def revision_id(app_label: str, name: str) -> str:
    """The Alembic revision id of migration ``name`` of ``app_label``."""
    return f"{app_label}_{name}"


@dataclass(frozen=True)
class MigrationApp:
    """An installed app that has (or may get) migrations."""

    label: str
    module: str
    directory: Path

    @property
    def package(self) -> str:
        return f"{self.module}.migrations"


@dataclass(frozen=True)
class MigrationFile:
    """One migration: its app, its Django-style name and the Alembic script behind it."""

    app_label: str
    name: str
    script: Script

    @property
    def revision(self) -> str:
        return self.script.revision

    @property
    def number(self) -> int:
        match = _NAME.match(self.name)
        return int(match.group(1)) if match else 0

    @property
    def path(self) -> Path:
        return Path(self.script.path)


def migration_apps(project: Project) -> list[MigrationApp]:
    """The project's installed apps that live in a folder (all but namespace-less modules), in order."""
    apps = []
    for config in project.apps.get_app_configs():
        path = getattr(config, "path", None)
        if path:
            apps.append(MigrationApp(config.label, config.name, Path(path) / "migrations"))
    return apps


class Migrations:
    """Every installed app's migrations, as Alembic's script directory and by app."""

    def __init__(self, apps: list[MigrationApp]) -> None:
        self.apps = {app.label: app for app in apps}
        locations = [str(app.directory) for app in apps if app.directory.is_dir()]
        self.config = Config()
        self.config.set_main_option("script_location", str(Path(__file__).parent))
        self.config.set_main_option("path_separator", "os")
        if locations:
            self.config.set_main_option("version_locations", os.pathsep.join(locations))
        # Alembic's commands build their own ScriptDirectory from this config; this one is for reading.
        self.script = ScriptDirectory.from_config(self.config)
        self.by_app: dict[str, list[MigrationFile]] = {label: [] for label in self.apps}
        owners = {str(app.directory.resolve()): app.label for app in apps}
        for script in self._scripts():
            label = owners.get(str(Path(script.path).parent.resolve()))
            if label is None:
                continue
            name = Path(script.path).stem
            if script.revision != revision_id(label, name):
                raise ImproperlyConfigured(
                    f"{script.path}: its revision is {script.revision!r}, but a migration of app {label!r} "
                    f"named {name!r} must have revision {revision_id(label, name)!r}."
                )
            self.by_app[label].append(MigrationFile(label, name, script))
        for files in self.by_app.values():
            files.sort(key=lambda file: (file.number, file.name))
        self.by_revision = {file.revision: file for files in self.by_app.values() for file in files}

    def _scripts(self) -> list[Script]:
        try:
            return list(self.script.walk_revisions())
        except (SyntaxError, ImportError, NameError, AlembicError) as error:
            where = getattr(error, "filename", None)
            raise ImproperlyConfigured(
                f"Cannot load the migrations{f' ({where})' if where else ''}: {type(error).__name__}: {error}"
            ) from error

    def app(self, label: str) -> MigrationApp:
        """The app called ``label``; an unknown label names the apps that exist."""
        try:
            return self.apps[label]
        except KeyError:
            known = ", ".join(sorted(self.apps)) or "none"
            raise ImproperlyConfigured(f"No installed app with label {label!r}. Installed apps: {known}.") from None

    def head(self, label: str) -> MigrationFile | None:
        """The app's latest migration (its branch head), or None if it has none."""
        files = self.by_app.get(label, [])
        parents = {parent for file in files for parent in _tuple(file.script.down_revision)}
        heads = [file for file in files if file.revision not in parents]
        if len(heads) > 1:
            names = ", ".join(file.name for file in heads)
            raise ImproperlyConfigured(
                f"App {label!r} has several latest migrations ({names}): two migrations were made from the "
                "same parent (on two branches of your code?). Make one of them follow the other: set its "
                "down_revision to the other's revision and renumber it."
            )
        return heads[0] if heads else None

    def find(self, label: str, name: str) -> MigrationFile:
        """Migration ``name`` of app ``label``; a unique prefix (``0002``) is enough, as in Django."""
        self.app(label)
        files = self.by_app.get(label, [])
        exact = [file for file in files if file.name == name]
        matches = exact or [file for file in files if file.name.startswith(name)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(file.name for file in files) or "none"
        if not matches:
            raise ImproperlyConfigured(f"App {label!r} has no migration {name!r}. Its migrations: {known}.")
        raise ImproperlyConfigured(f"More than one migration of app {label!r} starts with {name!r}: {known}.")


def _tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def load_migrations(project: Project) -> Migrations:
    """The project's migrations as they are on disk now."""
    return Migrations(migration_apps(project))
