"""The ORM's tests run once per database: SQLite (a file), PostgreSQL and MariaDB on 127.0.0.1.

The servers are skipped with a visible reason when unreachable, and fail the
run under ``CI=true``. Choose backends with ``FASTJANGO_TEST_BACKENDS=sqlite,postgresql``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.orm.testing.backends import TEST_BACKENDS, require_backend, selected_backends

# The test models live beside this file (orm_test_models.py); make them importable by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

BACKENDS = TEST_BACKENDS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Parametrized here rather than with fixture params, which AnyIO's own parametrization of
    # async tests would drop.
    if "backend" in metafunc.fixturenames:
        chosen = selected_backends(servers_only=metafunc.definition.get_closest_marker("servers_only") is not None)
        metafunc.parametrize("backend", chosen, scope="session", indirect=True)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "servers_only: run only on the database servers (not SQLite)")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return require_backend(request.param)


_projects: dict[str, Project] = {}


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """One project per backend, the process's default project while its tests run."""
    import orm_test_models  # noqa: F401  (the models must exist before the test databases are built)

    project = _projects.get(backend)
    if project is None:
        project = _projects[backend] = Project(
            {
                "INSTALLED_PLUGINS": ["orm"],
                "DATABASES": {"default": {"URL": BACKENDS[backend][0]}},
            }
        )
    previous = get_project() if has_project(load=False) else None
    set_default_project(project)
    try:
        yield project
    finally:
        set_default_project(previous)


@pytest.fixture
def migration_project(backend: str, tmp_path: Path) -> Iterator[Any]:
    """A project folder with apps ``accounts`` and ``blog`` on a database of its own (migration_projects.py)."""
    from migration_projects import MigrationProject

    made = MigrationProject(tmp_path, backend)
    try:
        yield made
    finally:
        made.close()
