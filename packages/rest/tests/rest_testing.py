"""Shared by the rest tests: the databases and a project per database (named apart from ``conftest``
so that ``import`` finds this file whichever package's tests ran first)."""

from __future__ import annotations

import os

from fastjango.core.project import Project

BACKENDS = {
    "sqlite": ("sqlite:///unused.sqlite3", None),
    "postgresql": ("postgresql://postgres@127.0.0.1:5432/test", ("PostgreSQL", 5432)),
    "mariadb": ("mariadb://root@127.0.0.1:3306/test", ("MariaDB", 3306)),
}
SELECTED = [
    name.strip() for name in os.environ.get("FASTJANGO_TEST_BACKENDS", ",".join(BACKENDS)).split(",") if name.strip()
]

_projects: dict[str, Project] = {}


def project_for(backend: str) -> Project:
    """One project per backend for the session, with the ORM and the rest plugin."""
    import rest_blog.models  # noqa: F401  (the models must exist before the test databases are built)

    project = _projects.get(backend)
    if project is None:
        project = _projects[backend] = Project(
            {
                "INSTALLED_PLUGINS": ["orm", "rest"],
                "INSTALLED_APPS": ["rest_blog"],
                "DATABASES": {"default": {"URL": BACKENDS[backend][0]}},
                "ALLOWED_HOSTS": ["testserver"],
                "SECRET_KEY": "test-" + "k" * 60,
            },
            environ={},
        )
    return project
