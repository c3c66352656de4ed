"""GC_FREEZE_AFTER_STARTUP: the objects alive after start-up leave the garbage collector's sight.

``gc.freeze()`` is process-wide and happens once per process, so each case runs
in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import gc, json, sys
    from starlette.testclient import TestClient
    from fastjango.core.project import Project

    settings = {"SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": ["testserver"]}
    if sys.argv[1] != "default":
        settings["GC_FREEZE_AFTER_STARTUP"] = sys.argv[1] == "on"
    project = Project(settings, environ={})
    before = gc.get_freeze_count()
    with TestClient(project.app) as client:
        after_startup = gc.get_freeze_count()
        status = client.get("/missing").status_code
    with TestClient(Project(settings, environ={}).app):
        second_startup = gc.get_freeze_count()
    print(json.dumps([before, after_startup, second_startup, status]))
    """
)


def _run(mode: str) -> list[int]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("mode", ["default", "on"])
def test_startup_freezes_the_heap_once(mode: str) -> None:
    before, after_startup, second_startup, status = _run(mode)
    assert before == 0
    assert after_startup > 1000  # modules, classes, the app: everything alive at start-up
    # A second app in the process does not freeze again (frozen objects that die leave the count).
    assert second_startup <= after_startup
    assert status == 404  # and the app serves as usual


def test_the_setting_turns_it_off() -> None:
    before, after_startup, second_startup, status = _run("off")
    assert (before, after_startup, second_startup, status) == (0, 0, 0, 404)
