"""The ORM alone, side by side: fastjango's async QuerySets, hand-written SQLAlchemy, the Django ORM,
and the raw asyncpg driver as the limit none of them can pass.

No web framework, no server: each ORM runs in its own process (pinned to the
same CPU) and reads the suite's PostgreSQL table, one row by primary key
(``get``) and a 20-row ordered page (``list``), first one operation at a time,
then with 16 concurrent callers (tasks on one event loop for the async ORMs;
threads with a connection each for the synchronous Django ORM, as a threaded
server runs views; a thread-sensitive context per caller for Django's async
API, as its ASGI handler gives each request). Every ORM may open one
connection per caller: the async ORMs' pools hold 16 here. The processes take turns batch
by batch, and the ratios are taken per round, so the machine's drift hits all
of them alike. Reported per ORM and scenario: operations per second (wall
clock, the database's round trips included) and the ORM process's CPU time
per operation.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from harness.inprocess import read_worker_line

__all__ = ["ORMS", "OrmResult", "measure_orms", "orm_limits", "orm_table", "orm_targets"]

#: ORM name -> the folder (under benchmarks/) its imports are relative to.
ORMS = {
    "fastjango": ".",
    "sqlalchemy": ".",
    "asyncpg": ".",  # not an ORM: the raw driver, the limit any of them could reach
    "django": "stacks/django_app",
    "django-async": "stacks/django_app",
}
#: How many callers share the work at once in the concurrent scenarios.
CALLERS = 16
#: Scenario name -> (worker scenario, concurrent callers).
SCENARIOS = {"get": ("get", 1), "list": ("list", 1), "get-x16": ("get", CALLERS), "list-x16": ("list", CALLERS)}
#: The Django variants: the concurrent target is judged against the faster of them in each round.
DJANGO = ("django", "django-async")


@dataclass
class OrmResult:
    orm: str
    #: scenario -> per-round (cpu_ns_per_op, wall_ns_per_op)
    rounds: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: {s: [] for s in SCENARIOS})

    def ops_per_s(self, scenario: str) -> float:
        return 1e9 / statistics.median(wall for _, wall in self.rounds[scenario])

    def cpu_us(self, scenario: str) -> float:
        return statistics.median(cpu for cpu, _ in self.rounds[scenario]) / 1000


def _start(orm: str, *, python: str, cwd: Path, environ: dict[str, str], cpu: int) -> subprocess.Popen[str]:
    # One connection per concurrent caller for every ORM, as Django's threads each have their own.
    env = {**os.environ, **environ, "BENCH_POOL_SIZE": str(CALLERS)}
    env["PYTHONPATH"] = os.pathsep.join([str(cwd / ORMS[orm]), str(cwd)])
    worker = subprocess.Popen(
        ["taskset", "-c", str(cpu), python, "-m", "harness.orm_worker", orm],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = read_worker_line(worker.stdout, orm, worker)
    if line != "ready":
        raise RuntimeError(f"{orm}: the ORM worker said {line!r} instead of 'ready'.")
    return worker


def measure_orms(
    *, python: str, cwd: Path, environ: dict[str, str], cpu: int, rounds: int, operations: int
) -> dict[str, OrmResult]:
    """``operations`` per batch one at a time, four times as many with concurrent callers."""
    workers: dict[str, subprocess.Popen[str]] = {}
    try:
        for orm in ORMS:
            workers[orm] = _start(orm, python=python, cwd=cwd, environ=environ, cpu=cpu)
        results = {orm: OrmResult(orm) for orm in ORMS}
        names = list(workers)
        for number in range(rounds):
            shift = number % len(names)
            for scenario, (name, callers) in SCENARIOS.items():
                count = operations if callers == 1 else operations * 4
                for orm in names[shift:] + names[:shift]:
                    worker = workers[orm]
                    assert worker.stdin is not None
                    worker.stdin.write(f"{name} {count} {callers}\n")
                    worker.stdin.flush()
                    cpu_ns, wall_ns = (int(part) for part in read_worker_line(worker.stdout, orm, worker).split())
                    results[orm].rounds[scenario].append((cpu_ns / count, wall_ns / count))
        return results
    finally:
        for worker in workers.values():
            if worker.stdin is not None:
                worker.stdin.close()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _round_ratios(results: dict[str, OrmResult], scenario: str, top: str, bottoms: tuple[str, ...]) -> list[float]:
    """Per round: ``top``'s speed over the fastest of ``bottoms`` in that round (wall time per operation)."""
    ratios = []
    for number, (_, wall) in enumerate(results[top].rounds[scenario]):
        fastest = min(results[bottom].rounds[scenario][number][1] for bottom in bottoms)
        ratios.append(fastest / wall)
    return ratios


