"""Shared by the auth tests: a project per database with the ORM and the auth plugin (named apart from
``conftest`` so that ``import`` finds this file whichever package's tests ran first)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastjango.auth.hashers import Argon2PasswordHasher
from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.orm.testing.backends import TEST_BACKENDS

_projects: dict[tuple[str, tuple[tuple[str, Any], ...]], Project] = {}

SECRET_KEY = "auth-tests-" + "k" * 60

#: Argon2 at a test's cost (the format and the code paths are the real ones; only the work is small),
#: so a login in a test takes milliseconds, not a quarter of a second.
FAST_HASHERS = ["auth_testing.QuickArgon2PasswordHasher", "fastjango.auth.hashers.PBKDF2PasswordHasher"]


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1


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
                "PASSWORD_HASHERS": FAST_HASHERS,
                **extra,
            },
            environ={},
        )
    return project


@contextmanager
def default_project(project: Project | None) -> Iterator[Project | None]:
    """``project`` as the process's default project inside the block (``None``: no project at all)."""
    previous = get_project() if has_project(load=False) else None
    set_default_project(project)
    try:
        yield project
    finally:
        set_default_project(previous)
