"""examples/mysite: made by ``startproject``, then given the ORM; checks clean, answers, migrations in step.

The example is ``startproject``'s output with one documented addition (its
README says so): the ORM plugin on, a SQLite database, the ``Visitor`` model in
``hello/models.py`` and its migration. Everything else must be exactly what
``startproject`` writes now. These tests live at the repository root because
the example needs two distributions (core and orm).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from fastjango.core.management.commands.startproject import project_plan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mysite"
#: What may sit in the example besides the generated files: its README, the ORM addition, and what running it
#: leaves behind.
_NOT_GENERATED = {"README.md", "hello/migrations/0001_initial.py"}
_EXTENDED = {"hello/models.py"}
_LEFT_BEHIND = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", ".env"}
_SECRET_KEY = re.compile(r'^SECRET_KEY = "fastjango-insecure-[^"]+"', re.MULTILINE)
_PROJECT_ENVIRONMENT = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")

_ORM_SETTINGS = """ROOT_URLCONF = "mysite.urls"

# Databases, as in Django. SQLite needs nothing installed; for PostgreSQL or MariaDB install
# "fastjango-orm[postgresql]" or "[mysql]" and set DATABASE_URL (e.g. postgresql://user@host/name).
DATABASES = {"default": {"ENGINE": "sqlite", "NAME": "db.sqlite3"}}"""


def _with_orm(settings: str) -> str:
    """The generated settings with the example's ORM addition (the README's "What was added")."""
    settings = settings.replace("INSTALLED_PLUGINS: list[str] = []", 'INSTALLED_PLUGINS: list[str] = ["orm"]', 1)
    return settings.replace('ROOT_URLCONF = "mysite.urls"', _ORM_SETTINGS, 1)


def _environment() -> dict[str, str]:
    """No FASTJANGO_* or other variables that change a project (an earlier test may have set some)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FASTJANGO_") and key not in _PROJECT_ENVIRONMENT
    }


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=_environment(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


def test_the_example_passes_check() -> None:
    outcome = manage("check")
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stdout.strip() == "System check identified no issues."


def test_the_example_answers_its_welcome_route() -> None:
    code = (
        "import json; from starlette.testclient import TestClient\n"
        "with TestClient(app, base_url='http://localhost') as client:\n"
        "    print(json.dumps([client.get('/').json(), client.get('/hello/Ada/').json()]))"
    )
    outcome = manage("shell", "--plain", "-c", code)
    assert outcome.returncode == 0, outcome.stderr
    welcome, greeting = json.loads(outcome.stdout)
    assert welcome == {
        "message": "Welcome to mysite, a fastjango project.",
        "docs": "/docs",
        "try_it": "/hello/world/",
    }
    assert greeting == {"message": "Hello, Ada!", "name": "Ada"}


def test_the_example_projects_migrations_match_its_models() -> None:
    # What a project's CI runs: exit 1, and the migration it would write, when a model changed without one.
    outcome = manage("makemigrations", "--check")
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert outcome.stdout.strip() == "No changes detected."


def test_the_example_is_kept_as_generated() -> None:
    """Regenerate it (see examples/mysite/README.md) when this fails after a template change."""
    expected = {
        relative.as_posix(): _SECRET_KEY.sub('SECRET_KEY = "..."', text)
        for relative, text in project_plan("mysite").items()
    }
    expected["mysite/settings.py"] = _with_orm(expected["mysite/settings.py"])
    found = {
        path.relative_to(EXAMPLE).as_posix(): _SECRET_KEY.sub('SECRET_KEY = "..."', path.read_text(encoding="utf-8"))
        for path in EXAMPLE.rglob("*")
        if path.is_file()
        and not _LEFT_BEHIND.intersection(path.relative_to(EXAMPLE).parts)
        and path.suffix not in (".pyc", ".pyo", ".sqlite3")
        and path.relative_to(EXAMPLE).as_posix() not in _NOT_GENERATED
    }
    assert sorted(found) == sorted(expected)
    stale = sorted(name for name in expected if name not in _EXTENDED and found[name] != expected[name])
    assert stale == [], f"examples/mysite differs from what startproject writes now: {stale}"
    for name in _NOT_GENERATED:
        assert (EXAMPLE / name).is_file(), name
