"""What changed: the models compared with the schema the migrations make, split into one change set per app.

The migrations are replayed on a scratch database (``scratch.py``), noting
which app's migration made each table; Alembic's autogenerate then compares
that database with the models. Each operation goes to the app that owns its
table, and an app whose new tables point at another app's tables depends on
that app's latest migration. Then the questions Django asks are asked here
too: is a dropped column plus an added one of the same type a rename? What
value should existing rows get in a new NOT NULL column?
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from alembic.autogenerate import produce_migrations, renderers
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from fastjango.orm.migrations.loader import VERSION_TABLE, Migrations
from fastjango.orm.migrations.operations import AddColumnFilledOp
from fastjango.orm.migrations.runner import MigrationFailed, Step, run
from fastjango.orm.migrations.swappable import swapped_tables, waiting_apps
from fastjango.orm.models.base import metadata
from fastjango.orm.models.registry import models_registry

__all__ = ["AppChanges", "MissingFill", "Questioner", "ReplayFailed", "detect_changes", "replay", "table_owners"]

#: Values that can be written into a migration file as a Python literal.
_LITERALS = (bool, int, float, str, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, uuid.UUID)


class Questioner:
    """Answers the questions makemigrations asks; this one, non-interactive, answers from options."""

    def __init__(self, *, renames: bool = False) -> None:
        self.renames = renames

    def ask_rename(self, table: str, old: str, new: str, type_text: str) -> bool:
        """Is column ``old`` of ``table`` now called ``new``? (Otherwise: dropped and added, data lost.)"""
        return self.renames

    def ask_rename_table(self, old: str, new: str) -> bool:
        """Is table ``old`` now called ``new``?"""
        return self.renames

    def ask_fill(self, table: str, column: str) -> Any:
        """A value for the existing rows of ``table`` in new NOT NULL column ``column``; None gives up."""
        return None


@dataclass
class AppChanges:
    """The operations for one app's next migration, and the apps whose tables they point at."""

    app_label: str
    operations: list[ops.MigrateOperation] = field(default_factory=list)
    depends_on_apps: set[str] = field(default_factory=set)

    def upgrade_ops(self) -> ops.UpgradeOps:
        return ops.UpgradeOps(ops=list(self.operations))

    def downgrade_ops(self) -> ops.DowngradeOps:
        return self.upgrade_ops().reverse()


class RenameColumnOp(ops.AlterColumnOp):
    """A column rename whose reverse renames it back (Alembic's own reverse would keep the new name)."""

    def reverse(self) -> ops.AlterColumnOp:
        assert self.modify_name is not None
        return RenameColumnOp(
            self.table_name,
            self.modify_name,
            modify_name=self.column_name,
            existing_type=self.existing_type,
            existing_nullable=self.existing_nullable,
        )


class ReplayFailed(Exception):
    """A migration failed while the migrations were replayed on the scratch database."""


class RenameTableOp(ops.RenameTableOp):
    """A table rename that can be reversed (Alembic's own has no reverse)."""

    def reverse(self) -> ops.RenameTableOp:
        return RenameTableOp(self.new_table_name, self.table_name)


@renderers.dispatch_for(RenameTableOp)
def _render_rename_table(context: Any, operation: RenameTableOp) -> str:
    # Alembic's autogenerate never makes a table rename, so it has no renderer for one.
    return f"op.rename_table({operation.table_name!r}, {operation.new_table_name!r})"


class MissingFill(Exception):
    """A new NOT NULL column without a default, on a table that may hold rows, and no value was given."""


def table_owners(app_labels: Iterable[str]) -> dict[str, str]:
    """Table name -> app label for the models of the given apps (automatic many-to-many tables included)."""
    labels = set(app_labels)
    owners: dict[str, str] = {}
    for model in models_registry.get_models():
        options = model._meta
        if options.app_label in labels and not options.abstract and not options.proxy and options.managed:
            owners[options.db_table] = options.app_label
    return owners


def _field_defaults(app_labels: Iterable[str]) -> dict[tuple[str, str], Any]:
    """(table, column) -> the model field, for the fields that have a Python default."""
    labels = set(app_labels)
    found: dict[tuple[str, str], Any] = {}
    for model in models_registry.get_models():
        if model._meta.app_label in labels and not model._meta.abstract and not model._meta.proxy:
            for model_field in model._meta.concrete_fields:
                if model_field.has_default():
                    found[(model._meta.db_table, model_field.column)] = model_field
    return found


