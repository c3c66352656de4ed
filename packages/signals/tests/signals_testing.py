"""Shared by the signals tests: the databases, a project per database and plugin list (named apart from
``conftest`` so that ``import`` finds this file whichever package's tests ran first)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from fastjango.core.project import Project

BACKENDS = {
    "sqlite": ("sqlite:///unused.sqlite3", None),
    "postgresql": ("postgresql://postgres@127.0.0.1:5432/test", ("PostgreSQL", 5432)),
    "mariadb": ("mariadb://root@127.0.0.1:3306/test", ("MariaDB", 3306)),
}
SELECTED = [
    name.strip() for name in os.environ.get("FASTJANGO_TEST_BACKENDS", ",".join(BACKENDS)).split(",") if name.strip()
]

Connect = Callable[..., Any]


_projects: dict[tuple[str, tuple[str, ...]], Project] = {}


def project_for(backend: str, plugins: tuple[str, ...] = ("orm", "signals")) -> Project:
    """One project per backend and plugin list for the session."""
    import signals_blog.models  # noqa: F401  (the models must exist before the test databases are built)

    key = (backend, plugins)
    project = _projects.get(key)
    if project is None:
        project = _projects[key] = Project(
            {
                "INSTALLED_PLUGINS": list(plugins),
                "INSTALLED_APPS": ["signals_blog"],
                "DATABASES": {"default": {"URL": BACKENDS[backend][0]}},
                "ALLOWED_HOSTS": ["testserver"],
                "SECRET_KEY": "test-" + "k" * 60,
            },
            environ={},
        )
    return project
