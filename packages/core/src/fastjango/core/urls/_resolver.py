"""Turning a URL conf into FastAPI routes, and names back into paths (``reverse``)."""

from __future__ import annotations

import difflib
import inspect
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI
from starlette.convertors import Convertor
from starlette.routing import BaseRoute, compile_path

from fastjango.core.exceptions import ImproperlyConfigured, NoReverseMatch
from fastjango.core.urls._converters import PathConverter
from fastjango.core.urls._patterns import URLEntry, URLInclude, URLPattern

__all__ = ["NamedRoute", "URLResolver"]


@dataclass(frozen=True)
class NamedRoute:
    """A route that ``reverse()`` can build: its full name, path and parameter convertors."""

    name: str
    path: str
    path_format: str
    convertors: Mapping[str, Convertor[Any]]
    methods: tuple[str, ...]
    endpoint: Any

    def build(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> str:
        expected = list(self.convertors)
        if args and kwargs:
            raise NoReverseMatch(f"reverse({self.name!r}) takes args or kwargs, not both.")
        if args:
            if len(args) != len(expected):
                raise NoReverseMatch(
                    f"reverse({self.name!r}) got {len(args)} positional argument(s); the route {self.path} "
                    f"takes {len(expected)}: {', '.join(expected) or 'none'}."
                )
            kwargs = dict(zip(expected, args, strict=True))
        if set(kwargs) != set(expected):
            raise NoReverseMatch(
                f"reverse({self.name!r}) got arguments {sorted(kwargs) or 'none'}; the route {self.path} "
                f"takes {expected or 'none'}."
            )
        path = self.path_format
        for key, convertor in self.convertors.items():
            try:
                text = convertor.to_string(kwargs[key])
            except (ValueError, TypeError, AssertionError) as exc:
                raise NoReverseMatch(
                    f"reverse({self.name!r}): {key}={kwargs[key]!r} does not fit the route {self.path} ({exc})."
                ) from None
            path = path.replace(f"{{{key}}}", text)
        return path


class URLResolver:
    """The routes of one project, flattened from its URL conf and plugins' patterns."""

    def __init__(self, entries: Sequence[URLEntry]) -> None:
        self.patterns: list[tuple[str, URLPattern, str | None]] = []
        self.routers: list[tuple[str, APIRouter, list[str]]] = []
        self.names: dict[str, NamedRoute] = {}
        self._walk(entries, prefix="/", namespaces=[])

    # -- building ---------------------------------------------------------
    def _walk(self, entries: Sequence[URLEntry] | APIRouter, prefix: str, namespaces: list[str]) -> None:
        if isinstance(entries, APIRouter):
            self._add_router(entries, prefix, namespaces)
            return
        for entry in entries:
            if isinstance(entry, URLPattern):
                full_path = prefix + entry.route.starlette_path.lstrip("/")
                full_name = ":".join([*namespaces, entry.name]) if entry.name else None
                self.patterns.append((full_path, entry, full_name))
                if full_name:
                    self._name(full_name, full_path, entry.methods, entry.view)
            elif isinstance(entry, URLInclude):
                inner = prefix + entry.route.starlette_path.lstrip("/")
                spaces = [*namespaces, entry.namespace] if entry.namespace else namespaces
                self._walk(entry.entries, inner, spaces)
            elif isinstance(entry, APIRouter):
                self._add_router(entry, prefix, namespaces)
            else:
                raise ImproperlyConfigured(
                    f"A URL conf holds {entry!r}; entries must be path(...), include(...) or an APIRouter."
                )

    def _add_router(self, router: APIRouter, prefix: str, namespaces: list[str]) -> None:
        mount_at = prefix.rstrip("/")
        self.routers.append((mount_at, router, namespaces))
        for route in router.routes:
            name = getattr(route, "name", None)
            route_path = getattr(route, "path", None)
            if name and route_path is not None:
                methods = tuple(sorted(getattr(route, "methods", None) or ()))
                self._name(
                    ":".join([*namespaces, name]), mount_at + route_path, methods, getattr(route, "endpoint", None)
                )

    def _name(self, name: str, full_path: str, methods: tuple[str, ...], endpoint: Any) -> None:
        _, path_format, convertors = compile_path(full_path)
        # Several routes may share a name (one per method, as in FastAPI); the first wins, as in Django.
        self.names.setdefault(name, NamedRoute(name, full_path, path_format, convertors, methods, endpoint))

    # -- installing -------------------------------------------------------
    def install(self, app: FastAPI) -> None:
        """Add every route to ``app``, in URL conf order."""
        for full_path, pattern, full_name in self.patterns:
            view = _typed_view(pattern.view, pattern.route.converters, pattern.route.route)
            options = dict(pattern.options)
            # One route per method gives each its own OpenAPI operation (id, body, responses).
            groups = (
                [[method] for method in pattern.methods]
                if options.pop("separate_methods", False)
                else [list(pattern.methods)]
            )
            for methods in groups:
                # The router's own method: it takes ``route_class_override``, which views may set.
                app.router.add_api_route(full_path, view, methods=methods, name=full_name, **options)
        for mount_at, router, namespaces in self.routers:
            before = len(app.router.routes)
            app.include_router(router, prefix=mount_at)
            if namespaces:
                _prefix_names(app.router.routes[before:], ":".join(namespaces))

    # -- reversing --------------------------------------------------------
    def reverse(
        self,
        viewname: str,
        args: Sequence[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> str:
        route = self.names.get(viewname)
        if route is None:
            close = difflib.get_close_matches(viewname, list(self.names), n=3, cutoff=0.6)
            hint = f" Did you mean {', '.join(repr(name) for name in close)}?" if close else ""
            raise NoReverseMatch(f"No route is named {viewname!r}.{hint}")
        url = route.build(list(args or ()), dict(kwargs or {}))
        if query:
            url += "?" + urlencode(query, doseq=True)
        return url


def _prefix_names(routes: Sequence[BaseRoute], namespace: str) -> None:
    for route in routes:
        name = getattr(route, "name", None)
        if name:
            route.name = f"{namespace}:{name}"  # type: ignore[attr-defined]


def _typed_view(view: Callable[..., Any], converters: Mapping[str, PathConverter], route: str) -> Callable[..., Any]:
    """Give unannotated path parameters the converter's type, without wrapping the call.

    A wrapper would cost a call per request; a copy of the function object
    with other annotations costs nothing. A view missing a captured
    parameter is a configuration error, found at start-up.
    """
    if not converters:
        return view
    signature = inspect.signature(view)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    missing_type: dict[str, type] = {}
    for name, converter in converters.items():
        parameter = signature.parameters.get(name)
        if parameter is None:
            if takes_any:
                continue
            raise ImproperlyConfigured(
                f"The URL route {route!r} captures {name!r}, but the view "
                f"{getattr(view, '__module__', '?')}.{getattr(view, '__qualname__', view)!r} has no parameter "
                f"named {name!r}."
            )
        if parameter.annotation is inspect.Parameter.empty:
            missing_type[name] = converter.python_type
    if not missing_type or not isinstance(view, types.FunctionType):
        return view
    copy = types.FunctionType(view.__code__, view.__globals__, view.__name__, view.__defaults__, view.__closure__)
    copy.__kwdefaults__ = view.__kwdefaults__
    copy.__dict__.update(view.__dict__)
    copy.__qualname__ = view.__qualname__
    copy.__module__ = view.__module__
    copy.__doc__ = view.__doc__
    copy.__annotations__ = {**view.__annotations__, **missing_type}
    return copy
