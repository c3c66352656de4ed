"""One stack's ASGI app called directly, in a loop: the child process of ``inprocess.py``.

Usage: ``python -m harness.inprocess_worker MODULE:ATTRIBUTE PATH``. The worker
imports the app, runs its lifespan start-up, checks that ``GET PATH`` answers
200, prints ``ready`` and then, for every ``N`` line read from stdin, serves N
requests and prints the CPU nanoseconds they took. No server, no sockets: what
is left is the framework's own work per request (routing, middleware, the
view, serialising the answer) and the garbage collection it causes.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]

#: The headers wrk sends, so that host checks and header scans see a realistic request.
HEADERS = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk"), (b"accept", b"*/*")]


def load(target: str) -> ASGIApp:
    module_name, _, attribute = target.partition(":")
    app: ASGIApp = getattr(importlib.import_module(module_name), attribute)
    return app


async def start_lifespan(app: ASGIApp) -> None:
    """Send ``lifespan.startup`` and wait for the answer (apps without a lifespan may refuse it)."""
    inbox: asyncio.Queue[Message] = asyncio.Queue()
    answered = asyncio.get_running_loop().create_future()
    await inbox.put({"type": "lifespan.startup"})

    async def receive() -> Message:
        return await inbox.get()

    async def send(message: Message) -> None:
        if not answered.done():
            answered.set_result(message)

    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send))
    await asyncio.wait([task, answered], return_when=asyncio.FIRST_COMPLETED)
    if answered.done() and answered.result()["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"lifespan start-up failed: {answered.result()}")
    _RUNNING_LIFESPANS.append(task)  # the app's lifespan stays open while requests are served


_RUNNING_LIFESPANS: list[asyncio.Future[None]] = []


def make_scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": list(HEADERS),
        "state": {},
    }


async def serve(app: ASGIApp, path: str, count: int, statuses: list[int]) -> None:
    request: Message = {"type": "http.request", "body": b"", "more_body": False}

    async def receive() -> Message:
        return request

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(count):
        await app(make_scope(path), receive, send)


async def main(target: str, path: str) -> None:
    app = load(target)
    await start_lifespan(app)
    statuses: list[int] = []
    await serve(app, path, 200, statuses)
    if set(statuses) != {200}:
        raise SystemExit(f"GET {path} answered {sorted(set(statuses))}, not 200")
    print("ready", flush=True)
    for line in sys.stdin:
        count = int(line)
        statuses.clear()
        started = time.process_time_ns()
        await serve(app, path, count, statuses)
        elapsed = time.process_time_ns() - started
        if len(statuses) != count or set(statuses) != {200}:
            raise SystemExit(f"GET {path}: {len(statuses)} answers of {count}, statuses {sorted(set(statuses))}")
        print(elapsed, flush=True)


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(sys.argv[1], sys.argv[2]))
