"""Starting and stopping one stack's server, pinned to one CPU, never left behind.

Each server runs in its own session (process group), so stopping it stops its
workers too; stopping is bounded (SIGTERM, then SIGKILL). Readiness is a
bounded poll of the port, then a real request made by the caller's probe.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from harness.stacks import Stack

__all__ = ["Server", "ServerFailed", "free_port"]

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class ServerFailed(RuntimeError):
    """The server did not start, or died; the message ends with the tail of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """One running server of ``stack``; use as a context manager."""

    def __init__(
        self,
        stack: Stack,
        *,
        python: str,
        cwd: Path,
        environ: dict[str, str],
        cpu: int,
        log_path: Path,
    ) -> None:
        self.stack = stack
        self.port = free_port()
        self.cwd = cwd
        self.log_path = log_path
        self.command = ["taskset", "-c", str(cpu), *stack.command(self.port, python)]
        self.environ = {**os.environ, **environ, **stack.environ}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("The server is not running.")
        return self.process.pid

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.environ,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_for_port()
        except BaseException:
            self.stop()
            raise

    def _wait_for_port(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise ServerFailed(f"{self.stack.name} did not listen on port {self.port} within {START_TIMEOUT:.0f} s.")

    def check_alive(self) -> None:
        """Raise :class:`ServerFailed` if the server process has exited."""
        if self.process is not None and self.process.poll() is not None:
            raise ServerFailed(f"{self.stack.name} exited with status {self.process.returncode}.\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def request(
        self, method: str, path: str, body: bytes | None = None, *, timeout: float = START_TIMEOUT
    ) -> tuple[int, bytes]:
        """One HTTP request to the server; the first one also waits for a slow worker to boot."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, a bounded wait, then SIGKILL."""
        process = self.process
        if process is None:
            return
        for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, STOP_TIMEOUT)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            # The leader is gone; make sure no worker of its group outlived it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            break
        self.process = None
