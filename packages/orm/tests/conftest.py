"""The ORM's tests run once per database: SQLite (a file), PostgreSQL and MariaDB on 127.0.0.1.

The servers are skipped with a visible reason when unreachable, and fail the
run under ``CI=true``. Choose backends with ``FASTJANGO_TEST_BACKENDS=sqlite,postgresql``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.core.testing import require_service

BACKENDS = {
    "sqlite": ("sqlite:///unused.sqlite3", None),
    "postgresql": ("postgresql://postgres@127.0.0.1:5432/test", ("PostgreSQL", 5432)),
    "mariadb": ("mariadb://root@127.0.0.1:3306/test", ("MariaDB", 3306)),
}
SELECTED = [name.strip() for name in os.environ.get("FASTJANGO_TEST_BACKENDS", ",".join(BACKENDS)).split(",") if name.strip()]


@pytest.fixture(scope="session", params=SELECTED)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    service = BACKENDS[name][1]
    if service is not None:
        require_service(service[0], "127.0.0.1", service[1])
    return name


_projects: dict[str, Project] = {}


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """One project per backend, the process's default project while its tests run."""
    import tests.models  # noqa: F401  (the models must exist before the test databases are built)

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
