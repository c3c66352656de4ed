"""Fixtures of the auth tests: a project per database with the ORM and the auth plugin.

The database tests run on SQLite, PostgreSQL and MariaDB, as the ORM's own
(servers unreachable are skipped, and fail under ``CI=true``); choose with
``FASTJANGO_TEST_BACKENDS=sqlite,postgresql``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fastjango.core.project import Project
from fastjango.orm.testing.backends import require_backend, selected_backends

# The test app and helpers live beside this file (auth_app/, auth_testing.py); make them importable by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from auth_testing import default_project, project_for


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", selected_backends(), scope="session", indirect=True)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return require_backend(request.param)


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """The backend's project, the default project while the test runs."""
    project = project_for(backend)
    with default_project(project):
        yield project


@pytest.fixture(autouse=True)
def _module_urlconf(request: pytest.FixtureRequest) -> None:
    """A test module with a ``urlpatterns`` list is its own URL conf: the ``app`` fixture serves it."""
    module = request.module
    if getattr(module, "urlpatterns", None) is not None and "backend" in request.fixturenames:
        settings = request.getfixturevalue("settings")
        settings.ROOT_URLCONF = module.__name__


@pytest.fixture(autouse=True)
def _fresh_login_counts() -> None:
    """Each test starts with no failed logins counted in memory (they would add up from 127.0.0.1)."""
    from fastjango.auth.ratelimit import reset_memory_stores

    reset_memory_stores()
