"""Swappable models in migrations: a model a setting may replace (``AUTH_USER_MODEL``).

A swapped-out model has no table. Its app's migrations still create it for the
projects that keep it, so the runner skips every schema operation on a
swapped-out model's tables (:func:`skip_swapped_tables`), and ``makemigrations``
leaves those tables out. A migration that points a foreign key at a swappable
model asks these helpers for the model the project uses, at migration time:

.. code-block:: python

    from fastjango.orm.migrations.swappable import swappable_dependency, swappable_target

    user = swappable_target("AUTH_USER_MODEL", default="auth.User")
    depends_on = swappable_dependency("AUTH_USER_MODEL", default="auth.User")
    ...
    sa.Column("user_id", user.column_type, nullable=False),
    sa.ForeignKeyConstraint(["user_id"], [user.reference], ...),
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.migrations.loader import Migrations, revision_id
from fastjango.orm.models.registry import models_registry

if TYPE_CHECKING:
    from alembic.ddl.impl import DefaultImpl
    from sqlalchemy.types import TypeEngine

    from fastjango.orm.models.base import Model

__all__ = [
    "SwappableDependency",
    "SwappableTarget",
    "skip_swapped_tables",
    "swappable_dependency",
    "swappable_target",
    "swapped_tables",
    "waiting_apps",
]

_FIRST = re.compile(r"^0001_\w+\.py$")


def _setting(name: str, default: str) -> str:
    from fastjango.core.project import get_project, has_project

    if not has_project(load=False):
        return default
    value = getattr(get_project().settings, name, None)
    return value if isinstance(value, str) and value else default


def _model(name: str, default: str) -> type[Model]:
    label = _setting(name, default)
    try:
        return models_registry.get_model(label)
    except LookupError:
        raise ImproperlyConfigured(f"{name} refers to {label!r}, which is not a model of an installed app.") from None


@dataclass(frozen=True)
class SwappableTarget:
    """Where a foreign key to the model a setting names points, and the type of its column."""

    table: str
    column: str
    column_type: TypeEngine[Any]

    @property
    def reference(self) -> str:
        """``table.column``, as ``sa.ForeignKeyConstraint`` wants it."""
        return f"{self.table}.{self.column}"


def swappable_target(setting: str, *, default: str) -> SwappableTarget:
    """The table, primary-key column and key type of the model ``setting`` names in this project."""
    model = _model(setting, default)
    pk = model._meta.pk
    assert pk is not None
    rel_type = getattr(pk, "rel_db_type", None)
    column_type = rel_type() if rel_type is not None else pk.db_type()
    return SwappableTarget(model._meta.db_table, pk.column, column_type)


class SwappableDependency(tuple[str, ...]):
    """``depends_on`` of a migration that needs the swappable model's table.

    ``waiting_for`` names the app of that model while it has no migration yet:
    the migration cannot run then (its foreign key has no table to point at), so
    ``makemigrations`` leaves it out of its replay and makes that app's first
    migration; from then on the dependency is that migration.
    """

    waiting_for: str | None = None


def swappable_dependency(setting: str, *, default: str, also: tuple[str, ...] = ()) -> SwappableDependency:
    """``also`` plus the first migration of the app whose model ``setting`` names (it makes the table)."""
    from fastjango.core.project import get_project, has_project

    label = _setting(setting, default).partition(".")[0]
    first: tuple[str, ...] = ()
    waiting_for = None
    if has_project(load=False):
        try:
            config = get_project().apps.get_app_config(label)
        except LookupError:
            config = None
        if config is not None:
            folder = Path(getattr(config, "path", "") or ".") / "migrations"
            firsts = sorted(path.stem for path in folder.glob("0001_*.py") if _FIRST.match(path.name))
            if firsts:
                first = (revision_id(label, firsts[0]),)
            else:
                waiting_for = label
    dependency = SwappableDependency(dict.fromkeys((*also, *first)))
    dependency.waiting_for = waiting_for
    return dependency


def waiting_apps(migrations: Migrations) -> set[str]:
    """The apps with a migration that waits for a swappable model's app to get its first migration."""
    return {
        file.app_label
        for files in migrations.by_app.values()
        for file in files
        if getattr(getattr(file.script.module, "depends_on", None), "waiting_for", None)
    }


def swapped_tables() -> set[str]:
    """The tables of the swapped-out models of this project (automatic many-to-many tables included)."""
    swapped: set[str] = set()
    kept: set[str] = set()
    for model in models_registry.get_models():
        if not model._meta.proxy:
            (swapped if model._meta.swapped is not None else kept).add(model._meta.db_table)
    # A replacement may take over the old table's name (a user model moved from Django keeping ``auth_user``).
    return swapped - kept


# The DDL methods of Alembic's implementation whose first argument names (or is) the table.
_BY_TABLE_NAME = ("add_column", "drop_column", "alter_column", "rename_table")
_BY_TABLE = ("create_table", "drop_table", "bulk_insert", "create_table_comment", "drop_table_comment")
_BY_ELEMENT = ("create_index", "drop_index", "add_constraint", "drop_constraint")


def _table_name(method: str, first: Any) -> str | None:
    if method in _BY_TABLE_NAME:
        return str(first)
    if method in _BY_TABLE:
        return str(getattr(first, "name", ""))
    table = getattr(first, "table", None)
    return str(getattr(table, "name", "")) if table is not None else None


def skip_swapped_tables(impl: DefaultImpl, tables: set[str]) -> None:
    """Make ``impl`` skip the schema operations on ``tables`` (the swapped-out models' ones)."""
    if not tables:
        return

    def guard(method: str) -> None:
        original = getattr(impl, method)

        def run(first: Any, *args: Any, **kwargs: Any) -> Any:
            if _table_name(method, first) in tables:
                return None
            return original(first, *args, **kwargs)

        setattr(impl, method, run)

    for method in (*_BY_TABLE_NAME, *_BY_TABLE, *_BY_ELEMENT):
        guard(method)
