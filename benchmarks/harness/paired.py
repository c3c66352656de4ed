"""Two stacks loaded at the same time on the same CPU: ratios that the machine's drift cannot reach.

On a shared VM the server CPU's speed drifts by ±20% from one ten-second cell
to the next, so two cells measured one after the other can differ by more
than a 5% target, whatever the code does. Here both servers are pinned to the
server CPU and loaded at once, by two wrk processes on the client CPU: at
every moment both run at the same CPU speed. Each server's requests per
CPU-second (read from /proc) is the requests/s it would serve with that CPU to
itself; the ratio of the two is the pair's result for the round. The raw
requests/s of the shared run are kept too: they also depend on how the kernel
split the CPU between the two processes.
"""

from __future__ import annotations

import statistics
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from harness.procstat import sample_tree
from harness.runner import Progress, RunOptions, _probe, _server
from harness.scenarios import Scenario
from harness.servers import ServerFailed
from harness.stacks import Stack
from harness.wrk import WrkResult, run_wrk

__all__ = ["PairResult", "measure_pair", "paired_table"]


@dataclass
class PairResult:
    """The rounds of one pair: per round, each side's requests/s and requests per CPU-second."""

    numerator: str
    denominator: str
    scenario: str
    requests_per_s: list[tuple[float, float]] = field(default_factory=list)
    requests_per_cpu_s: list[tuple[float, float]] = field(default_factory=list)
    errors: int = 0
    note: str = ""

    @property
    def ratios(self) -> list[float]:
        """Per round: numerator's requests per CPU-second over the denominator's."""
        return [top / bottom for top, bottom in self.requests_per_cpu_s if bottom > 0]

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    @property
    def shared_ratio(self) -> float | None:
        """The median ratio of the raw requests/s, while the two shared the CPU."""
        ratios = [top / bottom for top, bottom in self.requests_per_s if bottom > 0]
        return statistics.median(ratios) if ratios else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "scenario": self.scenario,
            "requests_per_s": self.requests_per_s,
            "requests_per_cpu_s": self.requests_per_cpu_s,
            "ratio": self.ratio,
            "shared_ratio": self.shared_ratio,
            "errors": self.errors,
            "note": self.note,
        }


def measure_pair(
    numerator: Stack,
    denominator: Stack,
    scenario: Scenario,
    options: RunOptions,
    *,
    rounds: int,
    duration: float,
    progress: Progress,
) -> PairResult:
    """Start both servers once, warm them up together, then measure ``rounds`` simultaneous rounds."""
    result = PairResult(numerator.name, denominator.name, scenario.name)
    servers = [
        _server(stack, options, f"paired-{numerator.name}-{denominator.name}") for stack in (numerator, denominator)
    ]
    urls = [f"http://127.0.0.1:{server.port}{scenario.probe_path}" for server in servers]

    def load(url: str, seconds: float) -> WrkResult:
        return run_wrk(
            options.wrk,
            url,
            lua=scenario.lua,
            duration=seconds,
            connections=options.connections,
            cpu=options.client_cpu,
            timeout=options.timeout,
        )

    try:
        for server in servers:
            server.start()
        for server, stack in zip(servers, (numerator, denominator), strict=True):
            problem = _probe(server, stack, scenario)
            if problem is not None:
                result.note = f"{stack.name}: {problem}"
                return result
        with ThreadPoolExecutor(max_workers=2) as pool:
            if options.warmup > 0:
                list(pool.map(load, urls, [options.warmup] * 2))
            for index in range(rounds):
                before = [sample_tree(server.pid) for server in servers]
                loads = list(pool.map(load, urls, [duration] * 2))
                after = [sample_tree(server.pid) for server in servers]
                for server in servers:
                    server.check_alive()
                cpu = [end.cpu_seconds - start.cpu_seconds for start, end in zip(before, after, strict=True)]
                per_cpu = [
                    run.requests / seconds if seconds > 0 else 0.0 for run, seconds in zip(loads, cpu, strict=True)
                ]
                result.requests_per_s.append((loads[0].requests_per_s, loads[1].requests_per_s))
                result.requests_per_cpu_s.append((per_cpu[0], per_cpu[1]))
                result.errors += sum(run.error_count + run.non2xx for run in loads)
                progress(
                    f"[{index + 1}/{rounds}] paired {scenario.name}  {numerator.name} {loads[0].requests_per_s:,.0f} "
                    f"req/s ({per_cpu[0]:,.0f} per CPU-s)  {denominator.name} {loads[1].requests_per_s:,.0f} req/s "
                    f"({per_cpu[1]:,.0f} per CPU-s)  ratio {per_cpu[0] / per_cpu[1] if per_cpu[1] else 0:.3f}"
                )
    except (ServerFailed, RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        result.note = f"{type(exc).__name__}: {exc}"
    finally:
        for server in servers:
            server.stop()
    return result


def paired_table(results: list[PairResult]) -> str:
    lines = [
        "| pair (scenario) | rounds | requests per CPU-second ratio (median) | min - max "
        "| raw req/s ratio while sharing (median) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for pair in results:
        ratios = pair.ratios
        spread = f"{min(ratios):.3f} - {max(ratios):.3f}" if ratios else "-"
        ratio = f"{pair.ratio:.3f}" if pair.ratio is not None else f"not measured ({pair.note})"
        shared = f"{pair.shared_ratio:.3f}" if pair.shared_ratio is not None else "-"
        lines.append(
            f"| {pair.numerator} / {pair.denominator} ({pair.scenario}) | {len(ratios)} | {ratio} | {spread} "
            f"| {shared} | {pair.errors} |"
        )
    return "\n".join(lines)