def replay(migrations: Migrations, connection: Connection) -> dict[str, str]:
    """Apply every migration to the (scratch) database; table name -> the app whose migration made it."""
    made: dict[str, str] = {}
    if not migrations.by_revision:
        return made
    seen = set(inspect(connection).get_table_names())

    def note(step: Step) -> None:
        tables = set(inspect(connection).get_table_names())
        for table in tables - seen:
            made[table] = step.app_label
        seen.clear()
        seen.update(tables)

    waiting = waiting_apps(migrations)
    try:
        if not waiting:
            run(migrations, connection, "heads", backwards=False, on_step=note)
        else:  # every app's head but those that wait for a swappable model's first migration
            for label in migrations.by_app:
                head = migrations.head(label)
                if head is not None and label not in waiting:
                    run(migrations, connection, head.revision, backwards=False, on_step=note)
    except MigrationFailed as error:
        raise ReplayFailed(
            "Replaying the migrations on a scratch database (to learn the schema they make) failed.\n"
            f"{str(error).splitlines()[0]}\nFix that migration first."
        ) from error
    return made


def detect_changes(
    migrations: Migrations,
    connection: Connection,
    app_labels: Iterable[str],
    questioner: Questioner,
) -> dict[str, AppChanges]:
    """The changes per app between the replayed migrations on ``connection`` and the models."""
    labels = list(app_labels)
    history = replay(migrations, connection)
    owners = {**{table: app for table, app in history.items() if app in labels}, **table_owners(labels)}
    for model in models_registry.get_models():  # Meta.managed = False: the table is none of migrations' business
        if not model._meta.managed:
            owners.pop(model._meta.db_table, None)
    for swapped in swapped_tables():  # a swapped-out model (AUTH_USER_MODEL names another): no table to track
        owners.pop(swapped, None)
    waiting = waiting_apps(migrations)  # not replayed (see replay()): their tables are not compared this time
    owners = {table: app for table, app in owners.items() if app not in waiting}

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return name in owners and name != VERSION_TABLE
        return True

    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "render_as_batch": True,
            "include_object": include,
            "target_metadata": metadata,
            "version_table": VERSION_TABLE,
        },
    )
    script = produce_migrations(context, metadata)
    assert script.upgrade_ops is not None
    operations = _with_renames(list(script.upgrade_ops.ops), questioner, connection.dialect)
    operations = _drops_children_first(operations, connection)
    operations = _no_index_drops_before_table_drops(operations)
    existing = set(history)
    defaults = _field_defaults(labels)
    changes: dict[str, AppChanges] = {}
    for operation in operations:
        table = _table_of(operation)
        owner = owners.get(table or "")
        if owner is None:
            continue
        app = changes.setdefault(owner, AppChanges(owner))
        for step in _fill_new_not_null(operation, existing, questioner, defaults):
            app.operations.append(step)
            for target in _referenced_tables(step):
                other = owners.get(target)
                if other is not None and other != owner:
                    app.depends_on_apps.add(other)
    return changes


class DowngradeOnlyOp(ops.MigrateOperation):
    """Nothing on the way up; ``inner`` reversed on the way down.

    Alembic drops a table's indexes before the table. That is useless (the table
    goes with them) and MariaDB refuses it for an index a foreign key needs; but
    the downgrade must create those indexes again after re-creating the table.
    """

    def __init__(self, inner: ops.MigrateOperation) -> None:
        self.inner = inner

    def reverse(self) -> ops.MigrateOperation:
        return self.inner.reverse()


class UpgradeOnlyOp(ops.MigrateOperation):
    """``inner`` on the way up, nothing on the way down (the indexes of a table the downgrade drops)."""

    def __init__(self, inner: ops.MigrateOperation) -> None:
        self.inner = inner

    def reverse(self) -> ops.MigrateOperation:
        return DowngradeOnlyOp(self.inner)  # renders nothing; its own reverse is never taken


@renderers.dispatch_for(DowngradeOnlyOp)
def _render_nothing(context: Any, operation: DowngradeOnlyOp) -> list[str]:
    return []


@renderers.dispatch_for(UpgradeOnlyOp)
def _render_inner(context: Any, operation: UpgradeOnlyOp) -> Any:
    return renderers.dispatch(operation.inner)(context, operation.inner)


