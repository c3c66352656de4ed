"""CPU time per request with no server and no network: each ASGI stack's app called in a loop.

Through wrk and a real server, the hello route is mostly the server's and the
kernel's work, and this machine's speed drifts by tens of percent within
minutes, so a 5% difference between two frameworks can hide in the noise.
Here each stack runs in its own process pinned to the same CPU and serves
``rounds`` batches of requests, taking turns batch by batch (A B C, B C A, ...),
so drift hits every stack alike; per-round ratios and their median decide.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from harness.stacks import Stack

__all__ = ["InProcessResult", "in_process_table", "measure_in_process", "read_worker_line"]


@dataclass
class InProcessResult:
    """One stack's CPU nanoseconds per request, one entry per round."""

    stack: str
    per_request_ns: list[float] = field(default_factory=list)

    @property
    def median_us(self) -> float:
        return statistics.median(self.per_request_ns) / 1000

    @property
    def best_us(self) -> float:
        return min(self.per_request_ns) / 1000


def measure_in_process(
    stacks: list[Stack],
    *,
    path: str,
    python: str,
    cwd: Path,
    environ: dict[str, str],
    cpu: int,
    rounds: int,
    requests_per_round: int,
) -> dict[str, InProcessResult]:
    """Serve ``path`` from every ASGI stack, in turns; the results keyed by stack name."""
    asgi = [stack for stack in stacks if stack.server == "uvicorn"]
    workers: dict[str, subprocess.Popen[str]] = {}
    try:
        for stack in asgi:
            workers[stack.name] = _start(stack, path=path, python=python, cwd=cwd, environ=environ, cpu=cpu)
        results = {stack.name: InProcessResult(stack.name) for stack in asgi}
        names = list(workers)
        for round_number in range(rounds):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                elapsed = _batch(workers[name], requests_per_round, name)
                results[name].per_request_ns.append(elapsed / requests_per_round)
        return results
    finally:
        for worker in workers.values():
            if worker.stdin is not None:
                worker.stdin.close()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def in_process_table(results: dict[str, InProcessResult], reference: str = "fastapi") -> str:
    """A Markdown table: CPU µs per request, and the requests/s ratio to ``reference`` per round."""
    from harness.report import in_process_ratios

    per_request = {name: result.per_request_ns for name, result in results.items()}
    lines = [
        f"| stack | CPU µs/req (median of rounds) | best round | vs {reference} (median of rounds) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for result in results.values():
        ratios = in_process_ratios(per_request, result.stack, reference)
        versus = f"{statistics.median(ratios):.3f}x" if ratios else "-"
        lines.append(f"| {result.stack} | {result.median_us:.1f} | {result.best_us:.1f} | {versus} |")
    return "\n".join(lines)


def _start(
    stack: Stack, *, path: str, python: str, cwd: Path, environ: dict[str, str], cpu: int
) -> subprocess.Popen[str]:
    command = ["taskset", "-c", str(cpu), python, "-m", "harness.inprocess_worker", stack.target, path]
    env = {**os.environ, **environ, **stack.environ}
    # The worker imports the stack from its app directory and the harness from benchmarks/.
    env["PYTHONPATH"] = os.pathsep.join([str(cwd / stack.app_dir), str(cwd)])
    worker = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = read_worker_line(worker.stdout, stack.name, worker)
    if line != "ready":
        raise RuntimeError(f"{stack.name}: the in-process worker said {line!r} instead of 'ready'.")
    return worker


def _batch(worker: subprocess.Popen[str], count: int, name: str) -> int:
    assert worker.stdin is not None
    worker.stdin.write(f"{count}\n")
    worker.stdin.flush()
    return int(read_worker_line(worker.stdout, name, worker))


def read_worker_line(stream: IO[str] | None, name: str, worker: subprocess.Popen[str]) -> str:
    assert stream is not None
    line = stream.readline().strip()
    if not line:
        worker.wait(timeout=10)
        error = worker.stderr.read() if worker.stderr is not None else ""
        raise RuntimeError(f"{name}: the in-process worker exited ({worker.returncode}).\n{error[-2000:]}")
    return line


if __name__ == "__main__":  # pragma: no cover - a manual entry point for profiling sessions
    from harness.db import DatabaseConfig
    from harness.report import in_process_ratios
    from harness.stacks import get_stacks

    measured = measure_in_process(
        get_stacks(sys.argv[1:] or None),
        path="/hello/",
        python=sys.executable,
        cwd=Path(__file__).resolve().parent.parent,
        environ=DatabaseConfig.from_environ().environ(),
        cpu=1,
        rounds=15,
        requests_per_round=5000,
    )
    per_request = {name: result.per_request_ns for name, result in measured.items()}
    for result in measured.values():
        ratios = in_process_ratios(per_request, result.stack, "fastapi")
        versus = f"vs fastapi {statistics.median(ratios):.3f}" if ratios else ""
        print(f"{result.stack:16} median {result.median_us:7.2f} µs/req  best {result.best_us:7.2f}  {versus}")
