"""Validation that needs the database: related rows that must exist, values that must be unique.

Each check is a :class:`Lookup` (a QuerySet and what its answer must be), so
the same list runs with ``exists()`` from ``is_valid()`` and with
``aexists()`` from ``ais_valid()``.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fastjango.orm import MultipleObjectsReturned, ObjectDoesNotExist, SynchronousOnlyOperation
from fastjango.orm.query import QuerySet
from fastjango.rest.serializers._errors import ValidationError, put_error

__all__ = ["Lookup", "arun_lookups", "run_lookups"]


@dataclass
class Lookup:
    """One query and its expected answer; a wrong answer puts ``message`` at ``path`` of the errors."""

    path: tuple[str | int, ...]
    queryset: QuerySet[Any]
    message: str
    #: ``exists``: a row must match; ``absent``: none may; ``fetch``: exactly one, stored in ``holder[key]``.
    kind: Literal["exists", "absent", "fetch"]
    holder: MutableMapping[str, Any] | None = None
    key: str = ""


def _raise(errors: Any) -> None:
    if errors:
        raise ValidationError(errors)


def run_lookups(lookups: Sequence[Lookup], owner: str) -> None:
    """Run ``lookups`` with the synchronous ORM; raise ValidationError with every failure."""
    errors: Any = {}
    try:
        for lookup in lookups:
            if lookup.kind == "fetch":
                try:
                    assert lookup.holder is not None
                    lookup.holder[lookup.key] = lookup.queryset.get()
                except (ObjectDoesNotExist, MultipleObjectsReturned):
                    errors = put_error(errors, lookup.path, lookup.message)
            elif lookup.queryset.exists() != (lookup.kind == "exists"):
                errors = put_error(errors, lookup.path, lookup.message)
    except SynchronousOnlyOperation:
        raise SynchronousOnlyOperation(
            f"{owner}.is_valid() checks related rows and unique values with database queries, which cannot "
            f"run synchronously on the event loop; use `await serializer.ais_valid()` in async code."
        ) from None
    _raise(errors)


async def arun_lookups(lookups: Sequence[Lookup]) -> None:
    """Run ``lookups`` with the async ORM; raise ValidationError with every failure."""
    errors: Any = {}
    for lookup in lookups:
        if lookup.kind == "fetch":
            try:
                assert lookup.holder is not None
                lookup.holder[lookup.key] = await lookup.queryset.aget()
            except (ObjectDoesNotExist, MultipleObjectsReturned):
                errors = put_error(errors, lookup.path, lookup.message)
        elif await lookup.queryset.aexists() != (lookup.kind == "exists"):
            errors = put_error(errors, lookup.path, lookup.message)
    _raise(errors)
