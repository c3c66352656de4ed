"""``check``: run the system checks."""

from __future__ import annotations

import click

from fastjango.core import checks
from fastjango.core.checks import CheckMessage
from fastjango.core.management._errors import CommandError
from fastjango.core.project import Project, get_project

_LEVELS = {
    "DEBUG": checks.DEBUG,
    "INFO": checks.INFO,
    "WARNING": checks.WARNING,
    "ERROR": checks.ERROR,
    "CRITICAL": checks.CRITICAL,
}
_COLOURS = {checks.WARNING: "yellow", checks.ERROR: "red", checks.CRITICAL: "red"}


def format_messages(messages: list[CheckMessage]) -> str:
    """Group messages by level, most serious first, the way Django prints them."""
    lines: list[str] = []
    for level in sorted({message.level for message in messages}, reverse=True):
        group = [message for message in messages if message.level == level]
        lines.append(click.style(f"{group[0].level_name}S:", fg=_COLOURS.get(level), bold=True))
        lines.extend(click.style(str(message), fg=_COLOURS.get(level)) for message in group)
        lines.append("")
    count = len(messages)
    summary = (
        "System check identified no issues."
        if not count
        else f"System check identified {count} issue{'s' if count != 1 else ''}."
    )
    lines.append(summary)
    return "\n".join(lines)


def run_and_report(
    project: Project, *, tags: tuple[str, ...] = (), deploy: bool = False, fail_level: int = checks.ERROR
) -> None:
    """Run checks, print them, and raise :class:`CommandError` if any reaches ``fail_level``."""
    messages = project.run_checks(tags=tags, deploy=deploy)
    serious = [message for message in messages if message.level >= fail_level]
    text = format_messages(messages)
    if serious:
        raise CommandError("System check found problems that stop this command:\n\n" + text)
    click.echo(text)


@click.command(name="check")
@click.option("--deploy", is_flag=True, help="Also run the checks for a production deployment.")
@click.option("--tag", "-t", "tags", multiple=True, metavar="TAG", help="Run only checks with this tag (repeatable).")
@click.option("--list-tags", is_flag=True, help="List the available tags and exit.")
@click.option(
    "--fail-level",
    type=click.Choice(list(_LEVELS), case_sensitive=False),
    default="ERROR",
    show_default=True,
    help="Message level that makes the command exit non-zero.",
)
def check(deploy: bool, tags: tuple[str, ...], list_tags: bool, fail_level: str) -> None:
    """Inspect the project for common problems."""
    project = get_project()
    if list_tags:
        click.echo("\n".join(sorted(project.checks.tags_available(deploy=deploy))))
        return
    unknown = set(tags) - project.checks.tags_available(deploy=deploy)
    if unknown:
        known = ", ".join(sorted(project.checks.tags_available(deploy=deploy)))
        raise click.BadParameter(
            f"there is no check tagged {', '.join(sorted(unknown))}; tags: {known}", param_hint="--tag"
        )
    run_and_report(project, tags=tags, deploy=deploy, fail_level=_LEVELS[fail_level.upper()])
