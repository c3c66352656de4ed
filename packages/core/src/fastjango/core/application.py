"""Building the FastAPI application from a project's settings and plugins."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from fastjango.core import project as project_module
from fastjango.core._await import await_me_maybe
from fastjango.core.middleware._stack import middleware_stack
from fastjango.core.plugins import call_collecting
from fastjango.core.project import _current_project

if TYPE_CHECKING:
    from fastjango.core.project import Project

__all__ = ["FastjangoApp", "build_app", "get_asgi_application"]

logger = logging.getLogger("fastjango.core")


class FastjangoApp(FastAPI):
    """A FastAPI application that knows its project.

    It is a real ``FastAPI`` instance: ``@app.get``, ``app.include_router``
    and ``app.add_middleware`` work as usual. Each request runs with its
    project active, so ``settings`` and ``reverse()`` see the right one.
    """

    project: Project

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The usual case, one app per process: its project is the default one, which is
        # active anyway. Setting a context variable per request would allocate context
        # objects on every request and wake the garbage collector far more often (long
        # p99 pauses under load), so only a second project in the process pays for it.
        if self.project is project_module._default_project:
            await super().__call__(scope, receive, send)
            return
        token = _current_project.set(self.project)
        try:
            await super().__call__(scope, receive, send)
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
    try:
        yield
    finally:
        with project.activated():
            for impl in reversed(project.pm.hook.fastjango_shutdown.get_hookimpls()):
                try:
                    await await_me_maybe(impl.function(**_arguments(impl.argnames, project, app)))
                except Exception:
                    logger.exception("Plugin %r failed to shut down cleanly", impl.plugin_name)


def _arguments(argnames: tuple[str, ...], project: Project, app: FastAPI) -> dict[str, Any]:
    available = {"project": project, "app": app}
    return {name: available[name] for name in argnames}


def get_asgi_application() -> FastjangoApp:
    """The active project's ASGI application; what a project's ``asgi.py`` exposes.

    Loads the project from ``FASTJANGO_SETTINGS_MODULE`` if none is active.
    """
    from fastjango.core.project import get_project

    return get_project().app
