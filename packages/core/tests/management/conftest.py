"""Helpers for the scaffolding tests: the real CLI in-process, subprocesses with a clean environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fastjango.core.management import main
from fastjango.core.project import reset_default_project

#: Environment variables that would change what a generated project does.
_PROJECT_ENVIRONMENT = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")


#: ``cli(*args)``: run ``fastjango-admin ARGS`` in this process; the result looks like a subprocess's.
RunCLI = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> RunCLI:
    """Run ``fastjango-admin ARGS`` in this process, as the console script does."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        try:
            main(list(args), prog_name="fastjango-admin")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["fastjango-admin", *args], code, out, err)

    return run


@pytest.fixture
def unique() -> Callable[[str], str]:
    """A fresh module name per call, so projects of different tests never share ``sys.modules`` entries."""
    return lambda prefix: f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Work in ``tmp_path``, with no settings module, and forget every module imported from there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    reset_default_project()
    yield
    reset_default_project()
    root = str(tmp_path)
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(root):
            del sys.modules[name]


@pytest.fixture
def clean_env() -> dict[str, str]:
    """The environment for subprocesses: no FASTJANGO_* or other variables that change a project."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FASTJANGO_") and key not in _PROJECT_ENVIRONMENT
    }


def run_python(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``args`` and capture its output, bounded by ``timeout`` seconds."""
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture
def python() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()
