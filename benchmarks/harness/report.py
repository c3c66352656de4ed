"""Medians over repetitions, ratios, the Markdown tables and the JSON file of a run.

Each cell's repetitions are reduced to medians (requests/s, latencies, CPU
per request); errors and non-2xx answers are summed, because a single one is
a finding; peak RSS is the largest seen.

A ratio is the median over passes of (this stack's requests/s / the other
stack's requests/s in the same scenario and the same pass). Both cells of a
pass ran seconds apart, so noise that drifts with time (other processes, the
host under a virtual machine) largely cancels in each pass's ratio, where a
ratio of medians would keep it.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.wrk import WrkResult

__all__ = [
    "IN_PROCESS_SCENARIO",
    "TARGETS",
    "TARGET_STACKS",
    "C10kResult",
    "CellResult",
    "CellSummary",
    "Target",
    "c10k_table",
    "evaluate_targets",
    "summarize",
    "summary_table",
    "targets_table",
    "write_json",
]

MIB = 1024 * 1024


@dataclass
class CellResult:
    """One measurement: a stack serving a scenario in one repetition."""

    scenario: str
    stack: str
    repetition: int
    #: "ok", "n/a" (the stack does not serve the scenario yet) or "failed".
    status: str
    note: str = ""
    wrk: WrkResult | None = None
    cpu_us_per_request: float | None = None
    worker_peak_rss: list[int] = field(default_factory=list)
    #: Share of the server's CPU used by the server over the measured run (1.0 = saturated).
    server_cpu_share: float | None = None
    #: Share of the server's CPU used by anything else meanwhile: the cell's noise.
    other_cpu_share: float | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["wrk"] = self.wrk.as_dict() if self.wrk else None
        return data


@dataclass
class CellSummary:
    """The medians of one (scenario, stack) cell over its repetitions."""

    scenario: str
    stack: str
    status: str
    note: str
    repetitions: int
    requests_per_s: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    non2xx: int = 0
    cpu_us_per_request: float | None = None
    peak_rss_mib: float | None = None
    other_cpu_share: float | None = None
    vs_reference: float | None = None
    vs_fastapi: float | None = None


@dataclass
class C10kResult:
    """The many-connections run of one stack."""

    stack: str
    connections: int
    status: str
    note: str = ""
    wrk: WrkResult | None = None
    worker_peak_rss: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["wrk"] = self.wrk.as_dict() if self.wrk else None
        return data


@dataclass(frozen=True)
class Target:
    """A promise the table checks: ``numerator`` reaches ``minimum`` times ``denominator`` in requests/s."""

    scenario: str
    numerator: str
    denominator: str
    minimum: float
    meaning: str
    #: False for a ratio shown for information only: its row says "above" or "below", never "met".
    promise: bool = True


TARGETS = (
    Target("hello", "fastjango-bare", "fastapi", 0.95, "core routing within 5% of bare FastAPI"),
    Target("hello", "fastjango", "fastjango-bare", 0.90, "default middleware costs at most 10%"),
    # Not a promise: the default stack sends four security headers that bare FastAPI does not, and
    # uvicorn validates each header it writes (about 5,000 instructions per header per response).
    Target(
        "hello",
        "fastjango",
        "fastapi",
        0.95,
        "for information: default middleware + security headers vs bare FastAPI",
        promise=False,
    ),
    # fastjango-rest (issue 7): a ModelViewSet against the hand-written FastAPI + SQLAlchemy ORM
    # endpoints and against Django + DRF's ModelViewSet, on the database scenarios.
    Target("item", "fastjango-rest", "fastapi", 2.0, "REST retrieve at least 2x FastAPI + SQLAlchemy"),
    Target("item", "fastjango-rest", "django-drf", 3.0, "REST retrieve at least 3x Django + DRF"),
    Target("list", "fastjango-rest", "fastapi", 2.0, "REST 20-row list at least 2x FastAPI + SQLAlchemy"),
    Target("list", "fastjango-rest", "django-drf", 3.0, "REST 20-row list at least 3x Django + DRF"),
    # Not a promise: what the viewset, serializer and router cost over plain function views.
    Target(
        "item",
        "fastjango-rest",
        "fastjango",
        0.90,
        "for information: REST viewset vs plain fastjango views",
        promise=False,
    ),
    Target(
        "list",
        "fastjango-rest",
        "fastjango",
        0.90,
        "for information: REST viewset vs plain fastjango views",
        promise=False,
    ),
)

#: The scenario the in-process CPU measurement runs (its ratios only cross-check that scenario's targets).
IN_PROCESS_SCENARIO = "hello"

#: The stacks the ``hello`` targets compare: ``hello`` gets extra passes on them.
TARGET_STACKS = tuple(
    dict.fromkeys(name for t in TARGETS if t.scenario == "hello" for name in (t.numerator, t.denominator))
)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarize(cells: list[CellResult], reference: str) -> list[CellSummary]:
    """One summary per (scenario, stack), in the order the cells first appear."""
    grouped: dict[tuple[str, str], list[CellResult]] = {}
    for cell in cells:
        grouped.setdefault((cell.scenario, cell.stack), []).append(cell)
    summaries: list[CellSummary] = []
    for (scenario, stack), group in grouped.items():
        measured = [cell for cell in group if cell.status == "ok" and cell.wrk is not None]
        failed = [cell for cell in group if cell.status == "failed"]
        status = "failed" if failed else ("ok" if measured else "n/a")
        note = (failed or group)[0].note
        summary = CellSummary(scenario, stack, status, note, len(group))
        if measured:
            results = [cell.wrk for cell in measured if cell.wrk is not None]
            summary.requests_per_s = _median([r.requests_per_s for r in results])
            summary.p50_ms = _median([r.latency_ms["p50"] for r in results])
            summary.p99_ms = _median([r.latency_ms["p99"] for r in results])
            summary.errors = sum(r.error_count for r in results)
            summary.non2xx = sum(r.non2xx for r in results)
            summary.cpu_us_per_request = _median(
                [c.cpu_us_per_request for c in measured if c.cpu_us_per_request is not None]
            )
            summary.other_cpu_share = _median([c.other_cpu_share for c in measured if c.other_cpu_share is not None])
            peaks = [peak for c in measured for peak in c.worker_peak_rss]
            summary.peak_rss_mib = max(peaks) / MIB if peaks else None
        summaries.append(summary)
    for summary in summaries:
        summary.vs_reference = _median(pass_ratios(cells, summary.scenario, summary.stack, reference))
        summary.vs_fastapi = _median(pass_ratios(cells, summary.scenario, summary.stack, "fastapi"))
    return summaries


def pass_ratios(cells: list[CellResult], scenario: str, stack: str, base: str) -> list[float]:
    """requests/s of ``stack`` over ``base`` in each pass where both were measured."""
    rates: dict[tuple[str, int], float] = {}
    for cell in cells:
        if cell.scenario == scenario and cell.status == "ok" and cell.wrk is not None:
            rates[(cell.stack, cell.repetition)] = cell.wrk.requests_per_s
    return [
        rate / rates[(base, repetition)]
        for (name, repetition), rate in sorted(rates.items())
        if name == stack and rates.get((base, repetition))
    ]


def _number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def summary_table(summaries: list[CellSummary], reference: str, titles: dict[str, str]) -> str:
    """The main Markdown table: one row per scenario and stack."""
    lines = [
        f"| scenario | stack | req/s | vs {reference} | vs fastapi | p50 ms | p99 ms | errors | non-2xx "
        "| CPU µs/req | peak RSS MiB | CPU 0 noise |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in summaries:
        title = titles.get(s.scenario, s.scenario)
        if s.status != "ok":
            shown = f"n/a ({s.note})" if s.status == "n/a" else f"FAILED: {s.note.splitlines()[0][:80]}"
            lines.append(f"| {title} | {s.stack} | {shown} | | | | | | | | | |")
            continue
        lines.append(
            f"| {title} | {s.stack} | {_number(s.requests_per_s)} | {_times(s.vs_reference)} "
            f"| {_times(s.vs_fastapi)} | {_number(s.p50_ms, 2)} | {_number(s.p99_ms, 2)} | {s.errors} "
            f"| {s.non2xx} | {_number(s.cpu_us_per_request)} | {_number(s.peak_rss_mib, 1)} "
            f"| {_percent(s.other_cpu_share)} |"
        )
    return "\n".join(lines)


def evaluate_targets(
    cells: list[CellResult],
    in_process_ns: dict[str, list[float]] | None = None,
    paired: dict[tuple[str, str, str], list[float]] | None = None,
) -> list[dict[str, Any]]:
    """Each target's ratios, their medians, and whether it is met (None when not measured).

    ``paired`` holds, per (scenario, numerator, denominator), the per-round ratios of the
    two stacks loaded at once on one CPU (``harness.paired``). When a target has
    them they decide the verdict: both sides ran at the same CPU speed, so the
    machine's drift cancels out. Otherwise the median of the per-pass
    requests/s ratios decides. ``in_process_ns`` (CPU nanoseconds per request,
    per round, by stack) adds the ratio measured without a server, as a
    cross-check.
    """
    evaluated = []
    for target in TARGETS:
        sides = (target.numerator, target.denominator)
        ratios = pass_ratios(cells, target.scenario, target.numerator, target.denominator)
        ratio = _median(ratios)
        rounds = (
            in_process_ratios(in_process_ns or {}, target.numerator, target.denominator)
            if target.scenario == IN_PROCESS_SCENARIO
            else []
        )
        paired_rounds = (paired or {}).get((target.scenario, target.numerator, target.denominator), [])
        paired_ratio = _median(paired_rounds)
        deciding = paired_ratio if paired_ratio is not None else ratio
        evaluated.append(
            {
                **asdict(target),
                "ratio": ratio,
                "pass_ratios": ratios,
                "paired_ratio": paired_ratio,
                "paired_rounds": paired_rounds,
                "in_process_ratio": _median(rounds),
                "in_process_rounds": rounds,
                "decided_by": "paired" if paired_ratio is not None else "passes",
                "requests_per_s": [_median_of(cells, target.scenario, name, "requests_per_s") for name in sides],
                "p99_ms": [_median_of(cells, target.scenario, name, "p99") for name in sides],
                "met": None if deciding is None else deciding >= target.minimum,
            }
        )
    return evaluated


def _median_of(cells: list[CellResult], scenario: str, stack: str, measure: str) -> float | None:
    """The median over passes of one stack's requests/s (``"requests_per_s"``) or a latency percentile."""
    results = [
        cell.wrk
        for cell in cells
        if cell.scenario == scenario and cell.stack == stack and cell.status == "ok" and cell.wrk is not None
    ]
    if measure == "requests_per_s":
        return _median([r.requests_per_s for r in results])
    return _median([r.latency_ms[measure] for r in results])


