"""The migration commands: makemigrations, migrate, showmigrations, sqlmigrate."""

from __future__ import annotations

import sys
from typing import Any

import click

from fastjango.core.management._errors import CommandError
from fastjango.core.project import get_project
from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.migrations.autogen import MissingFill, Questioner, ReplayFailed
from fastjango.orm.migrations.loader import load_migrations
from fastjango.orm.migrations.runner import MigrationFailed, Step, sql_for
from fastjango.orm.migrations.workflow import (
    ModelChangesPending,
    make_migrations,
    migrate,
    show_migrations,
    write_planned,
)

__all__ = ["COMMANDS", "makemigrations", "migrate_command", "showmigrations", "sqlmigrate", "squashmigrations"]

_DATABASE = click.option("--database", default="default", show_default=True, help="Database alias to use.")


class InteractiveQuestioner(Questioner):
    """Asks on the terminal, as Django's makemigrations does."""

    def ask_rename(self, table: str, old: str, new: str, type_text: str) -> bool:
        if self.renames:
            return True
        return click.confirm(f"Was {table}.{old} renamed to {table}.{new} (a {type_text})?", default=False)

    def ask_rename_table(self, old: str, new: str) -> bool:
        if self.renames:
            return True
        return click.confirm(f"Was table {old} renamed to {new}?", default=False)

    def ask_fill(self, table: str, column: str) -> Any:
        click.echo(
            f"New column {table}.{column} is NOT NULL without a default, and existing rows need a value.\n"
            "Type a Python literal for them (for example 0, 'draft', True), or press Enter to stop."
        )
        while True:
            answer = click.prompt(">>>", default="", show_default=False)
            if not answer:
                return None
            try:
                import ast

                return ast.literal_eval(answer)
            except (ValueError, SyntaxError) as error:
                click.echo(f"Not a Python literal ({error}); try again.")


def _fail(error: Exception) -> CommandError:
    return CommandError(str(error))


@click.command(name="makemigrations")
@click.argument("app_labels", nargs=-1)
@click.option("--name", "-n", help="Name the new migration (after its number).")
@click.option("--empty", is_flag=True, help="Make an empty migration (for a data migration) for the given apps.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 if models need a migration.")
@click.option("--dry-run", is_flag=True, help="Show what would be written, write nothing.")
@click.option("--rename", "renames", is_flag=True, help="Take every detected rename (non-interactive runs).")
@click.option("--noinput", "--no-input", "no_input", is_flag=True, help="Ask nothing.")
@_DATABASE
def makemigrations(
    app_labels: tuple[str, ...],
    name: str | None,
    empty: bool,
    check_only: bool,
    dry_run: bool,
    renames: bool,
    no_input: bool,
    database: str,
) -> None:
    """Make new migrations from the changes to the models."""
    interactive = not (no_input or check_only) and sys.stdin.isatty()
    questioner = InteractiveQuestioner(renames=renames) if interactive else Questioner(renames=renames)
    try:
        planned = make_migrations(
            get_project(), app_labels=app_labels, name=name, empty=empty, questioner=questioner, alias=database
        )
    except (ImproperlyConfigured, MissingFill, ReplayFailed) as error:
        if check_only and isinstance(error, MissingFill):
            click.echo(str(error))
            raise SystemExit(1) from error
        raise _fail(error) from error
    if not planned:
        click.echo("No changes detected" + (f" in app(s) {', '.join(app_labels)}" if app_labels else "") + ".")
        return
    for plan in planned:
        click.echo(f"Migrations for {plan.source.app_label!r}:")
        click.echo(f"  {plan.path}")
        if dry_run or check_only:
            click.echo(plan.text)
    if check_only:
        raise SystemExit(1)
    if not dry_run:
        write_planned(planned)


