"""makemigrations, migrate and showmigrations as functions: what the commands (and tests) call."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from fastjango.orm.db.config import effective_databases
from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.migrations.autogen import AppChanges, MissingFill, Questioner, ReplayFailed, detect_changes
from fastjango.orm.migrations.loader import Migrations, load_migrations
from fastjango.orm.migrations.runner import (
    Step,
    adopted_heads,
    applied_revisions,
    current_heads,
    ensure_version_table,
    run,
)
from fastjango.orm.migrations.scratch import scratch_engine
from fastjango.orm.migrations.writer import MigrationSource, name_for, render_migration, write_migration

if TYPE_CHECKING:
    from pathlib import Path

    from fastjango.core.project import Project

__all__ = [
    "ModelChangesPending",
    "PlannedMigration",
    "make_migrations",
    "migrate",
    "model_changes",
    "show_migrations",
    "write_planned",
]


class ModelChangesPending(Exception):
    """Models differ from their migrations: ``makemigrations`` has work to do first."""


@dataclass
class PlannedMigration:
    """A migration makemigrations would write: its source, its text and its path."""

    source: MigrationSource
    text: str
    path: Path


def _config(project: Project, alias: str) -> object:
    configs = effective_databases(project.settings)
    if alias not in configs:
        raise ImproperlyConfigured(f"No database {alias!r} in DATABASES; known: {', '.join(sorted(configs))}.")
    return configs[alias]


@contextmanager
def _scratch(project: Project, alias: str) -> Iterator[Engine]:
    with scratch_engine(_config(project, alias), alias) as engine:  # type: ignore[arg-type]
        yield engine


def _labels(migrations: Migrations, app_labels: Sequence[str]) -> list[str]:
    for label in app_labels:
        migrations.app(label)
    return list(app_labels) or list(migrations.apps)


def make_migrations(
    project: Project,
    *,
    app_labels: Sequence[str] = (),
    name: str | None = None,
    empty: bool = False,
    questioner: Questioner | None = None,
    alias: str = "default",
) -> list[PlannedMigration]:
    """The migrations that would bring the given apps (all by default) in line with their models."""
    migrations = load_migrations(project)
    labels = _labels(migrations, app_labels)
    if empty:
        if not app_labels:
            raise ImproperlyConfigured("makemigrations --empty needs the app label(s) to make an empty migration for.")
        return [_plan(migrations, label, [], set(), {}, name, None) for label in labels]
    with _scratch(project, alias) as engine, engine.connect() as connection:
        changes = detect_changes(migrations, connection, migrations.apps, questioner or Questioner())
        context = MigrationContext.configure(connection)
        selected = {label: changes[label] for label in labels if label in changes}
        for change in list(selected.values()):  # an app's new migration may need another app's new one
            for other in change.depends_on_apps:
                if other not in selected and other in changes:
                    selected[other] = changes[other]
        order = _dependency_order(selected)
        planned: dict[str, str] = {}
        result = []
        for label in order:
            change = selected[label]
            plan = _plan(migrations, label, change.operations, change.depends_on_apps, planned, name, context, change)
            planned[label] = plan.source.revision
            result.append(plan)
        return result


def _dependency_order(changes: dict[str, AppChanges]) -> list[str]:
    order: list[str] = []
    visiting: list[str] = []

    def visit(label: str) -> None:
        if label in order:
            return
        if label in visiting:
            cycle = " -> ".join([*visiting[visiting.index(label) :], label])
            raise ImproperlyConfigured(
                f"The new migrations depend on each other in a circle ({cycle}): make one app's foreign key "
                "in a later makemigrations run (for example: create the model without it first)."
            )
        visiting.append(label)
        for other in sorted(changes[label].depends_on_apps):
            if other in changes:
                visit(other)
        visiting.pop()
        order.append(label)

    for label in sorted(changes):
        visit(label)
    return order


def _plan(
    migrations: Migrations,
    label: str,
    operations: Sequence[object],
    depends_on_apps: set[str],
    planned: dict[str, str],
    name: str | None,
    context: MigrationContext | None,
    change: AppChanges | None = None,
) -> PlannedMigration:
    head = migrations.head(label)
    number = (head.number if head else 0) + 1
    migration_name = f"{number:04d}_{name}" if name else name_for(number, operations, first=head is None)
    depends_on = []
    for other in sorted(depends_on_apps):
        if other in planned:
            depends_on.append(planned[other])
        else:
            other_head = migrations.head(other)
            if other_head is not None:
                depends_on.append(other_head.revision)
    upgrade = change.upgrade_ops() if change else AppChanges(label).upgrade_ops()
    downgrade = change.downgrade_ops() if change else AppChanges(label).downgrade_ops()
    source = MigrationSource(
        label,
        migration_name,
        down_revision=head.revision if head else None,
        depends_on=tuple(depends_on),
        upgrade=upgrade,
        downgrade=downgrade,
        message=migration_name.split("_", 1)[1].replace("_", " ").capitalize(),
    )
    text = render_migration(source, context)
    return PlannedMigration(source, text, migrations.apps[label].directory / f"{migration_name}.py")


def write_planned(planned: Sequence[PlannedMigration]) -> list[Path]:
    """Write the planned migration files."""
    return [write_migration(plan.path.parent, plan.source, plan.text) for plan in planned]


def model_changes(project: Project, *, alias: str = "default") -> list[str]:
    """App labels whose models differ from their migrations (empty when all is in step)."""
    migrations = load_migrations(project)
    with _scratch(project, alias) as engine, engine.connect() as connection:
        try:
            changes = detect_changes(migrations, connection, migrations.apps, Questioner())
        except MissingFill as error:
            return [str(error)]
    return sorted(label for label, change in changes.items() if change.operations)


def _target(
    migrations: Migrations, connection: Connection, app_label: str | None, target: str | None
) -> tuple[str, bool]:
    """(Alembic revision to go to, backwards?) for ``migrate [app [target]]``."""
    if app_label is None:
        return "heads", False
    migrations.app(app_label)
    if target is None:
        head = migrations.head(app_label)
        return (head.revision if head else "heads"), False
    if target == "zero":
        if not migrations.by_app.get(app_label):
            return "heads", False
        return f"{app_label}@base", True
    file = migrations.find(app_label, target)
    applied = applied_revisions(migrations, adopted_heads(migrations, current_heads(connection)))
    if file.revision in applied:
        return file.revision, True
    return file.revision, False


def migrate(
    project: Project,
    *,
    app_label: str | None = None,
    target: str | None = None,
    alias: str = "default",
    check_models: bool = True,
    on_step: Callable[[Step], None] | None = None,
    fake: bool = False,
) -> list[Step]:
    """Apply (or unapply) migrations on database ``alias``; the steps taken, in order.

    ``fake`` records them as applied (or unapplied) without running them.
    """
    from fastjango.orm.db.connections import databases_for

    migrations = load_migrations(project)
    if app_label is not None:
        migrations.app(app_label)
    if check_models and target != "zero":
        try:
            pending = model_changes(project, alias=alias)
        except ReplayFailed:
            pending = []  # a broken migration: running it on the real database reports it
        if pending:
            raise ModelChangesPending(
                "Your models have changes that no migration makes yet (apps: "
                + ", ".join(pending)
                + "). Run `manage.py makemigrations`, then migrate again."
            )
    engine = databases_for(project)[alias].sync_engine
    hook = project.pm.hook
    with engine.connect() as connection:
        ensure_version_table(connection)
        destination, backwards = _target(migrations, connection, app_label, target)
        _call(hook, "fastjango_orm_pre_migrate", project=project, using=alias)
        if fake:
            steps = _fake(migrations, connection, destination, backwards, on_step)
        else:
            steps = run(migrations, connection, destination, backwards=backwards, on_step=on_step)
        connection.commit()
    _call(hook, "fastjango_orm_post_migrate", project=project, using=alias, plan=steps)
    return steps


def _fake(
    migrations: Migrations,
    connection: Connection,
    destination: str,
    backwards: bool,
    on_step: Callable[[Step], None] | None,
) -> list[Step]:
    """Record ``destination`` without running anything; one step per migration whose recorded state changed."""
    before = applied_revisions(migrations, adopted_heads(migrations, current_heads(connection)))
    run(migrations, connection, destination, backwards=backwards, fake=True)
    after = applied_revisions(migrations, current_heads(connection))
    changed = sorted(before ^ after, key=lambda revision: _order(migrations, revision), reverse=backwards)
    steps = []
    for revision in changed:
        file = migrations.by_revision[revision]
        step = Step(file.app_label, file.name, backwards=revision in before)
        steps.append(step)
        if on_step is not None:
            on_step(step)
    return steps


def _order(migrations: Migrations, revision: str) -> tuple[int, str, int]:
    file = migrations.by_revision[revision]
    return (list(migrations.apps).index(file.app_label), file.app_label, file.number)


def _call(hook: object, name: str, **kwargs: object) -> None:
    """Call hook ``name`` if any active plugin implements it (the ORM's hooks cost nothing otherwise)."""
    caller = getattr(hook, name, None)
    if caller is not None and caller.get_hookimpls():
        caller(**kwargs)


def show_migrations(project: Project, *, alias: str = "default") -> list[tuple[str, list[tuple[str, bool]]]]:
    """Per app with migrations: (name, applied?) in order."""
    from fastjango.orm.db.connections import databases_for

    migrations = load_migrations(project)
    engine = databases_for(project)[alias].sync_engine
    with engine.connect() as connection:
        applied = applied_revisions(migrations, adopted_heads(migrations, current_heads(connection)))
    return [
        (label, [(file.name, file.revision in applied) for file in files]) for label, files in migrations.by_app.items()
    ]
