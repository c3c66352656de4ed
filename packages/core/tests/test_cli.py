"""Core's commands through the real CLI: check, routes, plugins, shell, serve, and bad input."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from fastjango.core.management import main
from fastjango.core.project import reset_default_project

SETTINGS = """
SECRET_KEY = "k" * 60
DEBUG = True
ROOT_URLCONF = "{pkg}.urls"
INSTALLED_APPS = ["{pkg}.blog"]
"""
URLS = """
import os

from fastjango.core.urls import path


async def hello():
    return {{"hello": "world", "pid": os.getpid()}}


urlpatterns = [path("", hello, name="home")]
"""
COMMAND = """
import click


@click.command()
@click.argument("who")
def command(who):
    '''Greet somebody from the blog app.'''
    click.echo(f"hello {who} from blog")
"""


@pytest.fixture
def project_module(package: Callable[..., str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = package(urls="", settings="", **{"blog/management/commands/greet": COMMAND})
    package(urls=URLS.format(pkg=name), settings=SETTINGS.format(pkg=name))
    reset_default_project()
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    yield f"{name}.settings"
    reset_default_project()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_reports_no_issues(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--settings", project_module, "check")
    assert (code, out.strip()) == (0, "System check identified no issues.")


def test_check_deploy_fails_on_a_development_project(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--settings", project_module, "check", "--deploy", "--fail-level", "WARNING")
    assert code == 1
    assert "(security.W001) DEBUG is on in a deployment" in err
    assert "Traceback" not in err


def test_check_with_an_unknown_tag_names_the_tags(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--settings", project_module, "check", "--tag", "nope")
    assert code == 2
    assert "there is no check tagged nope; tags: settings, urls" in err


def test_routes_lists_the_url_table(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--settings", project_module, "routes")
    assert code == 0
    assert "GET" in out
    assert " / " in out or out.splitlines()[1].split()[1] == "/"
    assert "home" in out
    assert "/openapi.json" in out


def test_plugins_lists_core_plugins_and_their_hooks(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--settings", project_module, "plugins")
    assert code == 0
    assert "fastjango.core.default_plugins.settings" in out
    assert "built-in" in out
    assert "fastjango_settings_schema" in out


def test_app_commands_are_discovered(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--settings", project_module, "greet", "ada")
    assert (code, out) == (0, "hello ada from blog\n")
    _, help_text, _ = run(capsys, "--settings", project_module, "--help")
    assert "greet" in help_text
    assert "startproject" in help_text


def test_shell_runs_a_command_with_the_project_loaded(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--settings", project_module, "shell", "-c", "print(settings.DEBUG, len(app.routes) > 0)"
    )
    assert (code, out) == (0, "True True\n")


def test_unknown_command_is_one_line_with_a_suggestion(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--settings", project_module, "chekc")
    assert code == 2
    assert err.strip() == "Error: Unknown command 'chekc'. Did you mean 'check'? Run with --help to list the commands."


def test_missing_settings_module_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reset_default_project()
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    try:
        code, _, err = run(capsys, "--settings", "nowhere.settings", "check")
    finally:
        reset_default_project()
    assert code == 1
    assert err.count("\n") == 1
    assert "The settings module 'nowhere.settings' could not be imported" in err


def test_no_settings_at_all_explains_how_to_set_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reset_default_project()
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    code, _, err = run(capsys, "check")
    assert code == 1
    assert "Settings are not configured" in err
    assert "Traceback" not in err


def test_bad_addrport_is_a_usage_error(project_module: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--settings", project_module, "serve", "127.0.0.1:http")
    assert code == 2
    assert "is not a port number" in err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_several_worker_processes(project_module: str, tmp_path: Path) -> None:
    """`serve --workers 2` answers from two different processes."""
    project_dir = tmp_path
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "fastjango.core.management",
        "--settings",
        project_module,
        "serve",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    log = project_dir / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            cwd=project_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONPATH": str(project_dir)},
        )
    try:
        pids: set[int] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(pids) < 2:
            try:
                with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
                    for _ in range(50):
                        response = client.get("/", headers={"Connection": "close"})
                        assert response.json()["hello"] == "world"
                        pids.add(response.json()["pid"])
            except httpx2.TransportError:
                time.sleep(0.2)
        assert len(pids) == 2, f"expected answers from 2 workers, got {pids}; log:\n{log.read_text()}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
