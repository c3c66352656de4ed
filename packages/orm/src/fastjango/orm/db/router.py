"""Database routers (``DATABASE_ROUTERS``), as in Django: which database a model reads from and writes to.

A router is any object with some of ``db_for_read(model, **hints)``,
``db_for_write(model, **hints)``, ``allow_relation(obj1, obj2, **hints)`` and
``allow_migrate(db, app_label, model_name=None, **hints)``; the first router
that answers (not None) decides, and ``"default"`` is the fallback.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fastjango.orm.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model

__all__ = ["DEFAULT_DB_ALIAS", "allow_migrate", "db_for_instance", "db_for_read", "db_for_write", "routers"]

DEFAULT_DB_ALIAS = "default"
_cache: dict[tuple[str, ...], list[Any]] = {}


def routers() -> list[Any]:
    """The active project's routers, imported and instantiated once."""
    from fastjango.core.project import get_project

    paths = tuple(get_project().settings.DATABASE_ROUTERS)
    if not paths:
        return []
    loaded = _cache.get(paths)
    if loaded is None:
        loaded = []
        for path in paths:
            module_name, _, name = path.rpartition(".")
            try:
                router = getattr(importlib.import_module(module_name), name)
            except (ImportError, AttributeError, ValueError) as error:
                raise ImproperlyConfigured(f"DATABASE_ROUTERS: cannot import {path!r} ({error}).") from error
            loaded.append(router() if isinstance(router, type) else router)
        _cache[paths] = loaded
    return loaded


def _route(method: str, model: type[Model], **hints: Any) -> str:
    bound = model._meta.bound_alias
    if bound is not None:
        return bound  # a model bound to one connection (a historical model) has no other database
    for router in routers():
        chosen = getattr(router, method, None)
        if chosen is None:
            continue
        alias = chosen(model, **hints)
        if alias is not None:
            return str(alias)
    instance = hints.get("instance")
    if instance is not None:
        loaded_from = instance.__dict__.get("_fj_db")
        if loaded_from:
            return str(loaded_from)
    return DEFAULT_DB_ALIAS


def db_for_read(model: type[Model], **hints: Any) -> str:
    return _route("db_for_read", model, **hints)


def db_for_write(model: type[Model], **hints: Any) -> str:
    return _route("db_for_write", model, **hints)


def db_for_instance(model: type[Model], instance: Model, *, write: bool = False) -> str | None:
    """The database for ``model`` rows related to ``instance``; None for ``"default"``.

    The instance is the routers' hint, as in Django: when no router answers,
    the related rows of an object loaded from "archive" live in "archive".
    None lets callers keep their manager or QuerySet as it is in the usual case.
    """
    alias = (db_for_write if write else db_for_read)(model, instance=instance)
    return None if alias == DEFAULT_DB_ALIAS else alias


def allow_migrate(db: str, app_label: str, **hints: Any) -> bool:
    for router in routers():
        method = getattr(router, "allow_migrate", None)
        if method is None:
            continue
        allowed = method(db, app_label, **hints)
        if allowed is not None:
            return bool(allowed)
    return True
