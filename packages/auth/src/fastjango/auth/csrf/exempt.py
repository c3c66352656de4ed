"""``@csrf_exempt``, and finding the endpoint a request will reach before routing has run.

Middleware runs before the router, so the view is not known yet. The
middleware asks the app's own router which route matches (Starlette's
``route.matches``, the same code that will route the request), only for
unsafe requests that would be checked and only once some view has been
marked exempt: a project that exempts nothing pays nothing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

__all__ = ["csrf_exempt", "endpoint_is_exempt", "has_exempt_endpoints"]

_F = TypeVar("_F", bound=Callable[..., Any])

_EXEMPT: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()


def csrf_exempt(view: _F) -> _F:
    """Skip the CSRF check for this endpoint (webhooks, endpoints that authenticate the request another way).

    Put it on the endpoint function, above or below the route decorator; the function is returned unchanged.
    """
    view.csrf_exempt = True  # type: ignore[attr-defined]
    _EXEMPT.add(view)
    return view


def has_exempt_endpoints() -> bool:
    return len(_EXEMPT) > 0


def endpoint_is_exempt(scope: Scope) -> bool:
    """Whether the route this request will reach is marked ``@csrf_exempt``."""
    router = getattr(scope.get("app"), "router", None)
    routes = getattr(router, "routes", None)
    if routes is None:
        return False
    endpoint = _match(routes, scope)
    return bool(getattr(endpoint, "csrf_exempt", False))


def _match(routes: Iterable[BaseRoute], scope: Scope) -> Any:
    for route in routes:
        match, child = route.matches(scope)
        if match is not Match.FULL:
            continue
        if isinstance(route, Mount):
            inner = getattr(route, "routes", None)
            return _match(inner, {**scope, **child}) if inner else None
        return child.get("endpoint", getattr(route, "endpoint", None))
    return None
