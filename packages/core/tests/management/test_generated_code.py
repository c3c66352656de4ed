"""What the scaffolding commands write passes the house linters, as the user's own project would see it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

RunCLI = Callable[..., subprocess.CompletedProcess[str]]
REPO_CONFIG = Path(__file__).resolve().parents[4] / "pyproject.toml"


@pytest.fixture
def ruff() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``ruff ARGS`` with the repository's rules but none of its paths: outside the repo, fastjango is third-party."""
    executable = Path(sys.executable).with_name("ruff")
    found = str(executable) if executable.is_file() else shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is a test dependency of fastjango-core (its [test] extra) but is not installed")
    config = tomllib.loads(REPO_CONFIG.read_text())["tool"]["ruff"]
    options = [
        "--isolated",
        f"--line-length={config['line-length']}",
        f"--target-version={config['target-version']}",
    ]

    def run(command: str, root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        rules = []
        if command == "check":
            lint = config["lint"]
            rules = [f"--select={','.join(lint['select'])}", f"--ignore={','.join(lint['ignore'])}"]
        return subprocess.run(
            [found, command, *options, *rules, *extra, "."],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


def test_generated_project_app_and_plugin_are_lint_clean(
    cli: RunCLI, ruff: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("startproject", "lintsite").returncode == 0
    monkeypatch.chdir(tmp_path / "lintsite")
    assert cli("startapp", "shop").returncode == 0
    monkeypatch.chdir(tmp_path)
    assert cli("startplugin", "audit_trail").returncode == 0

    for root in (tmp_path / "lintsite", tmp_path / "fastjango-audit-trail"):
        checked = ruff("check", root)
        assert checked.returncode == 0, f"{root.name}:\n{checked.stdout}{checked.stderr}"
        formatted = ruff("format", root, "--check", "--diff")
        assert formatted.returncode == 0, f"{root.name}:\n{formatted.stdout}{formatted.stderr}"
