"""System checks: problems found in a project before it serves a request.

Plugins register checks through the ``fastjango_register_checks`` hook, apps
from ``AppConfig.ready()`` with ``self.register_check``. ``manage.py check``
runs them; ``runserver`` refuses to start while an error is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "INFO",
    "WARNING",
    "CheckFunction",
    "CheckMessage",
    "CheckRegistry",
    "Critical",
    "Debug",
    "Error",
    "Info",
    "Tags",
    "Warning",
]

DEBUG = logging.DEBUG
INFO = logging.INFO
WARNING = logging.WARNING
ERROR = logging.ERROR
CRITICAL = logging.CRITICAL

_LEVEL_NAMES = {DEBUG: "DEBUG", INFO: "INFO", WARNING: "WARNING", ERROR: "ERROR", CRITICAL: "CRITICAL"}


@dataclass(frozen=True)
class CheckMessage:
    """One finding: a level, a sentence, a hint that says how to fix it, and a stable id."""

    level: int
    msg: str
    hint: str | None = None
    obj: Any = None
    id: str | None = None

    def is_serious(self, level: int = ERROR) -> bool:
        return self.level >= level

    @property
    def level_name(self) -> str:
        return _LEVEL_NAMES.get(self.level, str(self.level))

    def __str__(self) -> str:
        where = f"{self.obj}: " if self.obj is not None else "?: "
        ident = f"({self.id}) " if self.id else ""
        hint = f"\n\tHINT: {self.hint}" if self.hint else ""
        return f"{where}{ident}{self.msg}{hint}"


def _message(level: int) -> Callable[..., CheckMessage]:
    def make(msg: str, hint: str | None = None, obj: Any = None, id: str | None = None) -> CheckMessage:  # noqa: A002
        return CheckMessage(level, msg, hint=hint, obj=obj, id=id)

    return make


Debug = _message(DEBUG)
Info = _message(INFO)
Warning = _message(WARNING)  # noqa: A001 - Django's name
Error = _message(ERROR)
Critical = _message(CRITICAL)


class Tags:
    """Tags of core's checks; ``check --tag security`` runs only those."""

    security = "security"
    urls = "urls"
    settings = "settings"
    plugins = "plugins"
    middleware = "middleware"


CheckFunction = Callable[["Project"], Iterable[CheckMessage]]


@dataclass
class _Registered:
    check: CheckFunction
    tags: frozenset[str]
    deploy: bool


@dataclass
class CheckRegistry:
    """The checks of one project."""

    _checks: list[_Registered] = field(default_factory=list)

    def register(self, check: CheckFunction, *tags: str, deploy: bool = False) -> CheckFunction:
        """Add a check; usable as a decorator. ``deploy=True`` checks run only with ``--deploy``."""
        if not any(entry.check is check for entry in self._checks):
            self._checks.append(_Registered(check, frozenset(tags), deploy))
        return check

    def tags_available(self, deploy: bool = False) -> set[str]:
        return {tag for entry in self._checks if deploy or not entry.deploy for tag in entry.tags}

    def run(self, project: Project, *, tags: Sequence[str] = (), deploy: bool = False) -> list[CheckMessage]:
        """Run the matching checks and return every message, in registration order."""
        wanted = set(tags)
        messages: list[CheckMessage] = []
        for entry in self._checks:
            if entry.deploy and not deploy:
                continue
            if wanted and not (wanted & entry.tags):
                continue
            found = entry.check(project)
            messages.extend(found or ())
        return messages
