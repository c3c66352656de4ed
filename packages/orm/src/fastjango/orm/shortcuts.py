"""``get_object_or_404`` and ``aget_object_or_404``: a missing object becomes an HTTP 404."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import HTTPException

from fastjango.orm.manager import Manager
from fastjango.orm.query.queryset import QuerySet

__all__ = ["aget_object_or_404", "get_object_or_404"]

_M = TypeVar("_M")


def _queryset(source: Any) -> QuerySet[Any]:
    if isinstance(source, QuerySet):
        return source
    if isinstance(source, Manager):
        return source.all()
    if isinstance(source, type) and hasattr(source, "_default_manager"):
        manager: Manager[Any] = source._default_manager
        return manager.all()
    raise TypeError(f"get_object_or_404() takes a model, a manager or a QuerySet, not {source!r}.")


def _not_found(queryset: QuerySet[Any]) -> HTTPException:
    return HTTPException(status_code=404, detail=f"No {queryset.model._meta.verbose_name} matches the given query.")


def get_object_or_404(source: type[_M] | Manager[Any] | QuerySet[Any], *args: Any, **kwargs: Any) -> _M:
    queryset = _queryset(source)
    try:
        obj: _M = queryset.get(*args, **kwargs)
        return obj
    except queryset.model.DoesNotExist:
        raise _not_found(queryset) from None


async def aget_object_or_404(source: type[_M] | Manager[Any] | QuerySet[Any], *args: Any, **kwargs: Any) -> _M:
    queryset = _queryset(source)
    try:
        obj: _M = await queryset.aget(*args, **kwargs)
        return obj
    except queryset.model.DoesNotExist:
        raise _not_found(queryset) from None
