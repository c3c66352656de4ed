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
    #: ``exists``: a row must match; ``absent``: none may; ``fetch``: exactly one, stored in ``holder[key]``;
    #: ``many``: one row per value of ``wanted`` (matched on ``attribute``), the rows stored in ``holder[key]``,
    #: and ``message`` formatted with each missing ``{value}``.
    kind: Literal["exists", "absent", "fetch", "many"]
    holder: MutableMapping[str, Any] | None = None
    key: str = ""
    wanted: Sequence[Any] = ()
    attribute: str = "pk"

    def settle(self, rows: list[Any], errors: Any) -> Any:
        """Match the rows of a ``many`` lookup with the wanted values: store them, or add one error per miss."""
        found = {str(getattr(row, self.attribute)): row for row in rows}
        missing = [value for value in self.wanted if str(value) not in found]
        for value in missing:
            errors = put_error(errors, self.path, self.message.format(value=value))
        if not missing:
            assert self.holder is not None
            self.holder[self.key] = [found[str(value)] for value in self.wanted]
        return errors


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
            elif lookup.kind == "many":
                errors = lookup.settle(list(lookup.queryset), errors)
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
        elif lookup.kind == "many":
            errors = lookup.settle([row async for row in lookup.queryset], errors)
        elif await lookup.queryset.aexists() != (lookup.kind == "exists"):
            errors = put_error(errors, lookup.path, lookup.message)
    _raise(errors)
