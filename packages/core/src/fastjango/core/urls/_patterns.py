"""``path()`` and ``include()``: the entries of a Django-style URL conf."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeAlias

from fastapi import APIRouter

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.urls._converters import PathConverter, get_converter

__all__ = [
    "ROUTE_DEFAULTS_ATTRIBUTE",
    "URLEntry",
    "URLInclude",
    "URLPattern",
    "include",
    "load_urlconf",
    "parse_route",
    "path",
]

#: A view may carry defaults for :func:`path` in this attribute: ``methods`` and FastAPI route
#: options such as ``route_class_override`` (how class-based views of plugins bring their own
#: route class and methods), and ``separate_methods=True`` for one route (one OpenAPI operation)
#: per method. Arguments given to ``path()`` win.
ROUTE_DEFAULTS_ATTRIBUTE = "fastjango_route_defaults"

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
DEFAULT_METHODS = ("GET",)


@dataclass(frozen=True)
class ParsedRoute:
    """A Django route split into its Starlette path and its captured parameters."""

    route: str
    starlette_path: str
    converters: dict[str, PathConverter]


def parse_route(route: str) -> ParsedRoute:
    """Turn ``"posts/<int:pk>/"`` into ``"posts/{pk:int}/"`` and its converters."""
    converters: dict[str, PathConverter] = {}
    parts: list[str] = []
    position = 0
    for match in _PARAMETER.finditer(route):
        parts.append(route[position : match.start()])
        name = match.group("parameter")
        if not name.isidentifier():
            raise ImproperlyConfigured(
                f"URL route {route!r} uses {name!r} as a parameter name; use a Python identifier."
            )
        if name in converters:
            raise ImproperlyConfigured(f"URL route {route!r} captures {name!r} twice.")
        try:
            converter = get_converter(match.group("converter") or "str")
        except LookupError as exc:
            raise ImproperlyConfigured(f"URL route {route!r}: {exc}") from None
        converters[name] = converter
        parts.append(f"{{{name}:{converter.name}}}")
        position = match.end()
    rest = route[position:]
    if "<" in rest or ">" in rest:
        raise ImproperlyConfigured(f"URL route {route!r} has an unmatched '<' or '>'.")
    parts.append(rest)
    return ParsedRoute(route, "".join(parts), converters)


@dataclass
class URLPattern:
    """One route: a Django-style route string, a view and its FastAPI options."""

    route: ParsedRoute
    view: Callable[..., Any]
    name: str | None = None
    methods: tuple[str, ...] = DEFAULT_METHODS
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class URLInclude:
    """Patterns mounted under a prefix, optionally in a namespace."""

    route: ParsedRoute
    entries: Sequence[URLEntry] | APIRouter
    app_name: str | None = None
    namespace: str | None = None
    source: str = ""


URLEntry: TypeAlias = URLPattern | URLInclude | APIRouter


def path(
    route: str,
    view: Callable[..., Any] | tuple[Any, ...] | URLInclude | APIRouter,
    *,
    name: str | None = None,
    methods: Sequence[str] | None = None,
    **options: Any,
) -> URLEntry:
    """A route, Django-style: ``path("posts/<int:pk>/", post_detail, name="post-detail")``.

    ``view`` is a FastAPI endpoint (``def`` or ``async def``; its parameters
    are path, query, body and ``Depends`` parameters exactly as in FastAPI), or
    the result of :func:`include`. ``methods`` defaults to ``["GET"]``; other
    keyword arguments (``response_model``, ``status_code``, ``tags``,
    ``summary``, ``dependencies``, ...) go to FastAPI's ``add_api_route``.
    A view object's ``fastjango_route_defaults`` dict supplies defaults for
    both (class-based views use it for their methods and route class).
    """
    parsed = parse_route(route)
    if isinstance(view, URLInclude):
        return URLInclude(parsed, view.entries, view.app_name, view.namespace, view.source)
    if isinstance(view, tuple):
        return _include_from(parsed, include(view))
    if isinstance(view, APIRouter):
        return URLInclude(parsed, view, source=repr(view))
    if not callable(view):
        raise ImproperlyConfigured(
            f"path({route!r}, ...) was given {view!r} as its view; pass a function or include(...)."
        )
    defaults: dict[str, Any] = dict(getattr(view, ROUTE_DEFAULTS_ATTRIBUTE, None) or {})
    default_methods = defaults.pop("methods", DEFAULT_METHODS)
    wanted = tuple(method.upper() for method in (methods or default_methods))
    return URLPattern(parsed, view, name=name, methods=wanted, options={**defaults, **options})


def _include_from(parsed: ParsedRoute, included: URLInclude) -> URLInclude:
    return URLInclude(parsed, included.entries, included.app_name, included.namespace, included.source)


def include(
    arg: str | ModuleType | Sequence[URLEntry] | tuple[Sequence[URLEntry], str] | APIRouter,
    namespace: str | None = None,
) -> URLInclude:
    """Include another URL conf under the prefix given to :func:`path`.

    ``arg`` is a module path (``"blog.urls"``), a module, a list of patterns,
    a ``(patterns, app_name)`` pair, or a FastAPI ``APIRouter``. The app
    namespace comes from the module's ``app_name`` (or the pair); ``namespace``
    sets the instance namespace, which defaults to the app namespace.
    ``reverse("blog:post-detail")`` looks names up through namespaces.
    """
    app_name: str | None = None
    source: str
    entries: Sequence[URLEntry] | APIRouter
    if isinstance(arg, str):
        module = load_urlconf(arg)
        entries, app_name, source = _urlpatterns_of(module), getattr(module, "app_name", None), arg
    elif isinstance(arg, ModuleType):
        entries, app_name, source = _urlpatterns_of(arg), getattr(arg, "app_name", None), arg.__name__
    elif isinstance(arg, APIRouter):
        entries, source = arg, repr(arg)
    elif isinstance(arg, tuple) and len(arg) == 2 and isinstance(arg[1], str):
        entries, app_name, source = list(arg[0]), arg[1], f"patterns of {arg[1]!r}"
    elif isinstance(arg, (list, tuple)):
        entries, source = list(arg), "a list of patterns"
    else:
        raise ImproperlyConfigured(f"include() takes a module path, a module, a list or an APIRouter, not {arg!r}.")
    if namespace and not app_name:
        app_name = namespace
    return URLInclude(parse_route(""), entries, app_name=app_name, namespace=namespace or app_name, source=source)


def load_urlconf(dotted: str) -> ModuleType:
    """Import a URL conf module, with an error that names it when it is missing."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if exc.name and dotted.startswith(exc.name):
            raise ImproperlyConfigured(
                f"The URL conf {dotted!r} cannot be imported: no module named {exc.name!r}."
            ) from exc
        raise


def _urlpatterns_of(module: ModuleType) -> list[URLEntry]:
    patterns = getattr(module, "urlpatterns", None)
    if patterns is None:
        raise ImproperlyConfigured(f"The URL conf {module.__name__!r} has no `urlpatterns` list.")
    if not isinstance(patterns, (list, tuple)):
        raise ImproperlyConfigured(
            f"`urlpatterns` in {module.__name__!r} must be a list, not {type(patterns).__name__}."
        )
    return list(patterns)
