"""``startplugin``: a distribution that, once installed, adds a setting, a route, a middleware and a command."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from fastjango.core import Project
from fastjango.core.plugins import available_plugins

RunCLI = Callable[..., subprocess.CompletedProcess[str]]

PLUGIN_FILES = {
    "pyproject.toml",
    "README.md",
    "CHANGELOG.md",
    "src/fastjango_{name}/__init__.py",
    "src/fastjango_{name}/plugin.py",
    "src/fastjango_{name}/py.typed",
    "tests/conftest.py",
    "tests/test_plugin.py",
}


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_startplugin_writes_a_distribution(cli: RunCLI, tmp_path: Path) -> None:
    outcome = cli("startplugin", "audit_log")

    assert outcome.returncode == 0, outcome.stderr
    root = tmp_path / "fastjango-audit-log"
    assert files_under(root) == {entry.format(name="audit_log") for entry in PLUGIN_FILES}
    config = tomllib.loads((root / "pyproject.toml").read_text())
    assert config["project"]["name"] == "fastjango-audit-log"
    assert config["project"]["entry-points"]["fastjango.plugins"] == {"audit_log": "fastjango_audit_log.plugin"}
    assert config["project"]["dependencies"] == ["fastjango-core>=0.1,<0.2"]
    assert config["tool"]["hatch"]["version"]["path"] == "src/fastjango_audit_log/__init__.py"
    assert "cd fastjango-audit-log" in outcome.stdout
    assert 'add "audit_log" to INSTALLED_PLUGINS' in outcome.stdout


@dataclass(frozen=True)
class InstalledPlugin:
    name: str
    folder: Path
    site: Path

    @property
    def dashed(self) -> str:
        return self.name.replace("_", "-")


def _installer(site: Path, source: Path) -> list[str]:
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(source)]
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("neither pip nor uv is available to install the generated plugin")
    return [uv, "pip", "install", "--quiet", "-p", sys.executable, "--no-deps", "--target", str(site), str(source)]


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstalledPlugin]:
    """A plugin made by the real ``fastjango-admin startplugin``, built and installed into its own site folder."""
    work = tmp_path_factory.mktemp("plugin")
    name = f"audit_log_{uuid.uuid4().hex[:6]}"
    made = subprocess.run(
        [sys.executable, "-m", "fastjango.core.management", "startplugin", name],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    folder = work / f"fastjango-{name.replace('_', '-')}"
    site = work / "site"
    installed = subprocess.run(_installer(site, folder), capture_output=True, text=True, timeout=180, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    yield InstalledPlugin(name, folder, site)
    for module in [m for m in sys.modules if m == f"fastjango_{name}" or m.startswith(f"fastjango_{name}.")]:
        del sys.modules[module]


def _project(*plugins: str) -> Project:
    return Project(
        {"INSTALLED_PLUGINS": list(plugins), "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ["testserver"]}, environ={}
    )


@pytest.mark.packaging
def test_the_plugin_contributes_only_when_enabled(
    installed_plugin: InstalledPlugin, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin = installed_plugin
    monkeypatch.syspath_prepend(str(plugin.site))
    importlib.invalidate_caches()
    assert available_plugins()[plugin.name].value == f"fastjango_{plugin.name}.plugin"
    greeting = f"hello from {plugin.name}"
    setting = f"{plugin.name.upper()}_GREETING"
    header = "X-" + "-".join(word.capitalize() for word in plugin.name.split("_")) + "-Plugin"
    command_name = f"{plugin.dashed}-hello"

    enabled = _project(plugin.name)
    with TestClient(enabled.app, base_url="http://testserver") as client:
        response = client.get(f"/{plugin.dashed}/ping/")
    assert response.status_code == 200
    assert response.json() == {"greeting": greeting}
    assert response.headers[header] == "1"
    assert getattr(enabled.settings, setting) == greeting
    command = enabled.commands()[command_name]
    with enabled.activated():
        result = CliRunner().invoke(command)
    assert (result.exit_code, result.output) == (0, greeting + "\n")

    disabled = _project()
    with TestClient(disabled.app, base_url="http://testserver") as client:
        response = client.get(f"/{plugin.dashed}/ping/")
    assert response.status_code == 404
    assert header not in response.headers
    with pytest.raises(AttributeError, match=setting):
        getattr(disabled.settings, setting)
    assert command_name not in disabled.commands()


@pytest.mark.packaging
def test_the_generated_plugin_tests_pass(installed_plugin: InstalledPlugin, clean_env: dict[str, str]) -> None:
    plugin = installed_plugin
    outcome = subprocess.run(
        [sys.executable, "-m", "pytest", str(plugin.folder / "tests"), "-p", "no:cacheprovider", "-q"],
        cwd=plugin.folder,
        env={**clean_env, "PYTHONPATH": str(plugin.site)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert "5 passed" in outcome.stdout
