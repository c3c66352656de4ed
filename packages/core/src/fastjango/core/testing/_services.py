"""Tests that need a real PostgreSQL, MariaDB or Redis: skip visibly, or fail under CI."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import pytest

__all__ = ["ServiceAddress", "require_service"]

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class ServiceAddress:
    name: str
    host: str
    port: int


def require_service(name: str, host: str = "127.0.0.1", port: int = 0, *, timeout: float = 1.0) -> ServiceAddress:
    """Return the service's address if a TCP connection succeeds; otherwise skip the test.

    Under ``CI=true`` an unreachable service fails the test instead, so a CI
    run never passes by skipping what it was meant to check.
    """
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        message = f"{name} is not reachable at {host}:{port} ({exc.strerror or exc})"
        if os.environ.get("CI", "").strip().lower() in _TRUE:
            pytest.fail(f"{message}; CI=true requires it", pytrace=False)
        pytest.skip(message)
    return ServiceAddress(name, host, port)
