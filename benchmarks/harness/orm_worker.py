"""One ORM doing the ORM scenarios in a loop, no web framework: the child process of ``ormbench.py``.

Usage: ``python -m harness.orm_worker ORM``, ORM one of ``fastjango`` (async
QuerySets), ``sqlalchemy`` (hand-written SQLAlchemy 2 async ORM, as FastAPI's
tutorial writes it), ``asyncpg`` (no ORM: the raw driver, the limit),
``django`` (the Django ORM, synchronous, as Django views use it; concurrent
callers are threads, each with its own connection, as a threaded WSGI server
runs them) and ``django-async`` (Django's async QuerySet
API, ``aget`` and ``async for``; concurrent callers are tasks on one event
loop, as an ASGI server runs async views). After ``ready``, each stdin line
``SCENARIO COUNT CALLERS`` runs the scenario COUNT times, shared among CALLERS
concurrent callers, and prints ``CPU_NS WALL_NS``. Scenarios: ``get`` (one row
by primary key) and ``list`` (20 rows ordered by id, at an offset).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

ITEM_COUNT = 10_000


def _ids(count: int, start: int) -> list[int]:
    # The same pseudo-random walk over the table as the HTTP scenario.
    return [((start + i) * 7919) % ITEM_COUNT + 1 for i in range(count)]


def _offsets(count: int, start: int) -> list[int]:
    return [((start + i) * 37) % 980 for i in range(count)]


def fastjango_runner() -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    os.environ.setdefault("FASTJANGO_SETTINGS_MODULE", "stacks.fastjango_app.settings")
    from stacks.fastjango_app.items.models import Item

    from fastjango.core.project import get_project
    from fastjango.orm.db.connections import get_databases

    get_project()

    async def run(scenario: str, count: int, start: int) -> int:
        rows = 0
        if scenario == "get":
            for item_id in _ids(count, start):
                item = await Item.objects.aget(pk=item_id)
                rows += item.id > 0
        else:
            for offset in _offsets(count, start):
                rows += len(await Item.objects.order_by("id")[offset : offset + 20].alist())
        return rows

    async def close() -> None:
        await get_databases().aclose()

    return run, close


def sqlalchemy_runner() -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    from sqlalchemy import select
    from stacks.fastapi_app.database import Item, SessionLocal, engine

    async def run(scenario: str, count: int, start: int) -> int:
        rows = 0
        if scenario == "get":
            for item_id in _ids(count, start):
                async with SessionLocal() as session:
                    item = await session.get(Item, item_id)
                    rows += item is not None
        else:
            for offset in _offsets(count, start):
                async with SessionLocal() as session:
                    result = await session.scalars(select(Item).order_by(Item.id).offset(offset).limit(20))
                    rows += len(result.all())
        return rows

    async def close() -> None:
        await engine.dispose()

    return run, close


def asyncpg_runner() -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    """The raw-driver limit: asyncpg's own pool and prepared statements, rows left as asyncpg records."""
    import asyncpg
    from stacks.fastapi_app.database import DATABASE_URL

    columns = "id, name, price, created, active, category"
    get_sql = f"SELECT {columns} FROM bench_item WHERE id = $1"
    list_sql = f"SELECT {columns} FROM bench_item ORDER BY id LIMIT 20 OFFSET $1"
    pools: list[Any] = []
    opening = asyncio.Lock()  # the first callers arrive together: one pool for all of them

    async def _no_reset(connection: Any) -> None:
        return None

    async def pool() -> Any:
        async with opening:
            if pools:
                return pools[0]
            size = int(os.environ.get("BENCH_POOL_SIZE", "10"))
            dsn = DATABASE_URL.set(drivername="postgresql").render_as_string(hide_password=False)
            # No reset query on release (asyncpg's default sends one, a round trip per operation):
            # these reads leave nothing on the connection to reset.
            pools.append(await asyncpg.create_pool(dsn, min_size=size, max_size=size, reset=_no_reset))
        return pools[0]

    async def run(scenario: str, count: int, start: int) -> int:
        connections = await pool()
        rows = 0
        if scenario == "get":
            for item_id in _ids(count, start):
                row = await connections.fetchrow(get_sql, item_id)
                rows += row["id"] > 0
        else:
            for offset in _offsets(count, start):
                rows += len(await connections.fetch(list_sql, offset))
        return rows

    async def close() -> None:
        if pools:
            await pools[0].close()

    return run, close


def _django_setup() -> type:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    import django

    django.setup()
    from items.models import Item

    return Item


def django_runner() -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    item_model: Any = _django_setup()

    def run_sync(scenario: str, count: int, start: int) -> int:
        rows = 0
        if scenario == "get":
            for item_id in _ids(count, start):
                rows += item_model.objects.get(pk=item_id).id > 0
        else:
            for offset in _offsets(count, start):
                rows += len(list(item_model.objects.order_by("id")[offset : offset + 20]))
        return rows

    async def run(scenario: str, count: int, start: int) -> int:
        raise AssertionError("the Django ORM runs without an event loop (see main)")

    async def close() -> None:
        return None

    _SYNC_RUNNERS["django"] = run_sync
    return run, close


