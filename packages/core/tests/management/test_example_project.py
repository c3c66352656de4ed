"""examples/mysite: made by ``startproject``, kept as generated, checks clean and answers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from fastjango.core.management.commands.startproject import project_plan

EXAMPLE = Path(__file__).resolve().parents[4] / "examples" / "mysite"
#: What may sit in the example besides the generated files: its README and what running it leaves behind.
_NOT_GENERATED = {"README.md"}
_LEFT_BEHIND = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", ".env"}
_SECRET_KEY = re.compile(r'^SECRET_KEY = "fastjango-insecure-[^"]+"', re.MULTILINE)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_example_passes_check(clean_env: dict[str, str]) -> None:
    outcome = manage("check", env=clean_env)
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stdout.strip() == "System check identified no issues."


def test_the_example_answers_its_welcome_route(clean_env: dict[str, str]) -> None:
    code = (
        "import json; from starlette.testclient import TestClient\n"
        "with TestClient(app, base_url='http://localhost') as client:\n"
        "    print(json.dumps([client.get('/').json(), client.get('/hello/Ada/').json()]))"
    )
    outcome = manage("shell", "--plain", "-c", code, env=clean_env)
    assert outcome.returncode == 0, outcome.stderr
    welcome, greeting = json.loads(outcome.stdout)
    assert welcome == {
        "message": "Welcome to mysite, a fastjango project.",
        "docs": "/docs",
        "try_it": "/hello/world/",
    }
    assert greeting == {"message": "Hello, Ada!", "name": "Ada"}


def test_the_example_is_kept_as_generated() -> None:
    """Regenerate it (see examples/mysite/README.md) when this fails after a template change."""
    expected = {
        relative.as_posix(): _SECRET_KEY.sub('SECRET_KEY = "..."', text)
        for relative, text in project_plan("mysite").items()
    }
    found = {
        path.relative_to(EXAMPLE).as_posix(): _SECRET_KEY.sub('SECRET_KEY = "..."', path.read_text(encoding="utf-8"))
        for path in EXAMPLE.rglob("*")
        if path.is_file()
        and not _LEFT_BEHIND.intersection(path.relative_to(EXAMPLE).parts)
        and path.suffix not in (".pyc", ".pyo")
        and path.relative_to(EXAMPLE).as_posix() not in _NOT_GENERATED
    }
    assert sorted(found) == sorted(expected)
    stale = sorted(name for name in expected if found[name] != expected[name])
    assert stale == [], f"examples/mysite differs from what startproject writes now: {stale}"