#: (scenario, the ORMs compared with, needed ratio, a promise of the issue or information only)
TARGETS = (
    ("get", ("sqlalchemy",), 1.0, True),
    ("list", ("sqlalchemy",), 1.0, True),
    ("get-x16", DJANGO, 2.0, True),
    ("list-x16", DJANGO, 2.0, True),
    ("get", ("django",), 2.0, False),
    ("list", ("django",), 2.0, False),
    ("get-x16", ("sqlalchemy",), 1.0, False),
    ("list-x16", ("sqlalchemy",), 1.0, False),
)

#: Information: how close fastjango comes to the raw driver, and how far the raw driver itself is from Django.
LIMITS = (("fastjango", ("asyncpg",)), ("asyncpg", DJANGO))


def orm_targets(results: dict[str, OrmResult]) -> list[dict[str, object]]:
    """fastjango no slower than SQLAlchemy, and at least 2x the best Django under concurrent callers.

    Information only: one operation at a time against synchronous Django, and
    SQLAlchemy under concurrent callers.
    """
    evaluated: list[dict[str, object]] = []
    for scenario, versus, minimum, promise in TARGETS:
        ratios = _round_ratios(results, scenario, "fastjango", versus)
        ratio = statistics.median(ratios)
        evaluated.append(
            {
                "scenario": scenario,
                "versus": " or ".join(versus),
                "ratio": ratio,
                "min": min(ratios),
                "max": max(ratios),
                "minimum": minimum,
                "promise": promise,
                "met": ratio >= minimum,
            }
        )
    return evaluated


def orm_limits(results: dict[str, OrmResult]) -> list[dict[str, object]]:
    """Median per-round ratios that show the room left: fastjango against the raw driver, the driver against Django."""
    return [
        {"top": top, "versus": " or ".join(versus), "scenario": scenario, "ratio": statistics.median(ratios)}
        for top, versus in LIMITS
        for scenario in SCENARIOS
        for ratios in [_round_ratios(results, scenario, top, versus)]
    ]


def orm_table(results: dict[str, OrmResult]) -> str:
    header = " | ".join(f"{scenario}: ops/s | {scenario}: CPU µs/op" for scenario in SCENARIOS)
    lines = [f"| ORM | {header} |", "| --- |" + " ---: |" * (2 * len(SCENARIOS))]
    for result in results.values():
        cells = " | ".join(f"{result.ops_per_s(s):,.0f} | {result.cpu_us(s):.0f}" for s in SCENARIOS)
        lines.append(f"| {result.orm} | {cells} |")
    lines += [
        "",
        "| target | ops/s ratio (median of rounds) | min - max | needed | result |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for target in orm_targets(results):
        verdict = ("met" if target["met"] else "MISSED") if target["promise"] else "information"
        lines.append(
            f"| fastjango / {target['versus']} ({target['scenario']}) | {target['ratio']:.3f} "
            f"| {target['min']:.2f} - {target['max']:.2f} | ≥ {target['minimum']:.2f} | {verdict} |"
        )
    lines += ["", "| the raw-driver limit (information) | " + " | ".join(SCENARIOS) + " |"]
    lines.append("| --- |" + " ---: |" * len(SCENARIOS))
    limits = orm_limits(results)
    for top, versus in LIMITS:
        label = " or ".join(versus)
        cells = " | ".join(
            f"{limit['ratio']:.3f}" for limit in limits if limit["top"] == top and limit["versus"] == label
        )
        lines.append(f"| {top} / {label} | {cells} |")
    return "\n".join(lines)