def _no_index_drops_before_table_drops(operations: list[Any]) -> list[Any]:
    """No DROP INDEX for a table dropped in the same migration, either way."""
    dropped = {op.table_name for op in operations if isinstance(op, ops.DropTableOp)}
    created = {op.table_name for op in operations if isinstance(op, ops.CreateTableOp)}
    result: list[Any] = []
    index_drops = {
        op.table_name: op
        for op in operations
        if isinstance(op, ops.ModifyTableOps) and op.table_name in dropped and _only(op, ops.DropIndexOp)
    }
    for op in operations:
        if isinstance(op, ops.ModifyTableOps) and index_drops.get(op.table_name) is op:
            continue
        if isinstance(op, ops.DropTableOp) and op.table_name in index_drops:
            # Just before its table: on the way down, the indexes come back right after the table.
            result.append(DowngradeOnlyOp(index_drops[op.table_name]))
            result.append(op)
        elif isinstance(op, ops.ModifyTableOps) and op.table_name in created and _only(op, ops.CreateIndexOp):
            result.append(UpgradeOnlyOp(op))
        else:
            result.append(op)
    return result


def _only(container: ops.ModifyTableOps, kind: type[Any]) -> bool:
    return all(isinstance(inner, kind) for inner in container.ops)


def _drops_children_first(operations: list[Any], connection: Connection) -> list[Any]:
    """Dropped tables in an order the database accepts: a table before the tables its foreign keys point at."""
    drops = [op for op in operations if isinstance(op, ops.DropTableOp)]
    if len(drops) < 2:
        return operations
    inspector = inspect(connection)
    dropped = {op.table_name: op for op in drops}
    targets = {
        name: {fk["referred_table"] for fk in inspector.get_foreign_keys(name)} & set(dropped) - {name}
        for name in dropped
    }
    ordered: list[Any] = []
    placed: set[str] = set()

    def place(name: str, path: tuple[str, ...] = ()) -> None:
        if name in placed or name in path:
            return
        for child in sorted(other for other, refs in targets.items() if name in refs):
            place(child, (*path, name))
        placed.add(name)
        ordered.append(dropped[name])

    for name in dropped:
        place(name)
    slots = iter(ordered)
    return [next(slots) if isinstance(op, ops.DropTableOp) else op for op in operations]


def _table_of(operation: Any) -> str | None:
    if isinstance(operation, DowngradeOnlyOp | UpgradeOnlyOp):
        operation = operation.inner
    return getattr(operation, "table_name", None)


def _referenced_tables(operation: Any) -> set[str]:
    """Tables the foreign keys created by ``operation`` point at."""
    tables: set[str] = set()
    if isinstance(operation, ops.CreateTableOp):
        table = operation.to_table()
        tables |= {fk.column.table.name for fk in table.foreign_keys if _resolvable(fk)}
        tables |= {_target_table(fk) for fk in table.foreign_keys if not _resolvable(fk)}
    elif isinstance(operation, ops.ModifyTableOps):
        for inner in operation.ops:
            tables |= _referenced_tables(inner)
    elif isinstance(operation, (ops.AddColumnOp, AddColumnFilledOp)):
        tables |= {_target_table(fk) for fk in operation.column.foreign_keys}
    elif isinstance(operation, ops.CreateForeignKeyOp):
        tables.add(operation.referent_table)
    return tables


def _resolvable(fk: Any) -> bool:
    try:
        fk.column  # noqa: B018  (resolves the target column)
    except Exception:
        return False
    return True


def _target_table(fk: Any) -> str:
    return str(fk.target_fullname).rsplit(".", 1)[0]


def _type_text(column: Any) -> str:
    return repr(column.type)


def _with_renames(operations: list[Any], questioner: Questioner, dialect: Any) -> list[Any]:
    """Turn drop + add of a compatible column (or table) into a rename when the questioner says so."""
    renamed_tables = _table_renames(operations, questioner, dialect)
    result: list[Any] = []
    for operation in operations:
        if isinstance(operation, ops.ModifyTableOps):
            operation.ops = _column_renames(operation.table_name, list(operation.ops), questioner, dialect)
            if not operation.ops:
                continue
        result.append(operation)
    if not renamed_tables:
        return result
    kept = []
    for operation in result:
        if isinstance(operation, ops.DropTableOp) and operation.table_name in renamed_tables:
            kept.append(RenameTableOp(operation.table_name, renamed_tables[operation.table_name]))
        elif isinstance(operation, ops.CreateTableOp) and operation.table_name in renamed_tables.values():
            continue
        else:
            kept.append(operation)
    return kept


