"""Running migrations with Alembic's own commands: forward, backward, as SQL, and what is applied.

Alembic's commands (``upgrade``, ``downgrade``, ``--sql``) do the work; the
environment script they run (``env.py`` here) takes its connection or
dialect from :class:`RunOptions` in ``config.attributes`` instead of an
``alembic.ini``. Each migration runs in its own transaction, as Django's do:
on PostgreSQL a failing migration leaves the database as it was before it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alembic import command
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.engine import Connection

from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.migrations.loader import VERSION_TABLE, MigrationFile, Migrations

__all__ = [
    "MigrationFailed",
    "RunOptions",
    "Step",
    "adopt_squashed",
    "adopted_heads",
    "applied_revisions",
    "configure_environment",
    "current_heads",
    "ensure_version_table",
    "parents",
    "run",
    "sql_for",
    "squash_map",
]


@dataclass(frozen=True)
class Step:
    """One migration applied (``backwards`` False) or unapplied."""

    app_label: str
    name: str
    backwards: bool


class MigrationFailed(Exception):
    """A migration raised; the message says what state the database is left in."""


@dataclass
class RunOptions:
    """What ``env.py`` needs: a connection (online) or a dialect name (``--sql``)."""

    migrations: Migrations
    connection: Connection | None = None
    dialect_name: str | None = None
    output: io.StringIO | None = None
    on_step: Callable[[Step], None] | None = None
    steps: list[Step] = field(default_factory=list)
    #: The revision whose upgrade() or downgrade() is running, to name it if it fails.
    running: str | None = None


def _version_table() -> Table:
    # Alembic's own has a 32-character column; Django-style names are longer. Alembic keeps a table it finds.
    return Table(VERSION_TABLE, MetaData(), Column("version_num", String(255), primary_key=True))


def ensure_version_table(connection: Connection) -> None:
    """Create the version table (committed) if the database has none yet."""
    _version_table().create(connection, checkfirst=True)
    connection.commit()


def configure_environment(context: EnvironmentContext) -> None:
    """``env.py``'s body: configure Alembic from :class:`RunOptions` and run the planned migrations."""
    options: RunOptions = context.config.attributes["fastjango"]
    _watch(context.script, options)

    def applied(ctx: MigrationContext, step: MigrationInfo, heads: Any, run_args: Any) -> None:
        file = options.migrations.by_revision.get(step.up_revision_id or "")
        if file is not None:
            done = Step(file.app_label, file.name, not step.is_upgrade)
            options.steps.append(done)
            if options.on_step is not None:
                options.on_step(done)

    common: dict[str, Any] = {
        "version_table": VERSION_TABLE,
        "transaction_per_migration": True,
        "render_as_batch": True,
        "on_version_apply": applied,
    }
    if options.connection is not None:
        context.configure(connection=options.connection, **common)
    else:
        context.configure(dialect_name=options.dialect_name, output_buffer=options.output, literal_binds=True, **common)
    from fastjango.orm.migrations.swappable import skip_swapped_tables, swapped_tables

    skip_swapped_tables(context.get_context().impl, swapped_tables())
    with context.begin_transaction():
        context.run_migrations()


def _config(options: RunOptions) -> Any:
    config = options.migrations.config
    config.attributes["fastjango"] = options
    return config


def _describe(file: MigrationFile | None, error: BaseException, vendor: str) -> str:
    where = f"Migration {file.app_label}.{file.name}" if file is not None else "A migration"
    if vendor in ("postgresql", "sqlite"):
        # Both run a migration's schema changes inside its transaction (SQLAlchemy begins it on SQLite).
        name = "PostgreSQL" if vendor == "postgresql" else "SQLite"
        state = (
            f"The database is as it was before this migration: {name} rolled its changes back. "
            "The migrations before it stay applied."
        )
    else:
        state = (
            "MariaDB/MySQL cannot roll back schema changes: what this migration did before the failing "
            "statement stays done, and the migration is not recorded as applied. Undo those changes (or "
            "finish them by hand), fix the migration, and run migrate again."
        )
    return f"{where} failed: {type(error).__name__}: {error}\n{state}"


