"""CPU time and memory of a server's process tree, read from /proc.

CPU per request is the change in utime+stime over the measured run of every
process in the tree (gunicorn's master and worker; uvicorn's single process),
divided by the requests wrk completed. Peak RSS is each worker's ``VmHWM``:
the high-water mark of resident memory since the worker started.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TreeSample", "cpu_busy_seconds", "descendants", "sample_tree"]

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


@dataclass(frozen=True)
class TreeSample:
    """One reading of a process tree."""

    cpu_seconds: float
    #: Peak resident memory (bytes) of each worker: the tree's leaf processes.
    worker_peak_rss: tuple[int, ...]


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in (_PROC / str(pid) / "task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(part) for part in text.split())
    except OSError:
        return []
    return children


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, parents first."""
    found = [pid]
    index = 0
    while index < len(found):
        found.extend(child for child in _children(found[index]) if child not in found)
        index += 1
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    # The command name may hold spaces and parentheses; the fields start after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLOCK_TICKS


def _peak_rss(pid: int) -> int:
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def sample_tree(pid: int) -> TreeSample:
    """CPU seconds used so far by the tree under ``pid``, and its workers' peak RSS."""
    pids = descendants(pid)
    leaves = [p for p in pids if not _children(p)]
    return TreeSample(
        cpu_seconds=sum(_cpu_seconds(p) for p in pids),
        worker_peak_rss=tuple(_peak_rss(p) for p in leaves),
    )


def cpu_busy_seconds(cpu: int) -> float:
    """Seconds CPU ``cpu`` has spent not idle since boot, from /proc/stat.

    Compared with the server's own CPU time over a cell, it shows how much
    of the server's CPU something else took (another process, PostgreSQL,
    the kernel's network work): the run's noise, reported with each cell.
    """
    prefix = f"cpu{cpu} "
    for line in (_PROC / "stat").read_text().splitlines():
        if line.startswith(prefix):
            values = [int(part) for part in line.split()[1:]]
            idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
            # guest time is already counted in user time.
            return (sum(values[:8]) - idle) / _CLOCK_TICKS
    return 0.0
