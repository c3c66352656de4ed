"""The ORM alone, side by side: fastjango's async QuerySets, hand-written SQLAlchemy, the Django ORM.

No web framework, no server: each ORM runs in its own process (pinned to the
same CPU) and reads the suite's PostgreSQL table, one row by primary key
(``get``) and a 20-row ordered page (``list``). The processes take turns batch
by batch, and the ratios are taken per round, so the machine's drift hits all
three alike. Reported per ORM and scenario: operations per second (wall clock,
the database's round trips included) and the ORM process's CPU time per
operation.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from harness.inprocess import read_worker_line

__all__ = ["ORMS", "OrmResult", "measure_orms", "orm_table", "orm_targets"]

#: ORM name -> the folder (under benchmarks/) its imports are relative to.
ORMS = {"fastjango": ".", "sqlalchemy": ".", "django": "stacks/django_app"}
SCENARIOS = ("get", "list")


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
    env = {**os.environ, **environ}
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
    workers: dict[str, subprocess.Popen[str]] = {}
    try:
        for orm in ORMS:
            workers[orm] = _start(orm, python=python, cwd=cwd, environ=environ, cpu=cpu)
        results = {orm: OrmResult(orm) for orm in ORMS}
        names = list(workers)
        for number in range(rounds):
            shift = number % len(names)
            for scenario in SCENARIOS:
                for orm in names[shift:] + names[:shift]:
                    worker = workers[orm]
                    assert worker.stdin is not None
                    worker.stdin.write(f"{scenario} {operations}\n")
                    worker.stdin.flush()
                    cpu_ns, wall_ns = (int(part) for part in read_worker_line(worker.stdout, orm, worker).split())
                    results[orm].rounds[scenario].append((cpu_ns / operations, wall_ns / operations))
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


def _round_ratio(results: dict[str, OrmResult], scenario: str, top: str, bottom: str) -> float:
    pairs = zip(results[top].rounds[scenario], results[bottom].rounds[scenario], strict=True)
    return statistics.median(other_wall / wall for (_, wall), (_, other_wall) in pairs)


def orm_targets(results: dict[str, OrmResult]) -> list[dict[str, object]]:
    """fastjango vs SQLAlchemy (no slower: ratio >= 1.0) and vs Django (at least 2x), per scenario."""
    evaluated: list[dict[str, object]] = []
    for scenario in SCENARIOS:
        for other, minimum in (("sqlalchemy", 1.0), ("django", 2.0)):
            ratio = _round_ratio(results, scenario, "fastjango", other)
            evaluated.append(
                {"scenario": scenario, "versus": other, "ratio": ratio, "minimum": minimum, "met": ratio >= minimum}
            )
    return evaluated


def orm_table(results: dict[str, OrmResult]) -> str:
    lines = [
        "| ORM | get: ops/s | get: CPU µs/op | list (20 rows): ops/s | list: CPU µs/op |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results.values():
        lines.append(
            f"| {result.orm} | {result.ops_per_s('get'):,.0f} | {result.cpu_us('get'):.0f} "
            f"| {result.ops_per_s('list'):,.0f} | {result.cpu_us('list'):.0f} |"
        )
    lines += [
        "",
        "| target | ops/s ratio (median of rounds) | needed | result |",
        "| --- | ---: | ---: | --- |",
    ]
    for target in orm_targets(results):
        lines.append(
            f"| fastjango / {target['versus']} ({target['scenario']}) | {target['ratio']:.3f} "
            f"| ≥ {target['minimum']:.2f} | {'met' if target['met'] else 'MISSED'} |"
        )
    return "\n".join(lines)