def run(
    migrations: Migrations,
    connection: Connection,
    target: str,
    *,
    backwards: bool,
    on_step: Callable[[Step], None] | None = None,
    fake: bool = False,
) -> list[Step]:
    """Migrate ``connection``'s database up (or down) to Alembic revision ``target``; the steps taken.

    ``fake`` records the target as applied without running anything (Alembic's ``stamp``): for a
    database whose tables already exist. The one step reported is the migration recorded.
    """
    ensure_version_table(connection)
    adopt_squashed(migrations, connection)
    options = RunOptions(migrations, connection=connection, on_step=on_step)
    config = _config(options)
    try:
        if fake:
            command.stamp(config, target)
        elif backwards:
            command.downgrade(config, target)
        else:
            command.upgrade(config, target)
    except Exception as error:
        connection.rollback()
        failing = migrations.by_revision.get(options.running or "")
        raise MigrationFailed(_describe(failing, error, connection.dialect.name)) from error
    return options.steps


def _watch(script: ScriptDirectory, options: RunOptions) -> None:
    """Note in ``options.running`` which migration's function runs (Alembic calls them through the module)."""
    for revision in script.walk_revisions():
        module = revision.module
        for direction in ("upgrade", "downgrade"):
            function = getattr(module, direction, None)
            if callable(function) and not getattr(function, "_fastjango_watched", False):
                setattr(module, direction, _watched(function, revision.revision, options))


def _watched(function: Callable[..., Any], revision: str, options: RunOptions) -> Callable[..., Any]:
    def run_migration(*args: Any, **kwargs: Any) -> Any:
        options.running = revision
        return function(*args, **kwargs)

    run_migration._fastjango_watched = True  # type: ignore[attr-defined]
    return run_migration


def squash_map(migrations: Migrations) -> dict[str, str]:
    """The last migration each squashed migration replaces -> the squashed one."""
    mapping = {}
    for file in migrations.by_revision.values():
        replaces = getattr(file.script.module, "replaces", None)
        if replaces:
            mapping[replaces[-1]] = file.revision
            for earlier in replaces[:-1]:
                mapping.setdefault(earlier, "")
    return mapping


def adopted_heads(migrations: Migrations, heads: tuple[str, ...]) -> tuple[str, ...]:
    """``heads`` with a squashed range's last migration read as the squashed one."""
    mapping = squash_map(migrations)
    return tuple(mapping.get(head) or head for head in heads)


def adopt_squashed(migrations: Migrations, connection: Connection) -> None:
    """Move the database's heads onto squashed migrations that replace them (committed)."""
    mapping = squash_map(migrations)
    for head in current_heads(connection):
        if head not in mapping:
            continue
        squashed = mapping[head]
        if not squashed:
            raise ImproperlyConfigured(
                f"This database's last applied migration is {head}, in the middle of a range that was "
                "squashed. Migrate it past the end of that range with the migrations from before the "
                "squash (your version control has them), then run migrate with the squashed one."
            )
        table = _version_table()
        connection.execute(table.update().where(table.c.version_num == head).values(version_num=squashed))
    connection.commit()


def current_heads(connection: Connection) -> tuple[str, ...]:
    """The applied heads recorded in the database (empty before the first migrate)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return tuple(context.get_current_heads())


def parents(file: MigrationFile) -> tuple[str, ...]:
    """The revisions ``file`` comes after: its own app's previous one and other apps' it depends on."""
    return _tuple(file.script.down_revision) + _tuple(file.script.dependencies)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def applied_revisions(migrations: Migrations, heads: tuple[str, ...]) -> set[str]:
    """Every revision at or below the applied heads (dependencies included)."""
    applied: set[str] = set()
    pending = list(heads)
    while pending:
        revision = pending.pop()
        file = migrations.by_revision.get(revision)
        if file is None or revision in applied:
            continue
        applied.add(revision)
        pending.extend(parents(file))
    return applied


def sql_for(migrations: Migrations, dialect_name: str, file: MigrationFile, *, backwards: bool) -> str:
    """The SQL of one migration, forward or backward, for ``dialect_name`` (Alembic's offline mode)."""
    output = io.StringIO()
    options = RunOptions(migrations, dialect_name=dialect_name, output=output)
    config = _config(options)
    previous = _tuple(file.script.down_revision)
    below = previous[0] if len(previous) == 1 else "base"
    if backwards:
        command.downgrade(config, f"{file.revision}:{below}", sql=True)
    else:
        command.upgrade(config, f"{below}:{file.revision}", sql=True)
    # Alembic's output also creates and updates the version table: not part of the migration's own SQL.
    statements = re.split(r"\n\s*\n", output.getvalue())
    kept = [statement.strip() for statement in statements if statement.strip() and VERSION_TABLE not in statement]
    return "\n\n".join(kept) + "\n"
