"""Helpers for core's own tests: throwaway modules on disk and projects built from plain settings."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fastjango.core.project import Project, reset_default_project


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """Write modules of a uniquely named package; returns the package name.

    ``package(urls="urlpatterns = []", **{"blog/apps": "..."})`` creates
    ``<pkg>/urls.py`` and ``<pkg>/blog/apps.py`` (with ``__init__.py`` files).
    """
    name = f"pkg_{uuid.uuid4().hex[:10]}"
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(**modules: str) -> str:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        (root / "__init__.py").touch()
        for dotted, source in modules.items():
            target = root.joinpath(*dotted.split("/"))
            for parent in [target.parent, *target.parent.parents]:
                if parent == tmp_path:
                    break
                parent.mkdir(parents=True, exist_ok=True)
                (parent / "__init__.py").touch()
            target.with_suffix(".py").write_text(textwrap.dedent(source))
        importlib.invalidate_caches()
        return name

    yield write
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]


@pytest.fixture
def make_project() -> Iterator[Callable[..., Project]]:
    """Build a project from keyword settings, with no environment overrides."""

    def make(environ: dict[str, str] | None = None, **settings: Any) -> Project:
        settings.setdefault("SECRET_KEY", "test-" + "k" * 60)
        return Project(settings, environ=environ or {})

    yield make
    reset_default_project()


@pytest.fixture(autouse=True)
def _settings_module_env_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """``manage.py --settings`` sets ``FASTJANGO_SETTINGS_MODULE`` as Django's does; the CLI tests run it
    in this process, so the variable is put back after every test (a leaked value names a deleted module)."""
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
