"""The stacks: how each one is started, all under the same rules.

Every ASGI stack is served by the same uvicorn command (uvloop, httptools,
one worker, no access log); Django + DRF is served the way it runs in
production, by gunicorn with one gthread worker process. ``pending`` says why
a stack does not serve some scenarios yet: a scenario it answers with 404 is
then shown as "n/a (<pending>)" instead of failing the run, and the cell fills
in by itself once the stack's app gains the handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["REFERENCE_STACK", "STACKS", "Stack", "get_stacks"]

#: Ratios in the report are to this stack's requests/s in the same scenario.
REFERENCE_STACK = "fastjango"

#: gthread threads for Django: enough to overlap database round trips, few enough not to thrash the GIL.
DJANGO_THREADS = 8


@dataclass(frozen=True)
class Stack:
    """One framework stack and the server command that runs it."""

    name: str
    description: str
    #: "uvicorn" (``target`` is ``module:attribute`` of an ASGI app) or "gunicorn" (a WSGI app).
    server: str
    target: str
    #: Directory, relative to benchmarks/, the server imports from.
    app_dir: str = "."
    environ: dict[str, str] = field(default_factory=dict)
    pending: str | None = None

    def command(self, port: int, python: str) -> list[str]:
        """The server's command line (without CPU pinning, which ``servers.py`` adds)."""
        if self.server == "uvicorn":
            return [
                python,
                "-m",
                "uvicorn",
                self.target,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--no-access-log",
                "--log-level",
                "warning",
                "--app-dir",
                self.app_dir,
            ]
        if self.server == "gunicorn":
            return [
                python,
                "-m",
                "gunicorn",
                self.target,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                str(DJANGO_THREADS),
                "--chdir",
                self.app_dir,
                "--log-level",
                "warning",
            ]
        raise ValueError(f"Stack {self.name!r} has unknown server {self.server!r}.")


STACKS: dict[str, Stack] = {
    stack.name: stack
    for stack in (
        Stack(
            name="raw-asgi",
            description="raw ASGI callable + asyncpg + orjson (the practical limit)",
            server="uvicorn",
            target="stacks.raw_asgi.app:app",
        ),
        Stack(
            name="fastapi",
            description="FastAPI, no middleware; SQLAlchemy 2 async ORM + asyncpg",
            server="uvicorn",
            target="stacks.fastapi_app.main:app",
        ),
        Stack(
            name="fastjango-bare",
            description="fastjango, MIDDLEWARE = []",
            server="uvicorn",
            target="stacks.fastjango_app.asgi:application",
            environ={"FASTJANGO_SETTINGS_MODULE": "stacks.fastjango_app.settings_bare"},
        ),
        Stack(
            name="fastjango",
            description="fastjango, default MIDDLEWARE",
            server="uvicorn",
            target="stacks.fastjango_app.asgi:application",
            environ={"FASTJANGO_SETTINGS_MODULE": "stacks.fastjango_app.settings"},
        ),
        Stack(
            name="fastjango-rest",
            description="fastjango, default MIDDLEWARE; fastjango-rest ModelViewSet + ModelSerializer + SimpleRouter",
            server="uvicorn",
            target="stacks.fastjango_app.asgi:application",
            environ={"FASTJANGO_SETTINGS_MODULE": "stacks.fastjango_app.settings_rest"},
        ),
        Stack(
            name="django-drf",
            description="Django + DRF (ModelSerializer + ModelViewSet), gunicorn gthread, persistent connections",
            server="gunicorn",
            target="benchsite.wsgi:application",
            app_dir="stacks/django_app",
        ),
        Stack(
            name="litestar",
            description="Litestar, no middleware; SQLAlchemy 2 async ORM + asyncpg",
            server="uvicorn",
            target="stacks.litestar_app.app:app",
        ),
    )
}


def get_stacks(names: list[str] | None) -> list[Stack]:
    """The stacks named (all when ``names`` is empty), in registry order.

    That is the interleaving order: FastAPI sits next to the two fastjango
    stacks, so the ratios the targets judge compare cells measured minutes
    apart at most.
    """
    if not names:
        return list(STACKS.values())
    unknown = [name for name in names if name not in STACKS]
    if unknown:
        raise ValueError(f"Unknown stack {', '.join(unknown)}; choose from {', '.join(STACKS)}.")
    return [stack for name, stack in STACKS.items() if name in names]
