"""Errors a command reports as one line, without a traceback."""

from __future__ import annotations

import click

__all__ = ["CommandError"]


class CommandError(click.ClickException):
    """Raise from a command to stop it with ``Error: <message>`` and exit status 1."""

    exit_code = 1