def django_async_runner() -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    item_model: Any = _django_setup()

    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.db import connections

    async def run(scenario: str, count: int, start: int) -> int:
        # Each caller in its own thread-sensitive context, as Django's ASGI handler gives each request:
        # its own thread for the ORM's sync_to_async calls, so callers do not queue on one thread.
        rows = 0
        async with ThreadSensitiveContext():
            if scenario == "get":
                for item_id in _ids(count, start):
                    item = await item_model.objects.aget(pk=item_id)
                    rows += item.id > 0
            else:
                for offset in _offsets(count, start):
                    rows += len([item async for item in item_model.objects.order_by("id")[offset : offset + 20]])
            await sync_to_async(connections.close_all)()  # the context's thread ends with it
        return rows

    async def close() -> None:
        return None

    return run, close


#: Synchronous ORMs run outside any event loop, as their own views run them.
_SYNC_RUNNERS: dict[str, Callable[[str, int, int], int]] = {}


RUNNERS = {
    "fastjango": fastjango_runner,
    "sqlalchemy": sqlalchemy_runner,
    "asyncpg": asyncpg_runner,
    "django": django_runner,
    "django-async": django_async_runner,
}


EXPECTED = {"get": 1, "list": 20}


def _shares(count: int, callers: int) -> list[int]:
    """COUNT operations split among CALLERS as evenly as possible."""
    return [count // callers + (1 if index < count % callers else 0) for index in range(callers)]


#: Long-lived threads per number of callers: each keeps its Django connection, as a threaded server's do.
_THREADS: dict[int, ThreadPoolExecutor] = {}


def _run_threads(run: Callable[[str, int, int], int], scenario: str, count: int, start: int, callers: int) -> int:
    if callers == 1:
        return run(scenario, count, start)
    executor = _THREADS.get(callers)
    if executor is None:
        executor = _THREADS[callers] = ThreadPoolExecutor(max_workers=callers)
    calls, offset = [], start
    for share in _shares(count, callers):
        calls.append(executor.submit(run, scenario, share, offset))
        offset += share
    return sum(call.result() for call in calls)


async def _run_tasks(
    run: Callable[[str, int, int], Awaitable[int]], scenario: str, count: int, start: int, callers: int
) -> int:
    if callers == 1:
        return await run(scenario, count, start)
    calls, offset = [], start
    for share in _shares(count, callers):
        calls.append(run(scenario, share, offset))
        offset += share
    return sum(await asyncio.gather(*calls))


def _serve(orm: str, batch: Callable[[str, int, int, int], int]) -> None:
    for scenario in ("get", "list"):  # warm-up, and a check of what each ORM returns
        for callers in (1, 4):
            rows = batch(scenario, 20, 0, callers)
            if rows != 20 * EXPECTED[scenario]:
                raise SystemExit(f"{orm} {scenario}: {rows} rows for 20 calls, expected {20 * EXPECTED[scenario]}")
    # Every ORM's process freezes what is alive after its start-up, as a fastjango server does
    # (GC_FREEZE_AFTER_STARTUP): Django's processes get the same treatment, though Django does not do it.
    gc.freeze()
    print("ready", flush=True)
    start = 0
    for line in sys.stdin:  # the worker has nothing else to do while it waits for the next batch
        scenario, count_text, callers_text = line.split()
        count, callers = int(count_text), int(callers_text)
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        rows = batch(scenario, count, start, callers)
        cpu, wall = time.process_time_ns() - cpu, time.perf_counter_ns() - wall
        start += count
        if rows != count * EXPECTED[scenario]:
            raise SystemExit(f"{orm} {scenario}: {rows} rows for {count} calls")
        print(cpu, wall, flush=True)


def main_sync(orm: str) -> None:
    RUNNERS[orm]()
    run = _SYNC_RUNNERS[orm]
    _serve(orm, lambda scenario, count, start, callers: _run_threads(run, scenario, count, start, callers))


def main(orm: str) -> None:
    import uvloop

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    run, close = loop.run_until_complete(_make_runner(orm))
    try:
        _serve(
            orm,
            lambda scenario, count, start, callers: loop.run_until_complete(
                _run_tasks(run, scenario, count, start, callers)
            ),
        )
    finally:
        loop.run_until_complete(close())
        loop.close()


async def _make_runner(
    orm: str,
) -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    return RUNNERS[orm]()  # inside the loop: engines bind to it


if __name__ == "__main__":
    if sys.argv[1] == "django":
        main_sync(sys.argv[1])
    else:
        main(sys.argv[1])
