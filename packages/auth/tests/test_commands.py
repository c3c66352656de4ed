"""createsuperuser and changepassword, run as manage.py runs them (Click), against real databases."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from fastjango.auth.commands import changepassword, createsuperuser
from fastjango.auth.models import User

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_createsuperuser_without_input_reads_the_environment(backend: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("FASTJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("FASTJANGO_SUPERUSER_EMAIL", "admin@example.com")
    monkeypatch.setenv("FASTJANGO_SUPERUSER_PASSWORD", "correct horse battery staple")
    result = CliRunner().invoke(createsuperuser, ["--noinput"])
    assert result.exit_code == 0, result.output
    assert "Superuser 'admin' created." in result.output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.email == "admin@example.com"
    assert admin.check_password("correct horse battery staple")
    again = CliRunner().invoke(createsuperuser, ["--noinput"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_createsuperuser_refuses_what_it_cannot_do(backend: str, monkeypatch: Any) -> None:
    monkeypatch.delenv("FASTJANGO_SUPERUSER_USERNAME", raising=False)
    missing = CliRunner().invoke(createsuperuser, ["--noinput"])
    assert missing.exit_code != 0 and "FASTJANGO_SUPERUSER_USERNAME" in missing.output
    monkeypatch.setenv("FASTJANGO_SUPERUSER_EMAIL", "x@example.com")
    monkeypatch.setenv("FASTJANGO_SUPERUSER_PASSWORD", "12345678")
    weak = CliRunner().invoke(createsuperuser, ["--noinput", "--username", "weak"])
    assert weak.exit_code != 0 and "FASTJANGO_SUPERUSER_PASSWORD is refused" in weak.output
    assert not User.objects.filter(username="weak").exists()


def test_createsuperuser_asks_on_a_terminal(backend: str, monkeypatch: Any) -> None:
    monkeypatch.delenv("FASTJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("FASTJANGO_SUPERUSER_EMAIL", raising=False)
    answers = "root\nroot@example.com\nfirst-try-pass\nmismatch\nsecond-try-pass-9\nsecond-try-pass-9\n"
    result = CliRunner().invoke(createsuperuser, [], input=answers)
    assert result.exit_code == 0, result.output
    assert "didn't match" in result.output
    assert User.objects.get(username="root").check_password("second-try-pass-9")


def test_changepassword(backend: str) -> None:
    User.objects.create_user("ann", "ann@example.com", "old-password-1")
    result = CliRunner().invoke(changepassword, ["ann"], input="new-password-22\nnew-password-22\n")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="ann")
    assert user.check_password("new-password-22") and not user.check_password("old-password-1")
    unknown = CliRunner().invoke(changepassword, ["nobody"])
    assert unknown.exit_code != 0 and "'nobody' does not exist" in unknown.output
    refused = CliRunner().invoke(changepassword, ["ann"], input="a\nb\n" * 3)
    assert refused.exit_code != 0 and "not changed" in refused.output
