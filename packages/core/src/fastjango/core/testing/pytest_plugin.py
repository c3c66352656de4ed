"""pytest plugin: fixtures for testing a fastjango project or plugin.

Fixtures:

``fastjango_project``
    The project under test, loaded from the ``fastjango_settings`` ini option,
    ``--fastjango-settings`` or ``FASTJANGO_SETTINGS_MODULE``. Override it in a
    ``conftest.py`` to test with other settings or plugins; the other
    fixtures follow it.
``settings``
    Override settings for one test (``settings.DEBUG = True``); restored after.
``app``
    A FastAPI app freshly built from the (overridden) settings. ``testserver``
    is added to ``ALLOWED_HOSTS``, as Django's test client does.
``client``
    A synchronous test client (Starlette's ``TestClient``) with the app's
    lifespan running.
``async_client``
    An ``httpx2.AsyncClient`` speaking ASGI to the app, lifespan running.

Coroutine tests run with AnyIO without a marker. Plugins add fixtures on
top of these (the ORM adds database isolation).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Iterator

import pytest

from fastjango.core.application import FastjangoApp
from fastjango.core.conf import SETTINGS_MODULE_ENV
from fastjango.core.project import Project, get_project, has_project
from fastjango.core.testing._overrides import SettingsOverride, _notifier

TEST_HOST = "testserver"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fastjango")
    group.addoption(
        "--fastjango-settings",
        dest="fastjango_settings",
        default=None,
        help="Settings module of the project under test (default: the fastjango_settings ini option).",
    )
    parser.addini("fastjango_settings", "Settings module of the project under test.", default="")


def pytest_configure(config: pytest.Config) -> None:
    module = config.getoption("fastjango_settings") or config.getini("fastjango_settings")
    if module:
        os.environ[SETTINGS_MODULE_ENV] = str(module)
    config.addinivalue_line("markers", "fastjango: test uses fastjango's test kit")


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Module | pytest.Class, name: str, obj: object) -> None:
    """Run ``async def`` tests on AnyIO unless another async plugin already handles them.

    The marks go on the function before its items are made, so AnyIO's
    ``anyio_backend`` fixture joins the test's other parameters instead of
    AnyIO rebuilding the items later (which would drop those parameters).
    """
    if collector.config.pluginmanager.hasplugin("asyncio"):
        return
    if not collector.istestfunction(obj, name) or not inspect.iscoroutinefunction(obj):
        return
    marks = getattr(obj, "pytestmark", [])
    if not any(mark.name == "anyio" for mark in marks):
        pytest.mark.anyio(obj)
    pytest.mark.usefixtures("anyio_backend")(obj)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fastjango_project() -> Project:
    """The project under test; override this fixture to test other settings or plugins."""
    if not has_project():
        pytest.fail(
            'No fastjango project to test: set `fastjango_settings = "mysite.settings"` in the pytest '
            f"configuration, pass --fastjango-settings, set {SETTINGS_MODULE_ENV}, or override the "
            "`fastjango_project` fixture.",
            pytrace=False,
        )
    return get_project()


@pytest.fixture
def settings(fastjango_project: Project) -> Iterator[SettingsOverride]:
    """Settings of the project under test; assignments last for this test only."""
    override = SettingsOverride(fastjango_project.settings, _notifier(fastjango_project))
    try:
        yield override
    finally:
        override.restore()


@pytest.fixture
def app(fastjango_project: Project, settings: SettingsOverride) -> Iterator[FastjangoApp]:
    """The project's app, built after this test's setting overrides."""
    hosts = list(settings.ALLOWED_HOSTS)
    if TEST_HOST not in hosts and "*" not in hosts:
        settings.ALLOWED_HOSTS = [*hosts, TEST_HOST]
    built = fastjango_project.build_app()
    with fastjango_project.activated():
        yield built


@pytest.fixture
def client(app: FastjangoApp) -> Iterator[object]:
    """Starlette's synchronous ``TestClient``, lifespan running."""
    from starlette.testclient import TestClient

    with TestClient(app, base_url=f"http://{TEST_HOST}") as test_client:
        yield test_client


@pytest.fixture
async def async_client(app: FastjangoApp) -> AsyncIterator[object]:
    """An ``httpx2.AsyncClient`` over ASGI, lifespan running; use it from ``async def`` tests."""
    import httpx2

    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=f"http://{TEST_HOST}") as test_client:
            yield test_client
