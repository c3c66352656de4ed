"""``manage.py check``: a wrong ``AUTH_USER_MODEL`` or a broken user model is reported before serving."""

from __future__ import annotations

from auth_testing import project_for

from fastjango.core.project import Project


def _ids(project: Project, *, deploy: bool = False) -> list[str]:
    return [message.id for message in project.run_checks(deploy=deploy) if message.id.startswith("auth.")]


def _project(**extra: object) -> Project:
    return project_for("sqlite", **extra)  # checks read no database


def test_the_default_user_model_passes() -> None:
    assert _ids(_project()) == []


def test_a_user_model_that_is_not_installed_is_an_error() -> None:
    project = _project(AUTH_USER_MODEL="shop.Customer")
    messages = [message for message in project.run_checks() if message.id == "auth.E001"]
    assert len(messages) == 1 and "'shop.Customer'" in messages[0].msg


def test_a_model_that_is_not_a_user_model_is_an_error() -> None:
    assert _ids(_project(AUTH_USER_MODEL="auth_app.Article")) == ["auth.E002"]


def test_deploy_warns_about_a_session_cookie_sent_over_http() -> None:
    assert "auth.W001" in _ids(_project(), deploy=True)
    assert "auth.W001" not in _ids(_project(SESSION_COOKIE_SECURE=True), deploy=True)
    assert "auth.W001" not in _ids(_project(), deploy=False)


def test_deploy_warns_about_limits_each_worker_counts_alone() -> None:
    assert "auth.W003" in _ids(_project(), deploy=True)
    shared = _project(LOGIN_RATE_LIMIT_STORE="redis://127.0.0.1:6379/0")
    assert "auth.W003" not in _ids(shared, deploy=True)


def test_deploy_warns_about_a_csrf_cookie_sent_over_http() -> None:
    assert "auth.W002" not in _ids(_project(), deploy=True)  # the secret is in the session by default
    assert "auth.W002" in _ids(_project(CSRF_USE_SESSIONS=False), deploy=True)
    assert "auth.W002" not in _ids(_project(CSRF_USE_SESSIONS=False, CSRF_COOKIE_SECURE=True), deploy=True)