def in_process_ratios(per_request_ns: dict[str, list[float]], numerator: str, denominator: str) -> list[float]:
    """Requests/s ratio per in-process round: the inverse ratio of CPU time per request."""
    if numerator not in per_request_ns or denominator not in per_request_ns:
        return []
    pairs = zip(per_request_ns[numerator], per_request_ns[denominator], strict=True)
    return [bottom / top for top, bottom in pairs if top > 0]


def targets_table(evaluated: list[dict[str, Any]]) -> str:
    lines = [
        "| target | paired ratio (median of rounds) | req/s ratio of separate passes (median) | min - max "
        "| needed | result | in-process CPU ratio (median of rounds) | req/s (median) | p99 ms (median) |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for t in evaluated:
        met = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        if not t["promise"] and t["met"] is not None:
            met = "above" if t["met"] else "below"
        ratio = "-" if t["ratio"] is None else f"{t['ratio']:.3f} ({len(t['pass_ratios'])} passes)"
        spread = f"{min(t['pass_ratios']):.2f} - {max(t['pass_ratios']):.2f}" if t["pass_ratios"] else "-"
        paired = "-" if t["paired_ratio"] is None else f"{t['paired_ratio']:.3f} ({len(t['paired_rounds'])} rounds)"
        in_process = "-" if t["in_process_ratio"] is None else f"{t['in_process_ratio']:.3f}"
        if t["in_process_rounds"]:
            in_process += f" ({len(t['in_process_rounds'])} rounds)"
        rates = " / ".join(_number(value) for value in t["requests_per_s"])
        p99 = " / ".join(_number(value, 2) for value in t["p99_ms"])
        lines.append(
            f"| {t['meaning']} ({t['scenario']}: {t['numerator']} / {t['denominator']}) | {paired} | {ratio} "
            f"| {spread} | ≥ {t['minimum']:.2f} | {met} (by {t['decided_by']}) | {in_process} | {rates} | {p99} |"
        )
    return "\n".join(lines)


def c10k_table(results: list[C10kResult]) -> str:
    lines = [
        "| stack | connections | req/s | p99 ms | connect err | read err | write err | timeouts | non-2xx "
        "| peak RSS MiB/worker |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        if r.wrk is None:
            lines.append(f"| {r.stack} | {r.connections} | {r.status}: {r.note.splitlines()[0][:80]} | | | | | | | |")
            continue
        e = r.wrk.errors
        peak = max(r.worker_peak_rss) / MIB if r.worker_peak_rss else None
        lines.append(
            f"| {r.stack} | {r.connections:,} | {_number(r.wrk.requests_per_s)} "
            f"| {_number(r.wrk.latency_ms['p99'], 1)} "
            f"| {e['connect']} | {e['read']} | {e['write']} | {e['timeout']} | {r.wrk.non2xx} | {_number(peak, 1)} |"
        )
    return "\n".join(lines)


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
