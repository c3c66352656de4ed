"""The command line: ``fastjango-admin`` and each project's ``manage.py``.

Built on Click. Core's commands and every plugin's come through the
``fastjango_commands`` hook; apps add theirs in ``management/commands/``.
"""

from __future__ import annotations

from fastjango.core.management._cli import cli, execute_from_command_line, main
from fastjango.core.management._errors import CommandError

__all__ = ["CommandError", "cli", "execute_from_command_line", "main"]
