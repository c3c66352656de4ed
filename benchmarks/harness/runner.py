"""The measurement loop: every cell on a fresh server, stacks interleaved, repetitions in passes.

One pass measures every scenario on every stack (A B C D, A B C D, ...), so a
slow drift of the machine (another process, thermal limits) spreads over all
stacks instead of landing on one. Each cell starts its own server, probes the
scenario once (right status, right JSON shape), warms up, then measures with
the server's CPU time and memory read from /proc around the measured run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.db import DatabaseConfig, reset_created
from harness.procstat import cpu_busy_seconds, sample_tree
from harness.report import C10kResult, CellResult
from harness.scenarios import SCENARIOS, Scenario
from harness.servers import Server, ServerFailed
from harness.stacks import Stack
from harness.wrk import WrkResult, run_wrk

__all__ = ["RunOptions", "run_c10k", "run_matrix"]

#: Statuses meaning "no such route": a stack with a ``pending`` reason shows n/a for them.
_NOT_SERVED = (404, 405)


@dataclass(frozen=True)
class RunOptions:
    """Everything a run needs besides the stacks and scenarios."""

    wrk: str
    database: DatabaseConfig
    base_dir: Path
    log_dir: Path
    duration: float = 8.0
    warmup: float = 2.0
    connections: int = 64
    repetitions: int = 5
    #: Passes of ``hello`` for the stacks the targets compare (at least ``repetitions``).
    hello_passes: int = 15
    timeout: float = 5.0
    server_cpu: int = 0
    client_cpu: int = 1
    c10k_connections: int = 10_000
    c10k_duration: float = 10.0
    python: str = field(default_factory=lambda: sys.executable)


Progress = Callable[[str], None]


def _server(stack: Stack, options: RunOptions, label: str) -> Server:
    return Server(
        stack,
        python=options.python,
        cwd=options.base_dir,
        environ=options.database.environ(),
        cpu=options.server_cpu,
        log_path=options.log_dir / f"{stack.name}-{label}.log",
    )


def _probe(server: Server, stack: Stack, scenario: Scenario) -> str | None:
    """None when the stack serves the scenario correctly; else "n/a" or a failure message."""
    status, body = server.request(scenario.method, scenario.probe_path, scenario.body)
    if status in _NOT_SERVED and stack.pending:
        return "n/a"
    if status != scenario.expected_status:
        return f"{scenario.describe()} answered {status}, expected {scenario.expected_status}: {body[:200]!r}"
    try:
        payload = json.loads(body)
    except ValueError:
        return f"{scenario.describe()} answered with a body that is not JSON: {body[:200]!r}"
    if not scenario.check(payload):
        return f"{scenario.describe()} answered JSON of the wrong shape: {body[:300]!r}"
    return None


def measure_cell(stack: Stack, scenario: Scenario, repetition: int, options: RunOptions) -> CellResult:
    """Start the stack, probe, warm up, measure, stop; never raises for the stack's own failures."""
    cell = CellResult(scenario.name, stack.name, repetition, status="failed")
    server = _server(stack, options, f"{scenario.name}-{repetition}")
    url = f"http://127.0.0.1:{server.port}{scenario.probe_path}"
    try:
        with server:
            problem = _probe(server, stack, scenario)
            if problem == "n/a":
                cell.status, cell.note = "n/a", stack.pending or ""
                return cell
            if problem is not None:
                cell.note = problem
                return cell
            if options.warmup > 0:
                run_wrk(
                    options.wrk,
                    url,
                    lua=scenario.lua,
                    duration=options.warmup,
                    connections=options.connections,
                    cpu=options.client_cpu,
                    timeout=options.timeout,
                )
            server.check_alive()
            before, busy_before = sample_tree(server.pid), cpu_busy_seconds(options.server_cpu)
            result = run_wrk(
                options.wrk,
                url,
                lua=scenario.lua,
                duration=options.duration,
                connections=options.connections,
                cpu=options.client_cpu,
                timeout=options.timeout,
            )
            after, busy_after = sample_tree(server.pid), cpu_busy_seconds(options.server_cpu)
            server.check_alive()
    except (ServerFailed, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        cell.note = f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, ServerFailed):
            cell.note += f"\n{server.log_tail()}"
        return cell
    cell.status, cell.wrk = "ok", result
    cell.cpu_us_per_request = (
        (after.cpu_seconds - before.cpu_seconds) / result.requests * 1e6 if result.requests else None
    )
    cell.worker_peak_rss = list(after.worker_peak_rss)
    server_seconds = after.cpu_seconds - before.cpu_seconds
    if result.duration_s > 0:
        cell.server_cpu_share = server_seconds / result.duration_s
        cell.other_cpu_share = max(0.0, (busy_after - busy_before) - server_seconds) / result.duration_s
    if result.error_count or result.non2xx:
        cell.note = f"{result.error_count} socket errors/timeouts, {result.non2xx} non-2xx answers"
    return cell


