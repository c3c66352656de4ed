"""Fields left out by ``only()`` / ``defer()``: loaded on first access in sync code, an error in async code.

The objects are plain detached SQLAlchemy instances, so the columns not loaded
are marked *expired*; reading one calls the loader installed on every model
class, which reads the missing columns by primary key (one query), or, on an
event loop, raises :class:`~fastjango.orm.exceptions.NotLoadedError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import attributes, instrumentation
from sqlalchemy.orm.base import PASSIVE_NO_RESULT, SQL_OK

from fastjango.orm.exceptions import NotLoadedError, SynchronousOnlyOperation

__all__ = ["install_deferred_loader", "mark_deferred"]


def _load_missing(state: Any, toload: Iterable[str], passive: Any) -> Any:
    if state.session_id is not None:
        # Attached to a SQLAlchemy session of the user's own (the escape hatch): its usual loading.
        return _sqlalchemy_loaders[state.class_](state, toload, passive)
    if not passive & SQL_OK:
        return PASSIVE_NO_RESULT
    instance = state.obj()
    names = sorted(toload)
    if instance is None or not names:
        return None
    model = type(instance)
    from fastjango.orm.db.execution import ensure_sync_allowed

    try:
        ensure_sync_allowed(f"Reading deferred fields of {model.__name__}")
    except SynchronousOnlyOperation:
        raise NotLoadedError(
            f"{model.__name__}.{names[0]} was not loaded (only()/defer()), and loading it needs a query, which "
            "attribute access cannot await. Include it in only(), or await "
            f"instance.arefresh_from_db(fields={names!r})."
        ) from None
    values = model._base_manager.filter(pk=instance.pk).values(*names).get()
    for name in names:
        attributes.set_committed_value(instance, name, values[name])
    return None


_sqlalchemy_loaders: dict[type[Any], Any] = {}


def install_deferred_loader(model: type[Any]) -> None:
    """Make ``model``'s expired attributes load through :func:`_load_missing`."""
    manager = instrumentation.manager_of_class(model)
    if manager.expired_attribute_loader is not _load_missing:
        _sqlalchemy_loaders[model] = manager.expired_attribute_loader
    manager.expired_attribute_loader = _load_missing


def mark_deferred(instances: Iterable[Any], names: Iterable[str]) -> None:
    """Mark ``names`` as not loaded on each instance (SQLAlchemy's expired state)."""
    keys = list(names)
    for instance in instances:
        state = attributes.instance_state(instance)
        missing = [key for key in keys if key not in state.dict]
        if missing:
            state._expire_attributes(state.dict, missing)
