"""The hook specification of fastjango.

Every capability of fastjango, first-party or third-party, is a pluggy plugin
that implements some of the hooks below. Core's own behaviour (its settings,
middleware, checks and commands) is registered through these same hooks by the
modules in :mod:`fastjango.core.default_plugins`, so a third-party plugin has
exactly the power of a first-party one.

Rules that hold for every hook:

* A hook implementation may accept fewer arguments than the specification
  lists; name only the ones you need. New arguments can then be added to a
  specification without breaking existing plugins.
* A misspelled ``fastjango_*`` implementation is an error when the project
  starts (``PluginManager.check_pending``), never a silent no-op.
* No hook is called per request: hooks run when the project is built, when
  the app is built, and at startup and shutdown, so plugins cost nothing on
  the request path unless they add middleware.

The docstrings here are the reference documentation; ``docs/hooks.md`` repeats
each hook with an example, and a test fails when one is missing there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from fastapi import FastAPI
    from pydantic import BaseModel

    from fastjango.core.checks import CheckRegistry
    from fastjango.core.conf import Settings
    from fastjango.core.middleware import MiddlewareSpec
    from fastjango.core.project import Project
    from fastjango.core.urls import URLEntry

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

#: The pluggy project name: hook implementations are marked with ``fastjango``.
PROJECT_NAME = "fastjango"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator that marks a function as a fastjango hook implementation.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


# ---------------------------------------------------------------------------
# Plugin registration
# ---------------------------------------------------------------------------


@hookspec(historic=True)
def fastjango_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications of a plugin's own.

    Called once for every plugin as soon as it is registered (historic, so a
    plugin registered later still sees it). Call
    ``pluginmanager.add_hookspecs(module)`` here; the ORM does this for its
    model lifecycle hooks, and other plugins then implement them.
    """


@hookspec
def fastjango_installed_apps() -> Sequence[str]:
    """Return app names this plugin adds to ``INSTALLED_APPS``.

    A plugin that ships models, migrations or templates lists its app here
    (``["fastjango.auth"]``) so projects do not have to repeat it. Apps the
    project lists itself keep their position; plugin apps are appended after
    them in plugin order, once each.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------


@hookspec
def fastjango_settings_schema() -> type[BaseModel]:
    """Return the Pydantic model that declares this plugin's settings.

    Each field is one setting: its name is the setting's name (UPPER_CASE),
    its annotation the expected type and its default the default value. The
    values a project sets are validated against the model at start-up, and an
    error names the setting, the value, where it came from and what was
    expected. A field may list environment variables that override it with
    :func:`fastjango.core.conf.setting` (``env=("DATABASE_URL",)``); every
    setting can also be overridden by ``FASTJANGO_<NAME>``.

    Two plugins may not declare the same setting.
    """
    raise NotImplementedError


@hookspec
def fastjango_validate_settings(settings: Settings) -> Iterable[str] | None:
    """Check settings that are valid one by one but wrong together.

    Return messages, each a sentence naming the settings involved and the fix;
    any message stops the project from starting with
    :class:`~fastjango.core.exceptions.ImproperlyConfigured`. Example: CORS
    refuses ``CORS_ALLOW_ORIGINS = ["*"]`` together with
    ``CORS_ALLOW_CREDENTIALS = True``.
    """
    raise NotImplementedError


@hookspec
def fastjango_setting_changed(settings: Settings, name: str, value: Any, enter: bool) -> None:
    """Called when a test overrides a setting, and again when it is restored.

    ``enter`` is ``True`` when the override starts and ``False`` when the
    previous value comes back. Plugins that cache values derived from settings
    clear them here.
    """


# ---------------------------------------------------------------------------
# Project set-up
# ---------------------------------------------------------------------------


@hookspec(historic=True)
def fastjango_configure(project: Project) -> None:
    """The project is configured: settings validated, apps ready.

    Historic: a plugin registered afterwards is called at once. Use it for
    set-up that needs the final settings (opening connection pools lazily,
    building registries).
    """


@hookspec
def fastjango_register_checks(registry: CheckRegistry, settings: Settings) -> None:
    """Register system checks with ``registry.register(func, *tags, deploy=False)``.

    A check is a callable ``(project) -> Iterable[CheckMessage]`` that the
    ``check`` command runs (and ``runserver`` before it serves). Checks
    registered with ``deploy=True`` run only with ``check --deploy``.
    """


# ---------------------------------------------------------------------------
# Routing, middleware and errors
# ---------------------------------------------------------------------------


@hookspec
def fastjango_urlpatterns(settings: Settings) -> Sequence[URLEntry] | None:
    """Return URL patterns this plugin serves.

    Entries are what a URL conf holds: :func:`~fastjango.core.urls.path`,
    :func:`~fastjango.core.urls.include` or a FastAPI ``APIRouter``. They are
    added after the project's ``ROOT_URLCONF``, so a project route always wins
    a clash. Use ``include(..., namespace=...)`` so ``reverse()`` names stay
    unique.
    """
    raise NotImplementedError


@hookspec
def fastjango_middleware(settings: Settings) -> Sequence[MiddlewareSpec] | None:
    """Return the middleware this plugin adds, as :class:`MiddlewareSpec` objects.

    Ordering is explicit. The ``MIDDLEWARE`` setting lists middleware from the
    outermost (sees the request first) to the innermost. A plugin's spec is
    placed right after the entry named by its ``after``, else right before
    the one named by ``before``, else innermost. If the project lists the
    middleware in ``MIDDLEWARE`` itself, the project's position wins and the
    spec only supplies the keyword arguments. Ties keep plugin order.
    """
    raise NotImplementedError


@hookspec
def fastjango_exception_handlers(
    settings: Settings,
) -> Mapping[type[Exception] | int, Any] | None:
    """Return exception handlers to install on the FastAPI app.

    Keys are exception classes or HTTP status codes; values are
    ``async def handler(request, exc) -> Response`` callables, exactly as for
    ``FastAPI(exception_handlers=...)``. Later plugins override earlier ones
    for the same key; the project's own ``app.exception_handler`` wins.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


@hookspec
def fastjango_commands() -> Sequence[click.Command] | None:
    """Return Click commands to add to ``manage.py`` and ``fastjango-admin``.

    A Typer app can be turned into one with ``typer.main.get_command(app)``.
    A command runs with the project configured; reach it through
    :func:`fastjango.core.get_project`. Names must not clash with another
    command.
    """
    raise NotImplementedError


# ---------------------------------------------------------------------------
# Application lifecycle
# ---------------------------------------------------------------------------


@hookspec
def fastjango_app_created(project: Project, app: FastAPI) -> None:
    """The FastAPI application was built: routes, middleware and handlers are in.

    Last chance to change the app before it serves (add a route, mount a
    sub-application, wrap OpenAPI generation).
    """


@hookspec
def fastjango_startup(project: Project, app: FastAPI) -> Awaitable[None] | None:
    """The ASGI server started the app (lifespan startup), in every worker.

    May be ``async def``: core awaits it. Plugins open pools and warm caches
    here. Hooks run in plugin registration order; if one raises, the server
    refuses to start.
    """


@hookspec
def fastjango_shutdown(project: Project, app: FastAPI) -> Awaitable[None] | None:
    """The ASGI server is stopping the app (lifespan shutdown), in every worker.

    May be ``async def``. Runs in reverse registration order, so a plugin
    shuts down before the plugins it depends on. An exception is logged and
    the remaining hooks still run.
    """
