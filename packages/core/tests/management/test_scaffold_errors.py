"""Bad input to the scaffolding commands: one ``Error:`` line naming the problem, no traceback, nothing written."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RunCLI = Callable[..., subprocess.CompletedProcess[str]]


def assert_one_line_error(outcome: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert outcome.returncode != 0
    assert "Traceback" not in outcome.stderr
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["startproject", "my-site"], ["'my-site' is not a valid project name", "e.g. 'my_site'"]),
        (["startproject", "2fast"], ["'2fast' is not a valid project name", "not starting with a digit"]),
        (["startproject", "class"], ["'class' is a Python keyword"]),
        (["startproject", "os"], ["'os' conflicts with the name of an existing Python module"]),
        (["startproject", "test"], ["'test' conflicts with the name of an existing Python module"]),
        (["startproject", "fastapi"], ["'fastapi' conflicts with the name of an existing Python module"]),
        (["startproject", "hello"], ["'hello' is the name of the example app"]),
        (["startapp", "my-app"], ["'my-app' is not a valid app name", "e.g. 'my_app'"]),
        (["startapp", "import"], ["'import' is a Python keyword"]),
        (["startapp", "json"], ["'json' conflicts with the name of an existing Python module"]),
        (["startplugin", "audit-log"], ["'audit-log' is not a valid plugin name", "e.g. 'audit_log'"]),
        (["startplugin", "Audit"], ["plugin names are lower case"]),
        (["startplugin", "fastjango-audit"], ["give the plugin's short name, 'audit'"]),
        (["startplugin", "orm"], ["'orm' is the name of fastjango's own orm plugin"]),
    ],
)
def test_bad_names_are_refused(cli: RunCLI, tmp_path: Path, args: list[str], fragments: list[str]) -> None:
    outcome = cli(*args)
    assert_one_line_error(outcome, *fragments)
    assert outcome.returncode == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["startproject", "startapp"])
def test_an_existing_folder_is_never_overwritten(cli: RunCLI, tmp_path: Path, command: str) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "mine.txt").write_text("keep me")

    outcome = cli(command, "taken")

    assert_one_line_error(outcome, "The folder taken already exists", f"{command} never overwrites anything")
    assert outcome.returncode == 1
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["mine.txt"]


def test_an_existing_plugin_folder_is_never_overwritten(cli: RunCLI, tmp_path: Path) -> None:
    (tmp_path / "fastjango-audit").mkdir()
    assert_one_line_error(cli("startplugin", "audit"), "The folder fastjango-audit already exists")


@pytest.mark.parametrize("command", ["startproject", "startapp", "startplugin"])
def test_a_missing_directory_is_an_error(cli: RunCLI, tmp_path: Path, command: str) -> None:
    outcome = cli(command, "things", "nowhere/here")

    assert_one_line_error(
        outcome, "The destination directory 'nowhere/here' does not exist", "create it first (mkdir nowhere/here)"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_directory_that_already_holds_a_project_is_refused(cli: RunCLI, tmp_path: Path) -> None:
    target = tmp_path / "existing"
    (target / "mysite_x").mkdir(parents=True)
    (target / "manage.py").write_text("# someone's manage.py\n")
    (target / "README.md").write_text("mine\n")

    outcome = cli("startproject", "mysite_x", "existing")

    assert_one_line_error(outcome, "existing already contains manage.py, mysite_x;")
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "manage.py", "mysite_x"]
    assert (target / "manage.py").read_text() == "# someone's manage.py\n"


def test_a_directory_with_unrelated_files_is_fine(cli: RunCLI, tmp_path: Path) -> None:
    target = tmp_path / "checkout"
    target.mkdir()
    (target / "README.md").write_text("mine\n")

    outcome = cli("startproject", "site_in_checkout", "checkout")

    assert outcome.returncode == 0, outcome.stderr
    assert (target / "manage.py").is_file()
    assert (target / "README.md").read_text() == "mine\n"
    assert "cd checkout" in outcome.stdout


def test_the_console_script_reports_one_line(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("fastjango-admin")
    if not script.is_file():
        pytest.skip(f"fastjango-admin is not installed next to {sys.executable}")
    outcome = subprocess.run(
        [str(script), "startproject", "my-site"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert_one_line_error(outcome, "'my-site' is not a valid project name")
    assert outcome.returncode == 2
    assert outcome.stdout == ""
