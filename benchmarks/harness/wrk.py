"""Driving wrk, pinned to its own CPU, and reading its numbers as JSON.

wrk runs one Lua script per cell: the scenario's request snippet plus the
reporting part below, whose ``done()`` prints one ``WRK_JSON`` line. wrk
itself counts only statuses of 400 and up as errors, so ``response()`` counts
every non-2xx answer separately.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["WrkResult", "ensure_wrk", "run_wrk"]

_REPORT_LUA = r"""
local threads = {}
non2xx = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  if init_request then init_request() end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"non2xx":%d,' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, bad,
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
"""


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests: int
    duration_s: float
    requests_per_s: float
    errors: dict[str, int]
    non2xx: int
    latency_ms: dict[str, float]

    @property
    def error_count(self) -> int:
        """Socket errors and timeouts; bad statuses are in ``non2xx``."""
        return sum(count for kind, count in self.errors.items() if kind != "status")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "error_count": self.error_count}


def ensure_wrk(*, install: bool) -> str:
    """The path of wrk; installs Debian's package when missing and ``install`` is set."""
    found = shutil.which("wrk")
    if found:
        return found
    if not install:
        raise RuntimeError("wrk is not installed: run `apt-get install -y wrk` (or ./bench without --no-install).")
    apt = ["apt-get", "install", "-y", "wrk"]
    if shutil.which("sudo") and not _is_root():
        apt = ["sudo", *apt]
    print("wrk is missing; installing Debian's package:", " ".join(apt), flush=True)
    subprocess.run(apt, check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("`apt-get install -y wrk` ran but wrk is still not on PATH.")
    return found


def _is_root() -> bool:
    return os.geteuid() == 0


def run_wrk(
    wrk: str,
    url: str,
    *,
    lua: str,
    duration: float,
    connections: int,
    cpu: int,
    timeout: float,
) -> WrkResult:
    """Run wrk against ``url`` on CPU ``cpu`` with one thread; raise if it prints no result."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script = Path(tmp) / "scenario.lua"
        script.write_text(lua + "\n" + _REPORT_LUA)
        command = [
            "taskset",
            "-c",
            str(cpu),
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            f"--timeout={max(1, round(timeout))}s",
            "--latency",
            "-s",
            str(script),
            url,
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
        )
    for line in completed.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return _parse(json.loads(line.removeprefix("WRK_JSON ")))
    raise RuntimeError(
        f"wrk printed no result (exit {completed.returncode}).\n"
        f"stdout:\n{completed.stdout}\nstderr:\n{completed.stderr}"
    )


def _parse(raw: dict[str, Any]) -> WrkResult:
    duration_s = raw["duration_us"] / 1e6
    latency = {key: value / 1000 for key, value in raw["latency_us"].items()}
    return WrkResult(
        requests=raw["requests"],
        duration_s=duration_s,
        requests_per_s=raw["requests"] / duration_s if duration_s else 0.0,
        errors=dict(raw["errors"]),
        non2xx=raw["non2xx"],
        latency_ms=latency,
    )
