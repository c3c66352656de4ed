"""``ATOMIC_REQUESTS``: each view of a request runs in one transaction per database that asks for it.

The unit wrapped is the path operation function itself, not the ASGI request:

* an exception leaving the view (``HTTPException`` included) rolls back, and a
  view that returns, whatever the status code, commits; a middleware sees only
  responses, so it could not tell a raised 404 from a returned one;
* the commit (and the ``on_commit`` callbacks) finish before FastAPI turns the
  return value into a response, so no byte reaches the client before the data
  is durable, whichever task later sends the body;
* a ``def`` view runs in FastAPI's thread pool and an ``async def`` view on the
  event loop, and the block is opened in the same place, synchronous or async:
  a connection opened by one kind cannot serve the other.

FastAPI reads ``dependant.call`` for every request, so wrapping it (and the
route's ``endpoint``, from which included routers build their own copies)
when the app is built costs nothing per request beyond the block itself. A
router may be shared by several apps, so the wrapper decides per request,
from the active project, whether to open a block at all.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import AsyncExitStack, ExitStack
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter
from fastapi.routing import APIRoute

from fastjango.core.project import get_project, has_project
from fastjango.orm.db.config import effective_databases
from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.transaction import Atomic, non_atomic_aliases

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.routing import BaseRoute

    from fastjango.core.project import Project

__all__ = ["atomic_aliases", "install_atomic_requests"]

_WRAPPED = "_fastjango_atomic_request"

#: Aliases with ATOMIC_REQUESTS on, per project, as of the last app built for it.
_active: weakref.WeakKeyDictionary[Project, tuple[str, ...]] = weakref.WeakKeyDictionary()


def atomic_aliases(project: Project) -> tuple[str, ...]:
    """The databases whose ``ATOMIC_REQUESTS`` is on, in ``DATABASES`` order."""
    return tuple(alias for alias, config in effective_databases(project.settings).items() if config.ATOMIC_REQUESTS)


def install_atomic_requests(project: Project, app: FastAPI) -> None:
    """Wrap every HTTP view of ``app`` so ``ATOMIC_REQUESTS`` applies to it.

    Called when the app is built and again at startup, for routes added in
    between; a view already wrapped is left alone. ``non_atomic_requests``
    marks naming an unknown database are refused even when the setting is off,
    so a typo shows before the day it matters.
    """
    configured = list(effective_databases(project.settings))
    routes = list(_api_routes(app.router.routes, set()))
    for route in routes:
        _check_marks(route.endpoint, configured)
    aliases = atomic_aliases(project)
    if not aliases:
        _active.pop(project, None)
        return
    _active[project] = aliases
    for route in routes:
        route.endpoint = _atomic_view(route.endpoint)
        if route.dependant.call is not None:
            route.dependant.call = _atomic_view(route.dependant.call)


def _api_routes(routes: Iterable[BaseRoute], seen: set[int]) -> Iterator[APIRoute]:
    for route in routes:
        if id(route) in seen:
            continue
        seen.add(id(route))
        if isinstance(route, APIRoute):
            yield route
            continue
        # FastAPI keeps an included router by reference, as ``original_router``.
        included = getattr(route, "original_router", None)
        if isinstance(included, APIRouter):
            yield from _api_routes(included.routes, seen)
            continue
        nested = getattr(route, "routes", None)  # Mount and Host
        if isinstance(nested, list):
            yield from _api_routes(nested, seen)


def _check_marks(view: Callable[..., Any], configured: list[str]) -> None:
    for alias in sorted(non_atomic_aliases(view)):
        if alias not in configured:
            name = f"{getattr(view, '__module__', '?')}.{getattr(view, '__qualname__', view)!r}"
            raise ImproperlyConfigured(
                f"The view {name} is marked non_atomic_requests(using={alias!r}), but DATABASES has no {alias!r} "
                f"entry (configured: {', '.join(configured)}). Name one of those databases."
            )


def _requested(excluded: frozenset[str]) -> tuple[str, ...]:
    if not has_project(load=False):
        return ()
    aliases = _active.get(get_project(), ())
    if excluded:
        return tuple(alias for alias in aliases if alias not in excluded)
    return aliases


def _atomic_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """``view`` inside ``atomic()`` blocks of the same kind, or ``view`` itself when it must stay as it is."""
    if getattr(view, _WRAPPED, False) or _is_generator(view):
        # A generator view is the response body: it runs after the status line was sent, so no
        # transaction around it could commit before the response. It stays in autocommit.
        return view
    excluded = non_atomic_aliases(view)
    wrapper: Callable[..., Any]
    if _is_async(view):

        @functools.wraps(view)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            aliases = _requested(excluded)
            if not aliases:
                return await view(*args, **kwargs)
            async with AsyncExitStack() as stack:
                for alias in aliases:
                    await stack.enter_async_context(Atomic(alias))
                return await view(*args, **kwargs)

        wrapper = async_wrapper
    else:

        @functools.wraps(view)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            aliases = _requested(excluded)
            if not aliases:
                return view(*args, **kwargs)
            with ExitStack() as stack:
                for alias in aliases:
                    stack.enter_context(Atomic(alias))
                return view(*args, **kwargs)

        wrapper = sync_wrapper
    setattr(wrapper, _WRAPPED, True)
    return wrapper


def _innermost(view: Any) -> Any:
    while isinstance(view, functools.partial):
        view = view.func
    return inspect.unwrap(view)


def _is_async(view: Callable[..., Any]) -> bool:
    """Does FastAPI await ``view``? The same test it applies: partials, decorators and ``__call__`` seen through."""
    if inspect.isclass(_innermost(view)):
        return False
    return any(
        inspect.iscoroutinefunction(candidate)
        for target in (view, _innermost(view))
        for candidate in (target, getattr(target, "__call__", None))  # noqa: B004 - a callable object's method
    )


def _is_generator(view: Callable[..., Any]) -> bool:
    return any(
        inspect.isgeneratorfunction(candidate) or inspect.isasyncgenfunction(candidate)
        for target in (view, _innermost(view))
        for candidate in (target, getattr(target, "__call__", None))  # noqa: B004
    )
