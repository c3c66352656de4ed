"""What the run ran on: ratios travel, absolute numbers only mean something next to this."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["PACKAGES", "describe_machine", "load_average"]

#: Distributions whose versions the report records.
PACKAGES = (
    "fastjango-core",
    "fastjango-orm",
    "fastjango-rest",
    "fastapi",
    "starlette",
    "pydantic",
    "uvicorn",
    "uvloop",
    "httptools",
    "django",
    "djangorestframework",
    "gunicorn",
    "psycopg",
    "asyncpg",
    "sqlalchemy",
    "orjson",
    "litestar",
    "advanced-alchemy",
    "msgspec",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (completed.stdout or completed.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def describe_machine(wrk: str, postgres_version: str) -> dict[str, Any]:
    """CPU, memory, kernel, OS, Python, PostgreSQL, wrk and the stacks' package versions."""
    return {
        "cpu_model": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": round(_memory_gib(), 1),
        "kernel": platform.release(),
        "os": _os_name(),
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "wrk": _wrk_version(wrk),
        "packages": {name: _version(name) for name in PACKAGES},
    }