def _column_signature(column: Any, dialect: Any) -> tuple[str, bool]:
    """What must match for a dropped column and an added one to be a rename: the SQL type and NULL-ness."""
    column_type = column.type
    for detail in ("collation", "charset", "display_width"):  # what MariaDB reflects and models never name
        if getattr(column_type, detail, None):
            column_type = column_type.copy()
            setattr(column_type, detail, None)
    try:
        type_text = column_type.compile(dialect=dialect)
    except Exception:
        type_text = _type_text(column)
    if dialect.name in ("mariadb", "mysql") and type_text == "JSON":
        type_text = "LONGTEXT"  # MariaDB's JSON is LONGTEXT (with a json_valid check), and reflects as such
    return (type_text, bool(column.nullable))


def _column_renames(table: str, operations: list[Any], questioner: Questioner, dialect: Any) -> list[Any]:
    drops = [op for op in operations if isinstance(op, ops.DropColumnOp)]
    adds = [op for op in operations if isinstance(op, ops.AddColumnOp)]
    replaced: set[int] = set()
    renames: list[Any] = []
    for drop in drops:
        old = drop.to_column()
        candidates = [
            add
            for add in adds
            if id(add) not in replaced and _column_signature(add.column, dialect) == _column_signature(old, dialect)
        ]
        if len(candidates) != 1:
            continue
        add = candidates[0]
        type_text = _column_signature(add.column, dialect)[0]
        if not questioner.ask_rename(table, old.name, add.column.name, type_text):
            continue
        replaced |= {id(add), id(drop)}
        renames.append(
            RenameColumnOp(
                table,
                old.name,
                modify_name=add.column.name,
                existing_type=add.column.type,
                existing_nullable=add.column.nullable,
            )
        )
    return renames + [op for op in operations if id(op) not in replaced]


def _table_renames(operations: list[Any], questioner: Questioner, dialect: Any) -> dict[str, str]:
    dropped = [op for op in operations if isinstance(op, ops.DropTableOp)]
    created = [op for op in operations if isinstance(op, ops.CreateTableOp)]
    renames: dict[str, str] = {}
    for drop in dropped:
        old = drop.to_table()
        shape = sorted((c.name, *_column_signature(c, dialect)) for c in old.columns)
        candidates = [
            create
            for create in created
            if create.table_name not in renames.values()
            and sorted((c.name, *_column_signature(c, dialect)) for c in create.to_table().columns) == shape
        ]
        if len(candidates) == 1 and questioner.ask_rename_table(drop.table_name, candidates[0].table_name):
            renames[drop.table_name] = candidates[0].table_name
    return renames


def _fill_new_not_null(
    operation: Any, existing_tables: set[str], questioner: Questioner, defaults: dict[tuple[str, str], Any]
) -> list[Any]:
    """New NOT NULL columns of existing tables get their rows filled (from the field's default or an answer)."""
    if not isinstance(operation, ops.ModifyTableOps) or operation.table_name not in existing_tables:
        return [operation]
    kept: list[Any] = []
    filled: list[Any] = []
    for inner in operation.ops:
        column = getattr(inner, "column", None)
        if (
            isinstance(inner, ops.AddColumnOp)
            and column is not None
            and not column.nullable
            and column.server_default is None
            and not column.primary_key
        ):
            model_field = defaults.get((operation.table_name, column.name))
            value = _fill_value(operation.table_name, column, questioner, model_field)
            filled.append(AddColumnFilledOp(operation.table_name, column, value))
        else:
            kept.append(inner)
    operation.ops = kept
    return ([operation] if kept else []) + filled


def _fill_value(table: str, column: Any, questioner: Questioner, model_field: Any) -> Any:
    default = column.default
    value: Any = None
    if model_field is not None:
        value = model_field.get_default()
    elif default is not None and getattr(default, "is_scalar", False):
        value = default.arg
    elif default is not None and getattr(default, "is_callable", False):
        value = _call_default(default.arg)
    if value is None:
        value = questioner.ask_fill(table, column.name)
    if value is None:
        raise MissingFill(
            f"New column {table}.{column.name} is NOT NULL and has no default, and the table may hold rows: "
            "they need a value. Give the field a default (default=...), allow NULL (null=True), or run "
            "makemigrations interactively to type a one-off value."
        )
    if isinstance(value, (dict, list, *_LITERALS)):
        return value
    raise MissingFill(
        f"The default of new column {table}.{column.name} ({value!r}) cannot be written into a migration; "
        "run makemigrations interactively to type a one-off value."
    )


def _call_default(function: Callable[..., Any]) -> Any:
    try:
        return function(None)  # SQLAlchemy wraps a default callable to take the execution context
    except TypeError:
        return function()
