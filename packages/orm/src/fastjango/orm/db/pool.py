"""The async engines' connection pool: SQLAlchemy's, plus a checkout that needs no greenlet.

SQLAlchemy's async pool is its ``QueuePool`` driven through a greenlet, because
checking a connection out may have to wait for one, open one or replace an old
one. Most checkouts do none of that: a connection is idle and still good. For
those, :func:`lend_ready` hands it over as a plain function call, so a direct
read (``query/direct.py``) awaits only its statement. Starting and switching a
greenlet per read costs about a quarter of a simple read's CPU time when many
requests run at once (each switch copies part of the C stack).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

__all__ = ["LendingAsyncPool", "lend_ready"]


class _NotReady(Exception):
    """The next idle connection must be re-opened first, which needs the greenlet."""


class LendingAsyncPool(AsyncAdaptedQueuePool):
    """``AsyncAdaptedQueuePool`` whose idle, still-valid connections can be lent without a greenlet."""

    _lending = False

    def _do_get(self) -> ConnectionPoolEntry:
        record = super()._do_get()
        if self._lending and self._must_reopen(record):
            self._do_return_conn(record)
            raise _NotReady
        return record

    def _must_reopen(self, record: Any) -> bool:
        # What SQLAlchemy's _ConnectionRecord.get_connection checks before it re-opens a connection.
        started = record.starttime
        return bool(
            record.dbapi_connection is None
            or (self._recycle > -1 and time.time() - started > self._recycle)
            or self._invalidate_time > started
            or record._soft_invalidate_time > started
        )

    def lend(self) -> Any:
        """An idle connection that needs no I/O to check out, or None."""
        if self.checkedin() == 0 or self._pre_ping or self.dispatch.checkout:
            return None
        self._lending = True
        try:
            return self.connect()
        except _NotReady:
            return None
        finally:
            self._lending = False


def lend_ready(engine: Engine) -> Any:
    """A pooled connection of ``engine`` checked out without awaiting, or None when that needs the greenlet."""
    pool = engine.pool
    return pool.lend() if isinstance(pool, LendingAsyncPool) else None
