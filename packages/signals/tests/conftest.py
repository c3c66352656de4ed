"""Fixtures of the signals tests: a project per database with the plugin, receivers undone after each test.

The database tests run on SQLite, PostgreSQL and MariaDB, as the ORM's own
(servers unreachable are skipped, and fail under ``CI=true``); choose with
``FASTJANGO_TEST_BACKENDS=sqlite,postgresql``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.orm.testing.backends import require_backend, selected_backends
from fastjango.signals import Signal

# The test app and helpers live beside this file (signals_blog/, signals_testing.py); make them importable by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from signals_testing import Connect, project_for


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "plugins(*names): INSTALLED_PLUGINS of the test's project")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", selected_backends(), scope="session", indirect=True)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return require_backend(request.param)


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """The backend's project with the ORM and the signals plugin, the default project while the test runs."""
    project = project_for(backend)
    previous = get_project() if has_project(load=False) else None
    set_default_project(project)
    try:
        yield project
    finally:
        set_default_project(previous)


@pytest.fixture
def connect() -> Iterator[Connect]:
    """``connect(signal, receiver, **options)``: connected for this test only (strongly held unless told)."""
    made: list[tuple[Signal, Any, dict[str, Any]]] = []

    def connect_(signal: Signal, receiver: Any, **options: Any) -> Any:
        options.setdefault("weak", False)
        signal.connect(receiver, **options)
        made.append((signal, receiver, options))
        return receiver

    yield connect_
    for signal, receiver, options in made:
        signal.disconnect(receiver, sender=options.get("sender"), dispatch_uid=options.get("dispatch_uid"))
