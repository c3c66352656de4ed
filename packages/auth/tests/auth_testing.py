"""Shared by the auth tests: a project per database with the ORM and the auth plugin (named apart from
``conftest`` so that ``import`` finds this file whichever package's tests ran first)."""

from __future__ import annotations

from typing import Any

from fastjango.core.project import Project
from fastjango.orm.testing.backends import TEST_BACKENDS

_projects: dict[tuple[str, tuple[tuple[str, Any], ...]], Project] = {}

SECRET_KEY = "auth-tests-" + "k" * 60


def project_for(backend: str, **extra: Any) -> Project:
    """One project per backend (and extra settings) for the session, with the ORM and the auth plugin."""
    key = (backend, tuple(sorted((name, repr(value)) for name, value in extra.items())))
    project = _projects.get(key)
    if project is None:
        project = _projects[key] = Project(
            {
                "INSTALLED_PLUGINS": ["orm", "auth"],
                "INSTALLED_APPS": ["auth_app"],
                "DATABASES": {"default": {"URL": TEST_BACKENDS[backend][0]}},
                "ALLOWED_HOSTS": ["testserver"],
                "SECRET_KEY": SECRET_KEY,
                **extra,
            },
            environ={},
        )
    return project
