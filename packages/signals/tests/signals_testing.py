"""Shared by the signals tests: the databases, a project per database and plugin list (named apart from
``conftest`` so that ``import`` finds this file whichever package's tests ran first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastjango.core.project import Project
from fastjango.orm.testing.backends import TEST_BACKENDS

BACKENDS = TEST_BACKENDS

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
