"""The ``fastjango-admin`` group: scaffolding commands plus whatever the project's plugins add."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from fastjango.core.__about__ import __version__
from fastjango.core.conf import SETTINGS_MODULE_ENV
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.management._discovery import commands_from_plugins
from fastjango.core.plugins import activate_plugins, create_plugin_manager

__all__ = ["cli", "execute_from_command_line", "main"]


def _scaffold_commands() -> dict[str, click.Command]:
    """Commands that need no project: they create one."""
    from fastjango.core.management.commands.startapp import startapp
    from fastjango.core.management.commands.startplugin import startplugin
    from fastjango.core.management.commands.startproject import startproject

    return {command.name or "": command for command in (startproject, startapp, startplugin)}


class FastjangoCLI(click.Group):
    """A group whose commands come from the project, loaded only when a command needs it."""

    def _project_commands(self, ctx: click.Context) -> tuple[dict[str, click.Command], Exception | None]:
        cached = ctx.meta.get("fastjango.commands")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        error: Exception | None = None
        commands: dict[str, click.Command] = {}
        if os.environ.get(SETTINGS_MODULE_ENV):
            from fastjango.core.project import get_project

            try:
                commands = get_project().commands()
            except ImproperlyConfigured as exc:
                error = exc
        if not commands:
            # No usable project: offer core's own commands; running one that needs
            # settings reports the problem.
            pm = create_plugin_manager()
            activate_plugins(pm, [])
            commands = commands_from_plugins(pm)
        ctx.meta["fastjango.commands"] = (commands, error)
        return commands, error

    def list_commands(self, ctx: click.Context) -> list[str]:
        commands, _ = self._project_commands(ctx)
        return sorted({*_scaffold_commands(), *commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        scaffold = _scaffold_commands()
        if cmd_name in scaffold:
            return scaffold[cmd_name]
        commands, error = self._project_commands(ctx)
        if cmd_name in commands:
            return commands[cmd_name]
        if error is not None:
            raise click.UsageError(f"Unknown command {cmd_name!r}; the project's commands could not be loaded: {error}")
        return None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        command = self.get_command(ctx, name)
        if command is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise click.UsageError(f"Unknown command {name!r}.{hint} Run with --help to list the commands.")
        return name, command, args[1:]


def _set_settings(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        os.environ[SETTINGS_MODULE_ENV] = value
    return value


def _set_pythonpath(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        sys.path.insert(0, os.path.abspath(value))
    return value


@click.group(cls=FastjangoCLI, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--settings",
    metavar="MODULE",
    is_eager=True,
    expose_value=False,
    callback=_set_settings,
    help=f"Settings module, e.g. mysite.settings (default: ${SETTINGS_MODULE_ENV}).",
)
@click.option(
    "--pythonpath",
    metavar="DIR",
    is_eager=True,
    expose_value=False,
    callback=_set_pythonpath,
    help="A folder to add to the Python path, e.g. /home/me/mysite.",
)
@click.version_option(__version__, "--version", prog_name="fastjango")
def cli() -> None:
    """fastjango: Django's way of working, at FastAPI's speed."""


def main(argv: Sequence[str] | None = None, prog_name: str | None = None) -> None:
    """Run the CLI; user errors print one line and exit non-zero, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.exceptions.Abort:
        click.secho("Aborted.", fg="red", err=True)
        raise SystemExit(1) from None
    except click.UsageError as exc:
        click.echo(click.style("Error: ", fg="red", bold=True) + exc.format_message(), err=True)
        raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:
        click.echo(click.style("Error: ", fg="red", bold=True) + exc.format_message(), err=True)
        raise SystemExit(exc.exit_code) from None
    except ImproperlyConfigured as exc:
        click.echo(click.style("Error: ", fg="red", bold=True) + str(exc), err=True)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    if isinstance(code, int) and code:
        raise SystemExit(code)


def execute_from_command_line(argv: Sequence[str] | None = None) -> None:
    """What ``manage.py`` calls: ``execute_from_command_line(sys.argv)``."""
    argv = list(sys.argv if argv is None else argv)
    prog = os.path.basename(argv[0]) if argv else "manage.py"
    main(argv[1:], prog_name=f"python {prog}" if prog.endswith(".py") else prog)
