"""The databases a plugin's test suite runs on: SQLite, and the PostgreSQL and MariaDB servers on 127.0.0.1.

One list for every package's tests (and third-party plugins'), so each test
runs once per database. ``FASTJANGO_TEST_BACKENDS=sqlite,postgresql`` narrows
the choice. A server that cannot be reached skips its tests with the reason,
and fails them under ``CI=true`` (see ``fastjango.core.testing.require_service``).
"""

from __future__ import annotations

import os

from fastjango.core.testing import require_service

__all__ = ["TEST_BACKENDS", "require_backend", "selected_backends"]

#: Backend name -> (URL of its ``default`` database, (service name, port) or None when embedded).
TEST_BACKENDS: dict[str, tuple[str, tuple[str, int] | None]] = {
    "sqlite": ("sqlite:///unused.sqlite3", None),
    "postgresql": ("postgresql://postgres@127.0.0.1:5432/test", ("PostgreSQL", 5432)),
    "mariadb": ("mariadb://root@127.0.0.1:3306/test", ("MariaDB", 3306)),
}


def selected_backends(*, servers_only: bool = False) -> list[str]:
    """The backends chosen by ``FASTJANGO_TEST_BACKENDS`` (all by default); only servers if asked."""
    chosen = os.environ.get("FASTJANGO_TEST_BACKENDS", ",".join(TEST_BACKENDS))
    names = [name.strip() for name in chosen.split(",") if name.strip()]
    unknown = [name for name in names if name not in TEST_BACKENDS]
    if unknown:
        raise ValueError(
            f"FASTJANGO_TEST_BACKENDS names unknown backends {unknown}; choose from {', '.join(TEST_BACKENDS)}."
        )
    return [name for name in names if not servers_only or TEST_BACKENDS[name][1] is not None]


def require_backend(name: str) -> str:
    """``name``, once its server answers (skip, or fail under ``CI=true``, otherwise)."""
    service = TEST_BACKENDS[name][1]
    if service is not None:
        require_service(service[0], "127.0.0.1", service[1])
    return name
