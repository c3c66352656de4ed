"""Building the FastAPI application from a project's settings and plugins."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from fastjango.core import project as project_module
from fastjango.core._await import await_me_maybe
from fastjango.core.middleware._stack import middleware_stack
from fastjango.core.plugins import call_collecting
from fastjango.core.project import _current_project

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = ["FastjangoApp", "build_app", "freeze_startup_heap", "get_asgi_application"]

logger = logging.getLogger("fastjango.core")


class FastjangoApp(FastAPI):
    """A FastAPI application that knows its project.

    It is a real ``FastAPI`` instance: ``@app.get``, ``app.include_router``
    and ``app.add_middleware`` work as usual. Each request runs with its
    project active, so ``settings`` and ``reverse()`` see the right one.
    """

    project: Project

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack, served with this app's project active.

        The usual case, one app per process: its project is the default one,
        which is active anyway, so the stack is called directly. Setting a
        context variable per request would allocate context objects on every
        request and wake the garbage collector far more often (long p99
        pauses under load), so only a second project in the process pays for
        it. The wrapper is a plain function returning the stack's awaitable:
        no coroutine of its own per request.
        """
        stack = super().build_middleware_stack()
        project = self.project

        def serve(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
            if project is project_module._default_project:
                return stack(scope, receive, send)
            return _serve_with_project(project, stack, scope, receive, send)

        return serve


async def _serve_with_project(project: Project, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    token = _current_project.set(project)
    try:
        await app(scope, receive, send)
    finally:
        _current_project.reset(token)


def build_app(project: Project) -> FastjangoApp:
    """Create the FastAPI app: URL routes, middleware and exception handlers from settings and plugins."""
    settings = project.settings
    handlers: dict[Any, Any] = {}
    for contributed in call_collecting(project.pm.hook.fastjango_exception_handlers, settings=settings):
        handlers.update(contributed)

    app = FastjangoApp(
        title=settings.API_TITLE,
        version=settings.API_VERSION,
        description=settings.API_DESCRIPTION,
        debug=settings.DEBUG,
        docs_url=settings.API_DOCS_URL,
        redoc_url=settings.API_REDOC_URL,
        openapi_url=settings.API_OPENAPI_URL,
        exception_handlers=handlers,
        middleware=middleware_stack(project),
        lifespan=_lifespan,
    )
    app.project = project
    project.urls.install(app)
    project.pm.hook.fastjango_app_created(project=project, app=app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run plugins' startup hooks in plugin order and their shutdown hooks in reverse."""
    project: Project = app.project  # type: ignore[attr-defined]
    with project.activated():
        for impl in project.pm.hook.fastjango_startup.get_hookimpls():
            await await_me_maybe(impl.function(**_arguments(impl.argnames, project, app)))
    if project.settings.GC_FREEZE_AFTER_STARTUP:
        freeze_startup_heap()
    try:
        yield
    finally:
        with project.activated():
            for impl in reversed(project.pm.hook.fastjango_shutdown.get_hookimpls()):
                try:
                    await await_me_maybe(impl.function(**_arguments(impl.argnames, project, app)))
                except Exception:
                    logger.exception("Plugin %r failed to shut down cleanly", impl.plugin_name)


_heap_frozen = False


def freeze_startup_heap() -> bool:
    """Move everything alive after start-up out of the garbage collector's sight (once per process).

    Modules, classes, settings, engines and routes live as long as the process.
    Each full collection would walk all of them again, and under load a full
    collection comes every few hundred requests; ``gc.freeze()`` leaves them
    out of every later collection. Objects created afterwards are collected as
    usual. The cost: start-up objects that later become cyclic garbage are not
    reclaimed. Returns whether this call froze the heap.
    """
    global _heap_frozen
    if _heap_frozen:
        return False
    gc.freeze()
    _heap_frozen = True
    return True


def _arguments(argnames: tuple[str, ...], project: Project, app: FastAPI) -> dict[str, Any]:
    available = {"project": project, "app": app}
    return {name: available[name] for name in argnames}


def get_asgi_application() -> FastjangoApp:
    """The active project's ASGI application; what a project's ``asgi.py`` exposes.

    Loads the project from ``FASTJANGO_SETTINGS_MODULE`` if none is active.
    """
    from fastjango.core.project import get_project

    return get_project().app
