"""``startproject``: the files it writes, and that the new project checks, routes, answers and serves."""

from __future__ import annotations

import os
import runpy
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest
from starlette.testclient import TestClient

from fastjango.core import Project
from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE

PROJECT_FILES = {
    "manage.py",
    ".env.example",
    ".gitignore",
    "pyproject.toml",
    "{name}/__init__.py",
    "{name}/settings.py",
    "{name}/urls.py",
    "{name}/asgi.py",
    "hello/__init__.py",
    "hello/admin.py",
    "hello/api.py",
    "hello/apps.py",
    "hello/models.py",
    "hello/schemas.py",
    "hello/tests.py",
    "hello/urls.py",
    "hello/migrations/__init__.py",
    "hello/management/__init__.py",
    "hello/management/commands/__init__.py",
}

Python = Callable[..., subprocess.CompletedProcess[str]]
RunCLI = Python


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def project(cli: RunCLI, unique: Callable[[str], str], tmp_path: Path) -> tuple[str, Path]:
    """A new project made with ``fastjango-admin startproject NAME``: its name and folder."""
    name = unique("site")
    outcome = cli("startproject", name)
    assert outcome.returncode == 0, outcome.stderr
    return name, tmp_path / name


def test_startproject_writes_the_django_layout(cli: RunCLI, unique: Callable[[str], str], tmp_path: Path) -> None:
    name = unique("site")
    outcome = cli("startproject", name)

    assert outcome.returncode == 0, outcome.stderr
    root = tmp_path / name
    assert files_under(root) == {entry.format(name=name) for entry in PROJECT_FILES}
    assert (root / "manage.py").stat().st_mode & stat.S_IXUSR
    assert f"Created project {name} in ./{name}:" in outcome.stdout
    assert f"cd {name}\n" in outcome.stdout
    assert "python manage.py runserver" in outcome.stdout


def test_settings_are_ready_for_development(
    project: tuple[str, Path], cli: RunCLI, unique: Callable[[str], str]
) -> None:
    name, root = project
    settings = runpy.run_path(str(root / name / "settings.py"))

    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"].startswith("fastjango-insecure-")
    assert len(settings["SECRET_KEY"]) >= 50
    assert settings["ALLOWED_HOSTS"] == []
    assert settings["INSTALLED_PLUGINS"] == []
    assert settings["INSTALLED_APPS"] == ["hello"]
    assert settings["ROOT_URLCONF"] == f"{name}.urls"
    assert settings["ASGI_APPLICATION"] == f"{name}.asgi:application"
    assert settings["MIDDLEWARE"] == DEFAULT_MIDDLEWARE
    assert settings["API_TITLE"] == name
    # Each project gets its own key.
    other = unique("site")
    assert cli("startproject", other).returncode == 0
    assert runpy.run_path(f"{other}/{other}/settings.py")["SECRET_KEY"] != settings["SECRET_KEY"]


def test_env_example_documents_the_deployment_variables(project: tuple[str, Path]) -> None:
    name, root = project
    text = (root / ".env.example").read_text()
    for variable in ("SECRET_KEY=", "DEBUG=", "ALLOWED_HOSTS=", f"FASTJANGO_SETTINGS_MODULE={name}.settings"):
        assert variable in text
    assert "FASTJANGO_" in text.replace("FASTJANGO_SETTINGS_MODULE", "")
    assert ".env\n" in (root / ".gitignore").read_text()


def test_manage_py_check_and_routes(project: tuple[str, Path], python: Python, clean_env: dict[str, str]) -> None:
    _, root = project
    check = python(["manage.py", "check"], cwd=root, env=clean_env)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == "System check identified no issues."

    routes = python(["manage.py", "routes"], cwd=root, env=clean_env)
    assert routes.returncode == 0, routes.stderr
    table = {tuple(line.split()[1:3]) for line in routes.stdout.splitlines()[1:]}
    assert ("/", "hello:welcome") in table
    assert ("/hello/{name:str}/", "hello:greeting") in table


def test_check_deploy_flags_the_development_settings(
    project: tuple[str, Path], python: Python, clean_env: dict[str, str]
) -> None:
    _, root = project
    deploy = python(["manage.py", "check", "--deploy"], cwd=root, env=clean_env)
    assert deploy.returncode == 0, deploy.stderr
    assert "(security.W001) DEBUG is on" in deploy.stdout
    assert "(security.W002) SECRET_KEY is missing, short, or the development key" in deploy.stdout


def test_the_project_answers_through_its_app(project: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    name, root = project
    monkeypatch.syspath_prepend(str(root))
    loaded = Project(f"{name}.settings", environ={})

    # DEBUG with empty ALLOWED_HOSTS serves localhost only, as in Django.
    with TestClient(loaded.app, base_url="http://localhost") as client:
        assert client.get("/").json() == {
            "message": f"Welcome to {name}, a fastjango project.",
            "docs": "/docs",
            "try_it": "/hello/world/",
        }
        assert client.get("/hello/Ada/").json() == {"message": "Hello, Ada!", "name": "Ada"}
        schema = client.get("/openapi.json").json()
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400

    assert schema["info"]["title"] == name
    assert {"/", "/hello/{name}/"} <= set(schema["paths"])
    greeting = schema["paths"]["/hello/{name}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert greeting == {"$ref": "#/components/schemas/Greeting"}


def test_the_projects_own_tests_pass_with_a_new_app(
    project: tuple[str, Path], python: Python, clean_env: dict[str, str]
) -> None:
    """`python manage.py startapp` inside the project, then `pytest` runs hello's and the new app's tests."""
    _, root = project
    startapp = python(["manage.py", "startapp", "blog"], cwd=root, env=clean_env)
    assert startapp.returncode == 0, startapp.stderr
    assert (root / "blog" / "apps.py").is_file()

    tests = python(["-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=root, env=clean_env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "5 passed" in tests.stdout


def test_runserver_serves_the_project(
    project: tuple[str, Path], clean_env: dict[str, str], port: int, tmp_path: Path
) -> None:
    _, root = project
    log = tmp_path / "runserver.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=root,
            env=clean_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        home = docs = None
        deadline = time.monotonic() + 30
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
            while time.monotonic() < deadline and home is None:
                if server.poll() is not None:
                    pytest.fail(f"runserver exited with {server.returncode}:\n{log.read_text()}")
                try:
                    home = client.get("/")
                    docs = client.get("/docs")
                except httpx2.TransportError:
                    time.sleep(0.1)
        assert home is not None and docs is not None, f"runserver did not answer within 30 s:\n{log.read_text()}"
        assert home.status_code == 200
        assert home.json()["try_it"] == "/hello/world/"
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
    assert "System check identified no issues." in log.read_text()
