"""The benchmark suite's single entry point: build the database, measure every stack, print the ratios.

Run it through ``./bench`` (which builds benchmarks/.venv first) or
``hatch run bench:all``; ``--help`` lists the options. The exit status is
non-zero when any measured cell failed, errored or answered non-2xx, so the
smoke mode (``--smoke``) keeps the suite from rotting in CI; it asserts
nothing about speed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from harness import report
from harness.db import DatabaseConfig, prepare_database
from harness.inprocess import InProcessResult, in_process_table, measure_in_process
from harness.machine import describe_machine, load_average
from harness.ormbench import OrmResult, measure_orms, orm_limits, orm_table, orm_targets
from harness.paired import PairResult, measure_pair, paired_table
from harness.procstat import cpu_busy_seconds
from harness.runner import RunOptions, run_c10k, run_matrix
from harness.scenarios import SCENARIOS, get_scenarios
from harness.stacks import REFERENCE_STACK, STACKS, get_stacks
from harness.wrk import ensure_wrk

from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE

BASE_DIR = Path(__file__).resolve().parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench",
        description="Measure every stack side by side on this machine and print their ratios to fastjango.",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME[,NAME...]",
        help=f"repeatable or comma-separated, of: {', '.join(SCENARIOS)}; default all",
    )
    parser.add_argument(
        "--stack",
        action="append",
        metavar="NAME[,NAME...]",
        help=f"repeatable or comma-separated, of: {', '.join(STACKS)}; default all",
    )
    parser.add_argument("--duration", type=float, default=8.0, help="seconds measured per cell (default 8)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each cell (default 2)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (default 64)")
    parser.add_argument("--repetitions", type=int, default=5, help="interleaved passes; medians reported (default 5)")
    parser.add_argument(
        "--hello-passes",
        type=int,
        default=15,
        help="passes of hello for the stacks the targets compare (default 15; the other cells get --repetitions)",
    )
    parser.add_argument(
        "--in-process-rounds",
        type=int,
        default=30,
        help="rounds of the in-process CPU measurement of hello, 0 to skip (default 30)",
    )
    parser.add_argument(
        "--in-process-requests", type=int, default=3000, help="requests per in-process round (default 3000)"
    )
    parser.add_argument(
        "--paired-rounds",
        type=int,
        default=15,
        help="rounds of each target's pair loaded at once on the server CPU, 0 to skip (default 15)",
    )
    parser.add_argument("--paired-duration", type=float, default=5.0, help="seconds per paired round (default 5)")
    parser.add_argument(
        "--orm-rounds", type=int, default=15, help="rounds of the ORM-only comparison, 0 to skip (default 15)"
    )
    parser.add_argument("--orm-operations", type=int, default=200, help="operations per ORM round (default 200)")
    parser.add_argument("--timeout", type=float, default=5.0, help="wrk's per-request timeout in seconds (default 5)")
    parser.add_argument(
        "--c10k", action=argparse.BooleanOptionalAction, default=True, help="run the many-connections test"
    )
    parser.add_argument("--c10k-connections", type=int, default=10_000, help="connections of the c10k run")
    parser.add_argument("--c10k-duration", type=float, default=10.0, help="seconds of the c10k run per stack")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI mode: 1 s cells, 1 repetition, a 1,000-connection c10k run of 3 s; fails on any error",
    )
    parser.add_argument("--json", type=Path, help="where to write the run's JSON (default results/run-<time>.json)")
    parser.add_argument(
        "--no-install", action="store_true", help="do not apt-get install wrk when it is missing; fail instead"
    )
    args = parser.parse_args(argv)
    args.scenario = _names(parser, "--scenario", args.scenario, list(SCENARIOS))
    args.stack = _names(parser, "--stack", args.stack, list(STACKS))
    if args.smoke:
        args.duration, args.warmup, args.repetitions, args.hello_passes = 1.0, 1.0, 1, 1
        args.in_process_rounds, args.in_process_requests = min(args.in_process_rounds, 2), 300
        args.paired_rounds, args.paired_duration = min(args.paired_rounds, 1), 1.0
        args.orm_rounds, args.orm_operations = min(args.orm_rounds, 1), 20
        args.c10k_connections, args.c10k_duration = min(args.c10k_connections, 1_000), 3.0
    return args


def _names(parser: argparse.ArgumentParser, option: str, given: list[str] | None, known: list[str]) -> list[str] | None:
    """``--stack a,b --stack c`` as ``["a", "b", "c"]``; an unknown name is a usage error that lists the known ones."""
    if not given:
        return None
    names = [name.strip() for value in given for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"{option}: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(known)}")
    return list(dict.fromkeys(names))


def raise_open_files(wanted: int) -> int:
    """Lift this process's open-file limit (inherited by servers and wrk) as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard == resource.RLIM_INFINITY else max(soft, min(hard, wanted))
    if target != soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def source_state() -> dict[str, Any]:
    """The commit measured and any uncommitted change under packages/, so a table names its code."""

    def git(*args: str) -> str:
        completed = subprocess.run(
            ["git", *args],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        return completed.stdout.strip() if completed.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", "../packages")
    return {
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        "uncommitted": changed.splitlines(),
        # What the `fastjango` stack's "default MIDDLEWARE" meant in this run.
        "fastjango_default_middleware": list(DEFAULT_MIDDLEWARE),
    }


def busy_share(seconds: float) -> float:
    """How busy the machine's CPUs are right now (0 to 1), before this run adds anything."""
    cpus = range(os.cpu_count() or 1)
    before = sum(cpu_busy_seconds(cpu) for cpu in cpus)
    time.sleep(seconds)
    return (sum(cpu_busy_seconds(cpu) for cpu in cpus) - before) / (seconds * len(cpus))


def postgres_version(config: DatabaseConfig) -> str:
    with psycopg.connect(config.conninfo()) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # SystemExit unwinds through every ``with Server(...)`` block, so a stopped run leaves no server behind.
    sys.exit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    stacks = get_stacks(args.stack)
    scenarios = get_scenarios(args.scenario)
    started = datetime.datetime.now(datetime.UTC)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    json_path: Path = args.json or BASE_DIR / "results" / f"run-{stamp}.json"

    def progress(line: str) -> None:
        print(line, flush=True)

    wrk = ensure_wrk(install=not args.no_install)
    open_files = raise_open_files(2 * args.c10k_connections + 1024)
    database = DatabaseConfig.from_environ()
    busy_before = busy_share(seconds=2.0)
    try:
        rows = prepare_database(database)
    except psycopg.OperationalError as exc:
        print(
            f"Cannot reach PostgreSQL at {database.host}:{database.port} as {database.user!r}: {exc}\n"
            "Start PostgreSQL on 127.0.0.1:5432 (trust auth for that user) or set BENCH_PGHOST, BENCH_PGPORT, "
            "BENCH_PGUSER and BENCH_PGPASSWORD.",
            file=sys.stderr,
        )
        return 2
    machine = describe_machine(wrk, postgres_version(database))
    source = source_state()
    load_before = load_average()
    if busy_before > 0.1:
        progress(
            f"warning: the CPUs were {100 * busy_before:.0f}% busy before the run: other processes compete with it, "
            "so the ratios are less reliable (see the CPU 0 noise column)"
        )
    progress(
        f"database {database.name}: {rows:,} rows in bench_item | {machine['cpu_model']}, {machine['cpus']} CPUs, "
        f"{machine['memory_gib']} GiB, kernel {machine['kernel']}, Python {machine['python']} | "
        f"CPUs {100 * busy_before:.0f}% busy | open files {open_files}"
    )
    progress(
        f"{len(scenarios)} scenario(s) x {len(stacks)} stack(s) x {args.repetitions} repetition(s), "
        f"{args.duration:g} s per cell after {args.warmup:g} s warm-up, {args.connections} connections; "
        "server on CPU 0, wrk on CPU 1"
    )

    options = RunOptions(
        wrk=wrk,
        database=database,
        base_dir=BASE_DIR,
        log_dir=BASE_DIR / "results" / "logs",
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        repetitions=args.repetitions,
        hello_passes=args.hello_passes,
        timeout=args.timeout,
        c10k_connections=args.c10k_connections,
        c10k_duration=args.c10k_duration,
    )
    clock = time.monotonic()
    cells = run_matrix(stacks, scenarios, options, progress, extra_hello_stacks=report.TARGET_STACKS)
    in_process: dict[str, InProcessResult] = {}
    if args.in_process_rounds > 0 and any(scenario.name == report.IN_PROCESS_SCENARIO for scenario in scenarios):
        progress(
            f"in-process: hello, {args.in_process_rounds} rounds of {args.in_process_requests:,} requests per stack, "
            f"on CPU {options.client_cpu}"
        )
        in_process = measure_in_process(
            stacks,
            path=SCENARIOS["hello"].probe_path,
            python=options.python,
            cwd=BASE_DIR,
            environ=database.environ(),
            cpu=options.client_cpu,
            rounds=args.in_process_rounds,
            requests_per_round=args.in_process_requests,
        )
    paired: list[PairResult] = []
    if args.paired_rounds > 0:
        by_name = {stack.name: stack for stack in stacks}
        run_scenarios = {scenario.name for scenario in scenarios}
        paired_scenarios: set[str] = set()
        for target in report.TARGETS:
            if target.scenario in run_scenarios and target.numerator in by_name and target.denominator in by_name:
                if args.smoke and target.scenario in paired_scenarios:
                    continue  # the smoke run checks the pairing works once per scenario, not every target
                paired_scenarios.add(target.scenario)
                progress(
                    f"paired: {target.numerator} and {target.denominator} loaded at once on CPU {options.server_cpu}, "
                    f"{args.paired_rounds} rounds of {args.paired_duration:g} s"
                )
                paired.append(
                    measure_pair(
                        by_name[target.numerator],
                        by_name[target.denominator],
                        SCENARIOS[target.scenario],
                        options,
                        rounds=args.paired_rounds,
                        duration=args.paired_duration,
                        progress=progress,
                    )
                )
    orm_results: dict[str, OrmResult] = {}
    if args.orm_rounds > 0:
        progress(f"ORM only: {args.orm_rounds} rounds of {args.orm_operations} operations per ORM and scenario")
        orm_results = measure_orms(
            python=options.python,
            cwd=BASE_DIR,
            environ=database.environ(),
            cpu=options.client_cpu,
            rounds=args.orm_rounds,
            operations=args.orm_operations,
        )
    c10k = run_c10k(stacks, options, progress) if args.c10k else []
    load_after = load_average()
    elapsed = time.monotonic() - clock

    titles = {name: f"{name}: {scenario.title}" for name, scenario in SCENARIOS.items()}
    summaries = report.summarize(cells, REFERENCE_STACK)
    measured_scenarios = {scenario.name for scenario in scenarios}
    targets = [
        target
        for target in report.evaluate_targets(
            cells,
            {name: r.per_request_ns for name, r in in_process.items()},
            {(pair.scenario, pair.numerator, pair.denominator): pair.ratios for pair in paired},
        )
        # A target whose scenario this run left out is not "not measured": it was not asked for.
        if target["scenario"] in measured_scenarios
    ]
    print()
    print(report.summary_table(summaries, REFERENCE_STACK, titles))
    print()
    print(report.targets_table(targets))
    if paired:
        print()
        print(paired_table(paired))
    if in_process:
        print()
        print(in_process_table(in_process))
    if orm_results:
        print()
        print(orm_table(orm_results))
    if c10k:
        print()
        print(report.c10k_table(c10k))
    print()
    document: dict[str, Any] = {
        "started": started.isoformat(),
        "elapsed_s": round(elapsed, 1),
        "machine": machine,
        "source": source,
        "load_average": {"before": load_before, "after": load_after},
        "cpu_busy_before": busy_before,
        "options": {key: (str(value) if isinstance(value, Path) else value) for key, value in vars(args).items()},
        "reference_stack": REFERENCE_STACK,
        "stacks": {stack.name: stack.description for stack in stacks},
        "summary": [vars(summary) for summary in summaries],
        "targets": targets,
        "cells": [cell.as_dict() for cell in cells],
        "c10k": [result.as_dict() for result in c10k],
        "paired": [pair.as_dict() for pair in paired],
        "in_process": {name: {"per_request_ns": r.per_request_ns} for name, r in in_process.items()},
        "orm": {
            "rounds": {name: r.rounds for name, r in orm_results.items()},
            "targets": orm_targets(orm_results) if orm_results else [],
            "limits": orm_limits(orm_results) if orm_results else [],
        },
    }
    report.write_json(json_path, document)
    print(f"JSON: {json_path}  ({elapsed:.0f} s; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after)")

    bad = [s for s in summaries if s.status == "failed" or s.errors or s.non2xx]
    for pair in paired:
        if pair.note or pair.errors or not pair.ratios:
            print(f"FAILED: paired {pair.numerator} / {pair.denominator}: {pair.note or 'errors'}", file=sys.stderr)
    for summary in bad:
        print(
            f"FAILED: {summary.stack} / {summary.scenario}: {summary.note or 'errors or non-2xx answers'}",
            file=sys.stderr,
        )
    broken_pairs = [pair for pair in paired if pair.note or pair.errors or not pair.ratios]
    return 1 if bad or broken_pairs else 0


if __name__ == "__main__":
    sys.exit(main())
