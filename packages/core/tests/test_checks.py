"""System checks: what `check` and `check --deploy` find in a project."""

from __future__ import annotations

from collections.abc import Callable

from fastjango.core import Project
from fastjango.core.checks import CheckRegistry, Error, Warning  # noqa: A004

MakeProject = Callable[..., Project]
SAFE = {
    "SECRET_KEY": "a-very-random-and-long-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": ["example.com"],
    "SECURE_HSTS_SECONDS": 3600,
    "SECURE_SSL_REDIRECT": True,
}


def ids(project: Project, deploy: bool = False) -> list[str | None]:
    return [message.id for message in project.run_checks(deploy=deploy)]


def test_a_sound_production_project_has_no_findings(make_project: MakeProject) -> None:
    assert ids(make_project(**SAFE), deploy=True) == []


def test_deploy_flags_each_insecure_setting(make_project: MakeProject) -> None:
    project = make_project(DEBUG=True, SECRET_KEY="fastjango-insecure-" + "x" * 60, ALLOWED_HOSTS=["*"])
    found = ids(project, deploy=True)
    for expected in ["security.W001", "security.W002", "security.W003", "security.W005", "security.W006"]:
        assert expected in found
    assert ids(project) == []  # deploy checks do not run without --deploy


def test_weak_secret_keys(make_project: MakeProject) -> None:
    for weak in ["", "short", "a" * 80]:
        assert "security.W002" in ids(make_project(**{**SAFE, "SECRET_KEY": weak}), deploy=True), weak


def test_missing_security_middleware_is_flagged(make_project: MakeProject) -> None:
    assert "security.W004" in ids(make_project(**{**SAFE, "MIDDLEWARE": []}), deploy=True)


def test_insecure_cookie_settings_of_plugins_are_flagged(make_project: MakeProject) -> None:
    project = make_project(**SAFE, SESSION_COOKIE_SECURE=False)
    assert "security.W007" in ids(project, deploy=True)


def test_empty_allowed_hosts_without_debug_warns_even_outside_deploy(make_project: MakeProject) -> None:
    messages = make_project(ALLOWED_HOSTS=[]).run_checks()
    assert [m.id for m in messages] == ["settings.W002"]
    assert "every request will be refused with 400" in messages[0].msg


def test_setting_typos_are_reported(make_project: MakeProject) -> None:
    import pytest

    from fastjango.core.conf import SettingsWarning

    with pytest.warns(SettingsWarning):
        project = make_project(**SAFE, SECURE_HSTS_SECOND=5)
    message = next(m for m in project.run_checks() if m.id == "settings.W001")
    assert message.hint == "Did you mean SECURE_HSTS_SECONDS?"


def test_broken_url_conf_is_an_error(make_project: MakeProject) -> None:
    messages = make_project(**SAFE, ROOT_URLCONF="missing.urls").run_checks()
    assert [(m.id, m.level_name) for m in messages] == [("urls.E001", "ERROR")]


def test_registry_filters_by_tag_and_formats_messages() -> None:
    registry = CheckRegistry()
    registry.register(lambda project: [Error("broken", hint="fix it", obj="thing", id="x.E001")], "x")
    registry.register(lambda project: [Warning("meh", id="y.W001")], "y")
    found = registry.run(project=None, tags=("x",))  # type: ignore[arg-type]
    assert [m.id for m in found] == ["x.E001"]
    assert str(found[0]) == "thing: (x.E001) broken\n\tHINT: fix it"
    assert registry.tags_available() == {"x", "y"}
