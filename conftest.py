"""The repository's test run as a whole (``hatch run dev:test``): each package's tests stay in one process.

With pytest-xdist the packages' suites run side by side, each in one worker
and in its usual order: a package's tests share session state (test
databases, models registered while they run) that another package's tests
must not see half-built. Without xdist this file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.has_plugin("xdist"):
        return
    for item in items:
        parts = Path(str(item.path)).resolve().relative_to(_ROOT).parts
        group = parts[1] if parts[0] == "packages" and len(parts) > 1 else parts[0]
        item.add_marker(pytest.mark.xdist_group(group))
