"""``Meta.constraints``: ``UniqueConstraint`` and ``CheckConstraint``, declared as in Django."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint as SACheckConstraint
from sqlalchemy import Index as SAIndex

from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.query.expressions import Q

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model

__all__ = ["CheckConstraint", "UniqueConstraint"]


class _TableColumns:
    """The model's table columns by field attname: a DDL constraint names bare columns, not ORM attributes."""

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        self._table = model.__table__

    def __getattr__(self, attname: str) -> Any:
        field = self._model._meta.get_field(attname)
        return self._table.c[field.column]


class CheckConstraint:
    """A row-level check the database enforces: ``CheckConstraint(condition=Q(price__gte=0), name="price_gte_0")``."""

    def __init__(self, *, condition: Q, name: str) -> None:
        if not isinstance(condition, Q):
            raise ImproperlyConfigured(f"CheckConstraint {name!r}: condition must be a Q object.")
        self.condition = condition
        self.name = name

    def attach(self, model: type[Model]) -> None:
        from fastjango.orm.query.compiler import Compiler

        clause = Compiler(model, entity=_TableColumns(model)).compile_q(self.condition)
        model.__table__.append_constraint(SACheckConstraint(clause, name=self.name))

    def __repr__(self) -> str:
        return f"<CheckConstraint: {self.name}>"


class UniqueConstraint:
    """Unique values across ``fields``; with ``condition`` a partial unique index (PostgreSQL and SQLite)."""

    def __init__(self, *, fields: Sequence[str], name: str, condition: Q | None = None) -> None:
        if not fields:
            raise ImproperlyConfigured(f"UniqueConstraint {name!r} needs fields.")
        self.fields = tuple(fields)
        self.name = name
        self.condition = condition

    def attach(self, model: type[Model]) -> None:
        """A conditional constraint becomes a partial unique index."""
        from fastjango.orm.query.compiler import Compiler

        assert self.condition is not None
        table = model.__table__
        clause = Compiler(model, entity=_TableColumns(model)).compile_q(self.condition)
        columns = [table.c[model._meta.get_field(name).column] for name in self.fields]
        SAIndex(self.name, *columns, unique=True, postgresql_where=clause, sqlite_where=clause)

    def __repr__(self) -> str:
        return f"<UniqueConstraint: {self.name} on {', '.join(self.fields)}>"
