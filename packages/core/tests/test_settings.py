"""Settings: defaults, settings modules, validation messages, environment overrides, the lazy proxy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from fastjango.core import ImproperlyConfigured, Project, path
from fastjango.core.conf import SettingsWarning, settings
from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE
from fastjango.core.project import reset_default_project

MakeProject = Callable[..., Project]


def test_defaults_apply_when_a_project_sets_nothing(make_project: MakeProject) -> None:
    project = make_project()
    assert project.settings.DEBUG is False
    assert project.settings.ALLOWED_HOSTS == []
    assert project.settings.MIDDLEWARE == DEFAULT_MIDDLEWARE
    assert project.settings.source_of("DEBUG") == "default"


def test_settings_module_values_and_a_projects_own_settings(package: Callable[..., str]) -> None:
    name = package(settings="DEBUG = True\nPAGE_SIZE = 25\nhelper = 'ignored'\n")
    project = Project(f"{name}.settings", environ={})
    assert project.settings.DEBUG is True
    assert project.settings.PAGE_SIZE == 25  # undeclared settings are kept, as in Django
    assert "helper" not in project.settings
    assert f"{name}.settings" == project.settings.SETTINGS_MODULE
    assert project.settings.source_of("DEBUG") == f"settings module {name}.settings"


def test_wrong_type_names_the_setting_value_source_and_expectation(package: Callable[..., str]) -> None:
    name = package(settings="ALLOWED_HOSTS = 5\nGZIP_COMPRESS_LEVEL = 12\n")
    with pytest.raises(ImproperlyConfigured) as caught:
        Project(f"{name}.settings", environ={})
    message = str(caught.value)
    # Both problems are reported at once, each with where the value came from.
    assert f"ALLOWED_HOSTS = 5 (from settings module {name}.settings)" in message
    assert "valid list" in message
    assert "GZIP_COMPRESS_LEVEL = 12" in message
    assert "between 1 (fastest) and 9 (smallest)" in message


def test_missing_settings_module_is_named() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"'nosuchproject\.settings' could not be imported"):
        Project("nosuchproject.settings", environ={})


def test_lowercase_names_in_configure_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="UPPER_CASE; got debug"):
        Project({"debug": True}, environ={})


def test_environment_overrides_the_settings_module(package: Callable[..., str]) -> None:
    name = package(settings="DEBUG = True\nALLOWED_HOSTS = ['module.example']\n")
    environ = {"DEBUG": "off", "FASTJANGO_ALLOWED_HOSTS": "a.example, b.example", "FASTJANGO_GZIP_MINIMUM_SIZE": "900"}
    project = Project(f"{name}.settings", environ=environ)
    assert project.settings.DEBUG is False
    assert project.settings.ALLOWED_HOSTS == ["a.example", "b.example"]
    assert project.settings.GZIP_MINIMUM_SIZE == 900
    assert project.settings.source_of("DEBUG") == "environment variable DEBUG"


def test_environment_lists_may_be_json(make_project: MakeProject) -> None:
    project = make_project(environ={"ALLOWED_HOSTS": '["x.example", "y.example"]'})
    assert project.settings.ALLOWED_HOSTS == ["x.example", "y.example"]


def test_bad_environment_value_names_the_variable(make_project: MakeProject) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG = 'maybe' \(from environment variable DEBUG\)"):
        make_project(environ={"DEBUG": "maybe"})
    with pytest.raises(ImproperlyConfigured, match="FASTJANGO_CORS_ALLOWED_ORIGINS is not valid JSON"):
        make_project(environ={"FASTJANGO_CORS_ALLOWED_ORIGINS": "[not json"})


def test_a_typo_of_a_known_setting_warns_and_a_custom_setting_does_not(make_project: MakeProject) -> None:
    with pytest.warns(SettingsWarning, match="ALLOWED_HOST .* did you mean ALLOWED_HOSTS"):
        make_project(ALLOWED_HOST=["example.com"])
    make_project(MY_OWN_FEATURE_FLAG=True)  # filterwarnings=error would fail here on any warning


def test_unknown_attribute_suggests_the_close_name(make_project: MakeProject) -> None:
    project = make_project()
    with pytest.raises(AttributeError, match="Did you mean ALLOWED_HOSTS"):
        _ = project.settings.ALLOWED_HOST


def test_cors_wildcard_with_credentials_is_refused_at_startup(make_project: MakeProject) -> None:
    with pytest.raises(
        ImproperlyConfigured, match=r'CORS_ALLOWED_ORIGINS = \["\*"\] together with CORS_ALLOW_CREDENTIALS'
    ):
        make_project(CORS_ALLOWED_ORIGINS=["*"], CORS_ALLOW_CREDENTIALS=True)
    with pytest.raises(ImproperlyConfigured, match="must be a scheme and host"):
        make_project(CORS_ALLOWED_ORIGINS=["example.com/"])


def test_lazy_settings_load_the_module_named_by_the_environment(
    package: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = package(settings="API_TITLE = 'Lazy'\n")
    reset_default_project()
    monkeypatch.setenv("FASTJANGO_SETTINGS_MODULE", f"{name}.settings")
    try:
        assert settings.API_TITLE == "Lazy"
        assert settings.configured
        with pytest.raises(AttributeError, match="read-only"):
            settings.API_TITLE = "changed"  # type: ignore[misc]
        with pytest.raises(RuntimeError, match="already configured"):
            settings.configure(DEBUG=True)
    finally:
        reset_default_project()


def test_unconfigured_settings_say_how_to_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    reset_default_project()
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    assert not settings.configured
    with pytest.raises(ImproperlyConfigured, match="FASTJANGO_SETTINGS_MODULE"):
        _ = settings.DEBUG


def test_configure_in_code(monkeypatch: pytest.MonkeyPatch) -> None:
    reset_default_project()
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    try:
        settings.configure(API_TITLE="Scripted", SECRET_KEY="s" * 60)
        assert settings.API_TITLE == "Scripted"
    finally:
        reset_default_project()


def test_each_app_reads_its_own_projects_settings_inside_requests(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    """Two projects in one process: `settings` follows the app that serves the request."""

    def title() -> dict[str, str]:
        return {"title": settings.API_TITLE}

    name = package(urls="urlpatterns = []\n")
    import importlib

    importlib.import_module(f"{name}.urls").urlpatterns = [path("title/", title)]
    first = make_project(API_TITLE="first", ROOT_URLCONF=f"{name}.urls", ALLOWED_HOSTS=["testserver"])
    second = make_project(API_TITLE="second", ROOT_URLCONF=f"{name}.urls", ALLOWED_HOSTS=["testserver"])
    with TestClient(first.app) as one, TestClient(second.app) as two:
        assert one.get("/title/").json() == {"title": "first"}
        assert two.get("/title/").json() == {"title": "second"}
        assert one.get("/title/").json() == {"title": "first"}


def test_errors_never_echo_secrets(make_project: MakeProject) -> None:
    """A wrong value is shown, except secrets: errors end up in logs and CI output."""
    with pytest.raises(ImproperlyConfigured) as caught:
        make_project(SECRET_KEY=["the-real-secret-value"], ALLOWED_HOSTS={"url": "https://ann:hunter2@db.example/x"})
    message = str(caught.value)
    assert "SECRET_KEY = <hidden>" in message and "the-real-secret-value" not in message
    assert "hunter2" not in message and "https://ann:***@db.example/x" in message
