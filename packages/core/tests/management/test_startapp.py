"""``startapp``: a new app that a project can install and route to."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from fastjango.core import Project
from fastjango.core.urls import reverse

RunCLI = Callable[..., subprocess.CompletedProcess[str]]

APP_FILES = {
    "__init__.py",
    "admin.py",
    "api.py",
    "apps.py",
    "models.py",
    "schemas.py",
    "tests.py",
    "urls.py",
    "migrations/__init__.py",
    "management/__init__.py",
    "management/commands/__init__.py",
}


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_startapp_writes_the_app(cli: RunCLI, unique: Callable[[str], str], tmp_path: Path) -> None:
    name = unique("blog")
    outcome = cli("startapp", name)

    assert outcome.returncode == 0, outcome.stderr
    assert files_under(tmp_path / name) == APP_FILES
    assert f'Add "{name}" to INSTALLED_APPS' in outcome.stdout
    assert f'path("{name}/", include("{name}.urls"))' in outcome.stdout


def test_startapp_into_an_existing_directory_names_the_app_by_its_import_path(
    cli: RunCLI, unique: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package, app = unique("apps"), unique("shop")
    (tmp_path / package / app).mkdir(parents=True)
    outcome = cli("startapp", app, f"{package}/{app}")

    assert outcome.returncode == 0, outcome.stderr
    assert files_under(tmp_path / package / app) == APP_FILES
    assert f'Add "{package}.{app}" to INSTALLED_APPS' in outcome.stdout
    assert f'include("{package}.{app}.urls")' in outcome.stdout
    monkeypatch.syspath_prepend(str(tmp_path))
    project = Project(
        {"INSTALLED_APPS": [f"{package}.{app}"], "ROOT_URLCONF": f"{package}.{app}.urls", "DEBUG": True},
        environ={},
    )
    assert project.apps.get_app_config(app).name == f"{package}.{app}"
    with TestClient(project.app, base_url="http://localhost") as client:
        assert client.get("/items/1/").json()["name"] == "First item"


def test_a_new_app_is_installed_and_routed_in_a_project(
    cli: RunCLI, unique: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, app = unique("site"), unique("shop_app")
    assert cli("startproject", site).returncode == 0
    root = tmp_path / site
    monkeypatch.chdir(root)
    assert cli("startapp", app).returncode == 0
    # What the next steps tell the user to do:
    settings = root / site / "settings.py"
    settings.write_text(settings.read_text().replace('    "hello",\n', f'    "hello",\n    "{app}",\n'))
    urls = root / site / "urls.py"
    urls.write_text(
        urls.read_text().replace(
            'include("hello.urls")),\n', f'include("hello.urls")),\n    path("shop/", include("{app}.urls")),\n'
        )
    )
    monkeypatch.syspath_prepend(str(root))
    project = Project(f"{site}.settings", environ={})

    config = project.apps.get_app_config(app)
    assert type(config).__name__ == "".join(word.capitalize() for word in app.split("_")) + "Config"
    assert config.verbose_name == app.replace("_", " ").title()
    assert project.run_checks() == []
    with TestClient(project.app, base_url="http://localhost") as client:
        assert [item["id"] for item in client.get("/shop/items/").json()] == [1, 2]
        assert client.get("/shop/items/?limit=1").json() == [{"id": 1, "name": "First item", "description": ""}]
        assert client.get("/shop/items/2/").json()["name"] == "Second item"
        assert client.get("/shop/items/99/").status_code == 404
        assert client.get("/shop/items/abc/").status_code == 404
        created = client.post("/shop/items/", json={"name": "Hat"})
        assert (created.status_code, created.json()) == (201, {"id": 3, "name": "Hat", "description": ""})
        assert client.post("/shop/items/", json={"name": ""}).status_code == 422
        with project.activated():
            assert reverse(f"{app}:item-detail", kwargs={"pk": 7}) == "/shop/items/7/"
        # The project's own example routes are still there.
        assert client.get("/").status_code == 200
