"""``assert_num_queries(n)``: fail when a block sends a different number of SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastjango.orm.db.connections import query_listeners

__all__ = ["CapturedQueries", "assert_num_queries", "capture_queries"]


@dataclass
class CapturedQueries:
    """The statements a block sent, in order, as ``(alias, sql)`` pairs."""

    using: str | None = None
    statements: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, alias: str, statement: str) -> None:
        if self.using is None or alias == self.using:
            self.statements.append((alias, statement))

    def __len__(self) -> int:
        return len(self.statements)

    def describe(self) -> str:
        return "\n".join(f"  {number}. [{alias}] {sql}" for number, (alias, sql) in enumerate(self.statements, 1))


@contextmanager
def capture_queries(using: str | None = None) -> Iterator[CapturedQueries]:
    """Record the statements sent inside the block (sync and async code alike)."""
    captured = CapturedQueries(using)
    query_listeners.append(captured)
    try:
        yield captured
    finally:
        query_listeners.remove(captured)


@contextmanager
def assert_num_queries(expected: int, using: str | None = None) -> Iterator[CapturedQueries]:
    """Assert the block sends exactly ``expected`` statements (to ``using``, or to any database)."""
    with capture_queries(using) as captured:
        yield captured
    if len(captured) != expected:
        raise AssertionError(
            f"{len(captured)} queries executed, {expected} expected.\nQueries:\n{captured.describe() or '  (none)'}"
        )
