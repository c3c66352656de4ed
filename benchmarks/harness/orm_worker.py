"""One ORM doing the ORM scenarios in a loop, no web framework: the child process of ``ormbench.py``.

Usage: ``python -m harness.orm_worker ORM``, ORM one of ``fastjango`` (async
QuerySets), ``sqlalchemy`` (hand-written SQLAlchemy 2 async ORM, as FastAPI's
tutorial writes it) and ``django`` (the Django ORM, synchronous, as Django
views use it). After ``ready``, each stdin line ``SCENARIO COUNT`` runs the
scenario COUNT times and prints ``CPU_NS WALL_NS``. Scenarios: ``get`` (one
row by primary key) and ``list`` (20 rows ordered by id, at an offset).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Awaitable, Callable

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


def django_runner() -> tuple[Callable[[str, int, int], Awaitable[int]], Callable[[], Awaitable[None]]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    import django

    django.setup()
    from items.models import Item

    def run_sync(scenario: str, count: int, start: int) -> int:
        rows = 0
        if scenario == "get":
            for item_id in _ids(count, start):
                rows += Item.objects.get(pk=item_id).id > 0
        else:
            for offset in _offsets(count, start):
                rows += len(list(Item.objects.order_by("id")[offset : offset + 20]))
        return rows

    async def run(scenario: str, count: int, start: int) -> int:
        raise AssertionError("the Django ORM runs without an event loop (see main)")

    async def close() -> None:
        return None

    _SYNC_RUNNERS["django"] = run_sync
    return run, close


#: Synchronous ORMs run outside any event loop, as their own views run them.
_SYNC_RUNNERS: dict[str, Callable[[str, int, int], int]] = {}


RUNNERS = {"fastjango": fastjango_runner, "sqlalchemy": sqlalchemy_runner, "django": django_runner}


EXPECTED = {"get": 1, "list": 20}


def main_sync(orm: str) -> None:
    RUNNERS[orm]()
    run = _SYNC_RUNNERS[orm]
    for scenario in ("get", "list"):
        rows = run(scenario, 20, 0)
        if rows != 20 * EXPECTED[scenario]:
            raise SystemExit(f"{orm} {scenario}: {rows} rows for 20 calls, expected {20 * EXPECTED[scenario]}")
    print("ready", flush=True)
    start = 0
    for line in sys.stdin:
        scenario, count_text = line.split()
        count = int(count_text)
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        rows = run(scenario, count, start)
        cpu, wall = time.process_time_ns() - cpu, time.perf_counter_ns() - wall
        start += count
        if rows != count * EXPECTED[scenario]:
            raise SystemExit(f"{orm} {scenario}: {rows} rows for {count} calls")
        print(cpu, wall, flush=True)


async def main(orm: str) -> None:
    run, close = RUNNERS[orm]()
    expected = EXPECTED
    for scenario in ("get", "list"):  # warm-up, and a check of what each ORM returns
        rows = await run(scenario, 20, 0)
        if rows != 20 * expected[scenario]:
            raise SystemExit(f"{orm} {scenario}: {rows} rows for 20 calls, expected {20 * expected[scenario]}")
    print("ready", flush=True)
    start = 0
    for line in sys.stdin:  # the worker has nothing else to do while it waits for the next batch
        scenario, count_text = line.split()
        count = int(count_text)
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        rows = await run(scenario, count, start)
        cpu, wall = time.process_time_ns() - cpu, time.perf_counter_ns() - wall
        start += count
        if rows != count * expected[scenario]:
            raise SystemExit(f"{orm} {scenario}: {rows} rows for {count} calls")
        print(cpu, wall, flush=True)
    await close()


if __name__ == "__main__":
    if sys.argv[1] == "django":
        main_sync(sys.argv[1])
    else:
        import uvloop

        uvloop.run(main(sys.argv[1]))
