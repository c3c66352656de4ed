"""The pytest plugin, exercised the way a project's test suite uses it (through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

PROJECT = """
from fastjango.core.urls import path
from fastjango.core.conf import settings


async def title():
    return {"title": settings.API_TITLE, "debug": settings.DEBUG}


urlpatterns = [path("title/", title, name="title")]
SECRET_KEY = "k" * 60
ROOT_URLCONF = "proj"
API_TITLE = "Kit"
"""

TESTS = """
import pytest

from fastjango.core import reverse
from fastjango.core.conf import settings as lazy_settings
from fastjango.core.testing import override_settings


def test_client_talks_to_the_project(client):
    assert client.get("/title/").json() == {"title": "Kit", "debug": False}


def test_settings_fixture_overrides_for_one_test(settings, client):
    settings.API_TITLE = "Changed"
    settings.DEBUG = True
    assert client.get("/title/").json() == {"title": "Changed", "debug": True}


def test_overrides_do_not_leak_into_the_next_test(client):
    assert client.get("/title/").json()["title"] == "Kit"


async def test_async_client_without_a_marker(async_client):
    response = await async_client.get("/title/")
    assert response.json()["title"] == "Kit"


@override_settings(API_TITLE="Decorated")
async def test_override_settings_on_a_coroutine(async_client):
    assert lazy_settings.API_TITLE == "Decorated"
    assert (await async_client.get("/title/")).json()["title"] == "Decorated"


def test_override_settings_as_a_context_manager(app):
    with override_settings(API_TITLE="Block"):
        assert lazy_settings.API_TITLE == "Block"
    assert lazy_settings.API_TITLE == "Kit"


def test_reverse_inside_tests(app):
    assert reverse("title") == "/title/"


def test_testserver_is_allowed_by_the_app_fixture(settings, app):
    assert "testserver" in settings.ALLOWED_HOSTS
"""


def test_fixtures_work_in_a_users_test_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(proj=PROJECT, test_project=TESTS)
    pytester.makeini("[pytest]\nfastjango_settings = proj\nfilterwarnings = error\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)


def test_overriding_the_project_fixture_tests_other_settings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        proj=PROJECT,
        conftest="""
import pytest
from fastjango.core import Project


@pytest.fixture
def fastjango_project():
    return Project({"ROOT_URLCONF": "proj", "API_TITLE": "Custom", "SECRET_KEY": "k" * 60}, environ={})
""",
        test_custom="""
def test_custom_project(client):
    assert client.get("/title/").json()["title"] == "Custom"
""",
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_missing_project_configuration_fails_with_instructions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_needs_client(client):\n    pass\n")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*No fastjango project to test*fastjango_settings*"])


def test_require_service_skips_visibly_or_fails_under_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_service="""
from fastjango.core.testing import require_service


def test_needs_a_dead_port():
    require_service("PostgreSQL", "127.0.0.1", 1)
"""
    )
    monkeypatch.setenv("CI", "false")
    result = pytester.runpytest_subprocess("-q", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*PostgreSQL is not reachable at 127.0.0.1:1*"])
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*PostgreSQL is not reachable at 127.0.0.1:1*CI=true requires it*"])
