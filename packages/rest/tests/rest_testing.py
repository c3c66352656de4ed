"""Shared by the rest tests: the databases and a project per database (named apart from ``conftest``
so that ``import`` finds this file whichever package's tests ran first)."""

from __future__ import annotations

from fastjango.core.project import Project
from fastjango.orm.testing.backends import TEST_BACKENDS

BACKENDS = TEST_BACKENDS

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