@click.command(name="migrate")
@click.argument("app_label", required=False)
@click.argument("target", required=False)
@click.option(
    "--skip-model-check",
    is_flag=True,
    help="Migrate even if models have changes without a migration (normally refused).",
)
@click.option(
    "--fake",
    is_flag=True,
    help="Record the migrations as applied (or unapplied) without running them: for tables that already exist.",
)
@_DATABASE
def migrate_command(
    app_label: str | None, target: str | None, skip_model_check: bool, fake: bool, database: str
) -> None:
    """Apply migrations, or unapply them back to TARGET (a migration name, or zero)."""

    def report(step: Step) -> None:
        if fake:
            click.echo(
                f"  Recorded {step.app_label}.{step.name} as {'unapplied' if step.backwards else 'applied'}... FAKED"
            )
            return
        verb = "Unapplying" if step.backwards else "Applying"
        click.echo(f"  {verb} {step.app_label}.{step.name}... OK")

    click.echo("Running migrations:")
    try:
        steps = migrate(
            get_project(),
            app_label=app_label,
            target=target,
            alias=database,
            check_models=not skip_model_check,
            on_step=report,
            fake=fake,
        )
    except (ImproperlyConfigured, ModelChangesPending, MigrationFailed) as error:
        raise _fail(error) from error
    if not steps:
        click.echo("  No migrations to apply.")


@click.command(name="showmigrations")
@click.argument("app_labels", nargs=-1)
@_DATABASE
def showmigrations(app_labels: tuple[str, ...], database: str) -> None:
    """List migrations and whether each is applied ([X]) or not ([ ])."""
    try:
        listing = show_migrations(get_project(), alias=database)
        known = {label for label, _ in listing}
        for label in app_labels:
            if label not in known:
                load_migrations(get_project()).app(label)
    except ImproperlyConfigured as error:
        raise _fail(error) from error
    for label, files in listing:
        if app_labels and label not in app_labels:
            continue
        click.echo(label)
        if not files:
            click.echo(" (no migrations)")
        for name, applied in files:
            click.echo(f" [{'X' if applied else ' '}] {name}")


@click.command(name="sqlmigrate")
@click.argument("app_label")
@click.argument("migration_name")
@click.option("--backwards", is_flag=True, help="The SQL that unapplies the migration.")
@_DATABASE
def sqlmigrate(app_label: str, migration_name: str, backwards: bool, database: str) -> None:
    """Print the SQL of one migration for the database's dialect."""
    from fastjango.orm.db.connections import databases_for

    project = get_project()
    dialect = "this database"
    try:
        migrations = load_migrations(project)
        file = migrations.find(app_label, migration_name)
        dialect = databases_for(project)[database].sync_engine.dialect.name
        click.echo(sql_for(migrations, dialect, file, backwards=backwards), nl=False)
    except ImproperlyConfigured as error:
        raise _fail(error) from error
    except Exception as error:  # Alembic's offline mode cannot do everything (SQLite table rebuilds)
        if "batch mode with dialect sqlite" in str(error):
            raise CommandError(
                f"Cannot show the SQL of {app_label}.{migration_name} for SQLite: it rebuilds a table (SQLite "
                "cannot alter it in place), and the statements of a rebuild depend on the live table, which "
                "sqlmigrate does not read. Run it with --database set to a PostgreSQL or MariaDB database to "
                "see the plain ALTER statements."
            ) from error
        raise CommandError(f"Cannot show the SQL of {app_label}.{migration_name} for {dialect}: {error}") from error


@click.command(name="squashmigrations")
@click.argument("app_label")
@click.argument("migration_name")
@click.option("--squashed-name", help="Name the new migration (after its number).")
@click.option("--noinput", "--no-input", "no_input", is_flag=True, help="Do not ask for confirmation.")
def squashmigrations(app_label: str, migration_name: str, squashed_name: str | None, no_input: bool) -> None:
    """Replace APP_LABEL's migrations up to MIGRATION_NAME with one migration."""
    from fastjango.orm.migrations.squash import plan_squash, write_squash

    try:
        plan = plan_squash(load_migrations(get_project()), app_label, migration_name, squashed_name)
    except ImproperlyConfigured as error:
        raise _fail(error) from error
    names = ", ".join(file.name for file in plan.replaced)
    click.echo(f"Will squash {app_label}: {names}\ninto {plan.path}")
    if plan.rewrites:
        click.echo("and point these at it: " + ", ".join(str(path) for path in plan.rewrites))
    if not no_input and sys.stdin.isatty() and not click.confirm("Go ahead?", default=True):
        return
    write_squash(plan)
    click.echo(
        "Done. Databases at the last squashed migration move onto the new one at their next migrate; "
        "the replaced files were deleted (your version control keeps them)."
    )


COMMANDS = [makemigrations, migrate_command, showmigrations, sqlmigrate, squashmigrations]
