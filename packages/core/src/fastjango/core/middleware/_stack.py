"""Putting the middleware of settings and plugins in one explicit order."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.middleware import Middleware
from starlette.types import ASGIApp

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.middleware._guards import FUSABLE_GUARDS, fuse_guards
from fastjango.core.plugins import call_collecting

if TYPE_CHECKING:
    from fastjango.core.conf import Settings
    from fastjango.core.project import Project

__all__ = ["MiddlewareSpec", "StackEntry", "import_middleware", "middleware_stack", "resolve_middleware_order"]


@dataclass(frozen=True)
class MiddlewareSpec:
    """Middleware a plugin contributes through the ``fastjango_middleware`` hook.

    ``middleware`` is a class (or its dotted path) called as
    ``middleware(app, **kwargs)``; a class with a ``from_settings(app, settings)``
    classmethod is built with that instead when ``kwargs`` is empty, and may
    return ``app`` unchanged to stay out of the stack. ``after`` and
    ``before`` name another middleware (class or dotted path); see the hook's
    documentation for the placement rules.
    """

    middleware: type[Any] | str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    after: type[Any] | str | None = None
    before: type[Any] | str | None = None


@dataclass
class StackEntry:
    """One resolved middleware of the stack."""

    name: str
    middleware: Any
    spec: MiddlewareSpec | None


def resolve_middleware_order(listed: list[str], specs: list[MiddlewareSpec]) -> list[StackEntry]:
    """Merge the ``MIDDLEWARE`` list with plugins' specs, outermost first.

    Entries are matched by the class they import, so a dotted path and the
    class object name the same middleware.
    """
    order = [StackEntry(name, import_middleware(name), None) for name in listed]
    listed_objects = [entry.middleware for entry in order]

    def position_of(reference: type[Any] | str | None) -> int | None:
        if reference is None:
            return None
        target = reference if not isinstance(reference, str) else _import_or_none(reference)
        for index, entry in enumerate(order):
            if entry.middleware is target or entry.name == reference:
                return index
        return None

    tail_after: dict[int, Any] = {}
    for spec in specs:
        target = spec.middleware if not isinstance(spec.middleware, str) else import_middleware(spec.middleware)
        if target in listed_objects:
            order[listed_objects.index(target)].spec = spec
            continue
        entry = StackEntry(_name_of(spec.middleware), target, spec)
        after = position_of(spec.after)
        before = position_of(spec.before)
        if after is not None:
            # Several specs anchored after the same entry keep plugin order.
            anchor = order[after].middleware
            last = tail_after.get(id(anchor))
            index = next(i for i, e in enumerate(order) if e is last) if last is not None else after
            order.insert(index + 1, entry)
            tail_after[id(anchor)] = entry
        elif before is not None:
            order.insert(before, entry)
        else:
            order.append(entry)
    return order


def _name_of(middleware: type[Any] | str) -> str:
    if isinstance(middleware, str):
        return middleware
    return f"{middleware.__module__}.{middleware.__qualname__}"


def _import_or_none(dotted: str) -> Any:
    try:
        return import_middleware(dotted)
    except ImproperlyConfigured:
        return None


def middleware_stack(project: Project) -> list[Middleware]:
    """Starlette ``Middleware`` entries for the project, outermost first."""
    settings = project.settings
    specs: list[MiddlewareSpec] = []
    for contributed in call_collecting(project.pm.hook.fastjango_middleware, settings=settings):
        for spec in contributed:
            if not isinstance(spec, MiddlewareSpec):
                raise ImproperlyConfigured(f"fastjango_middleware must return MiddlewareSpec objects, got {spec!r}.")
            specs.append(spec)
    stack = []
    run: list[Callable[[ASGIApp], ASGIApp]] = []  # adjacent default guards, served as one layer
    for entry in resolve_middleware_order(list(settings.MIDDLEWARE), specs):
        kwargs = dict(entry.spec.kwargs) if entry.spec is not None else {}
        factory = _factory(entry.middleware, kwargs, settings)
        if not kwargs and entry.middleware in FUSABLE_GUARDS:
            run.append(factory)
            continue
        if run:
            stack.append(Middleware(_fused_factory(run)))
            run = []
        stack.append(Middleware(factory))
    if run:
        stack.append(Middleware(_fused_factory(run)))
    return stack


def _factory(target: Any, kwargs: dict[str, Any], settings: Settings) -> Callable[[ASGIApp], ASGIApp]:
    def build(app: ASGIApp) -> ASGIApp:
        if not kwargs and hasattr(target, "from_settings"):
            built: ASGIApp = target.from_settings(app, settings)
            return built
        created: ASGIApp = target(app, **kwargs)
        return created

    return build


def _fused_factory(factories: list[Callable[[ASGIApp], ASGIApp]]) -> Callable[[ASGIApp], ASGIApp]:
    """Build a run of guards innermost first, then serve them as one layer where they allow it."""
    factories = list(factories)

    def build(app: ASGIApp) -> ASGIApp:
        for factory in reversed(factories):
            app = factory(app)
        return fuse_guards(app)

    return build


def import_middleware(dotted: str) -> Any:
    """Import a middleware class from its dotted path, with an error that names the setting."""
    module_name, _, attribute = dotted.rpartition(".")
    if not module_name:
        raise ImproperlyConfigured(f"MIDDLEWARE entry {dotted!r} is not a dotted path to a class.")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ImproperlyConfigured(f"MIDDLEWARE entry {dotted!r} cannot be imported: {exc}.") from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImproperlyConfigured(
            f"MIDDLEWARE entry {dotted!r}: module {module_name!r} has no {attribute!r}."
        ) from None
