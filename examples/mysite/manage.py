#!/usr/bin/env python
"""Command-line utility of the mysite project: ``python manage.py --help`` lists the commands."""

import os
import sys


def main() -> None:
    """Run a command with mysite.settings, unless FASTJANGO_SETTINGS_MODULE names others."""
    os.environ.setdefault("FASTJANGO_SETTINGS_MODULE", "mysite.settings")
    try:
        from fastjango.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import fastjango. Is it installed and available on your PYTHONPATH "
            "environment variable? Did you forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