def _describe(cell: CellResult) -> str:
    if cell.status != "ok" or cell.wrk is None:
        return f"{cell.status.upper()} {cell.note.splitlines()[0] if cell.note else ''}"
    w = cell.wrk
    return (
        f"{w.requests_per_s:>10,.0f} req/s  p50 {w.latency_ms['p50']:.2f} ms  p99 {w.latency_ms['p99']:.2f} ms  "
        f"errors {w.error_count}  non-2xx {w.non2xx}  CPU {cell.cpu_us_per_request or 0:.0f} µs/req  "
        f"server {100 * (cell.server_cpu_share or 0):.0f}% / other {100 * (cell.other_cpu_share or 0):.0f}% of CPU 0"
    )


def run_matrix(
    stacks: list[Stack],
    scenarios: list[Scenario],
    options: RunOptions,
    progress: Progress,
    *,
    extra_hello_stacks: tuple[str, ...] = (),
) -> list[CellResult]:
    """Every repetition is one pass over scenarios x stacks; cells found n/a are not started again.

    Odd passes run the stacks in registry order and even passes in reverse
    (A B C, C B A, ...), so a steady drift of the machine's speed favours no
    stack. After ``options.repetitions`` passes, ``hello`` alone goes on for
    the stacks in ``extra_hello_stacks`` until it has ``options.hello_passes``
    passes: the targets compare those stacks on it, and a 5% verdict needs
    more passes than this machine's drift allows in five.
    """
    cells: list[CellResult] = []
    not_served: dict[tuple[str, str], CellResult] = {}
    hello_only = [scenario for scenario in scenarios if scenario.name == "hello"]
    hello_stacks = [stack for stack in stacks if stack.name in extra_hello_stacks]
    total = max(options.repetitions, options.hello_passes if hello_only and hello_stacks else 0)
    for repetition in range(1, total + 1):
        extra = repetition > options.repetitions
        in_order = hello_stacks if extra else stacks
        ordered = in_order if repetition % 2 else list(reversed(in_order))
        for scenario in hello_only if extra else scenarios:
            for stack in ordered:
                key = (stack.name, scenario.name)
                if key in not_served:
                    cells.append(replace(not_served[key], repetition=repetition))
                    continue
                if scenario.name == "create":
                    reset_created(options.database)
                cell = measure_cell(stack, scenario, repetition, options)
                if cell.status == "n/a":
                    not_served[key] = cell
                cells.append(cell)
                progress(f"[{repetition}/{total}] {scenario.name:<7} {stack.name:<15} {_describe(cell)}")
    return cells


def run_c10k(stacks: list[Stack], options: RunOptions, progress: Progress) -> list[C10kResult]:
    """Each stack's hello route under ``c10k_connections`` keep-alive connections for a bounded time."""
    scenario = SCENARIOS["hello"]
    results: list[C10kResult] = []
    for stack in stacks:
        outcome = C10kResult(stack.name, options.c10k_connections, status="failed")
        server = _server(stack, options, "c10k")
        url = f"http://127.0.0.1:{server.port}{scenario.probe_path}"
        try:
            with server:
                problem = _probe(server, stack, scenario)
                if problem is not None:
                    outcome.note = problem
                else:
                    wrk: WrkResult = run_wrk(
                        options.wrk,
                        url,
                        lua=scenario.lua,
                        duration=options.c10k_duration,
                        connections=options.c10k_connections,
                        cpu=options.client_cpu,
                        timeout=options.timeout,
                    )
                    outcome.worker_peak_rss = list(sample_tree(server.pid).worker_peak_rss)
                    server.check_alive()
                    outcome.status, outcome.wrk = "ok", wrk
        except (ServerFailed, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            outcome.note = f"{type(exc).__name__}: {exc}"
        results.append(outcome)
        shown = (
            f"{outcome.wrk.requests_per_s:>10,.0f} req/s  p99 {outcome.wrk.latency_ms['p99']:.1f} ms  "
            f"errors {outcome.wrk.errors}  non-2xx {outcome.wrk.non2xx}"
            if outcome.wrk
            else f"{outcome.status.upper()} {outcome.note.splitlines()[0] if outcome.note else ''}"
        )
        progress(f"[c10k] {stack.name:<15} {shown}")
    return results
