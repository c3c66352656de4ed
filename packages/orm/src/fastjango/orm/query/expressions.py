"""``Q`` and ``F`` and the expressions built from them, turned into SQLAlchemy by a compiler.

``Q(title__icontains="x") | ~Q(views__gt=F("likes") * 2)`` is a tree; the
QuerySet's :class:`~fastjango.orm.query.compiler.Compiler` resolves field paths
(adding joins) and produces a SQLAlchemy clause.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, literal

from fastjango.orm.exceptions import FieldError

if TYPE_CHECKING:
    from fastjango.orm.query.compiler import Compiler

__all__ = ["Combinable", "CombinedExpression", "Expression", "F", "Q", "Value"]


def clause_of(element: Any) -> ColumnElement[Any]:
    """A mapped attribute (``Post.title``) as its plain column expression; other elements unchanged."""
    clause = getattr(element, "__clause_element__", None)
    return cast("ColumnElement[Any]", clause() if clause is not None else element)


class Expression:
    """Something that becomes a SQL expression: ``resolve(compiler)`` gives the SQLAlchemy element."""

    #: Does this expression contain an aggregate (so that it needs GROUP BY)?
    contains_aggregate = False

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        raise NotImplementedError

    def output_field(self, compiler: Compiler) -> Any:
        """The field describing the result's type, when known (None otherwise)."""
        return None


class Combinable(Expression):
    """Arithmetic between expressions and plain values (``F("price") * 2``)."""

    def _combine(
        self, other: Any, op: Callable[[Any, Any], Any], symbol: str, reverse: bool = False
    ) -> CombinedExpression:
        other_expr = other if isinstance(other, Expression) else Value(other)
        return (
            CombinedExpression(other_expr, op, symbol, self)
            if reverse
            else CombinedExpression(self, op, symbol, other_expr)
        )

    def __add__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.add, "+")

    def __sub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.sub, "-")

    def __mul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.mul, "*")

    def __truediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.truediv, "/")

    def __mod__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.mod, "%")

    def __radd__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.add, "+", reverse=True)

    def __rsub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.sub, "-", reverse=True)

    def __rmul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.mul, "*", reverse=True)

    def __rtruediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, operator.truediv, "/", reverse=True)

    def __neg__(self) -> CombinedExpression:
        return CombinedExpression(Value(0), operator.sub, "-", self)

    def asc(self, nulls_first: bool = False, nulls_last: bool = False) -> OrderBy:
        return OrderBy(self, descending=False, nulls_first=nulls_first, nulls_last=nulls_last)

    def desc(self, nulls_first: bool = False, nulls_last: bool = False) -> OrderBy:
        return OrderBy(self, descending=True, nulls_first=nulls_first, nulls_last=nulls_last)


class CombinedExpression(Combinable):
    def __init__(self, left: Expression, op: Callable[[Any, Any], Any], symbol: str, right: Expression) -> None:
        self.left, self.op, self.symbol, self.right = left, op, symbol, right
        self.contains_aggregate = left.contains_aggregate or right.contains_aggregate

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        left, right = self.left.resolve(compiler), self.right.resolve(compiler)
        combined: ColumnElement[Any] = self.op(left, right)
        return combined

    def output_field(self, compiler: Compiler) -> Any:
        return self.left.output_field(compiler) or self.right.output_field(compiler)

    def __repr__(self) -> str:
        return f"{self.left!r} {self.symbol} {self.right!r}"


class F(Combinable):
    """A reference to a field (or an annotation) of the model being queried: ``F("author__name")``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return compiler.resolve_ref(self.name)

    def output_field(self, compiler: Compiler) -> Any:
        return compiler.field_of(self.name)

    def __repr__(self) -> str:
        return f"F({self.name})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, F) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("F", self.name))


class Value(Combinable):
    """A literal value in an expression (``Value("draft")``), sent as a bound parameter."""

    def __init__(self, value: Any, output_field: Any = None) -> None:
        self.value = value
        self._output_field = output_field

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        if self._output_field is not None:
            return literal(self.value, self._output_field.db_type())
        return literal(self.value)

    def output_field(self, compiler: Compiler) -> Any:
        return self._output_field

    def __repr__(self) -> str:
        return f"Value({self.value!r})"


class OrderBy(Expression):
    """An ordering term (``F("name").desc(nulls_last=True)``)."""

    def __init__(
        self, expression: Expression, descending: bool, nulls_first: bool = False, nulls_last: bool = False
    ) -> None:
        if nulls_first and nulls_last:
            raise ValueError("nulls_first and nulls_last are mutually exclusive.")
        self.expression = expression
        self.descending = descending
        self.nulls_first = nulls_first
        self.nulls_last = nulls_last

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        if self.nulls_first or self.nulls_last:
            # Portable NULL placement (MariaDB has no NULLS FIRST/LAST) takes two ORDER BY terms, "is null"
            # first: Compiler.compile_order() makes them, and one expression cannot stand for both.
            raise FieldError("An ordering with nulls_first or nulls_last can only be used in order_by().")
        element = self.expression.resolve(compiler)
        return element.desc() if self.descending else element.asc()


class Q:
    """Lookups combined with ``&``, ``|`` and ``~``: ``Q(a=1) | ~Q(b__gt=2)``."""

    AND = "AND"
    OR = "OR"

    def __init__(self, *args: Any, _connector: str = "AND", _negated: bool = False, **kwargs: Any) -> None:
        self.children: list[Any] = [*args, *sorted(kwargs.items())]
        self.connector = _connector
        self.negated = _negated

    def _combine(self, other: Any, connector: str) -> Q:
        if not isinstance(other, Q):
            raise TypeError(f"Cannot combine Q with {type(other).__name__}.")
        if not other.children:
            return self.copy()
        if not self.children:
            return other.copy()
        combined = Q(_connector=connector)
        combined.children = [self, other]
        return combined

    def copy(self) -> Q:
        clone = Q(_connector=self.connector, _negated=self.negated)
        clone.children = list(self.children)
        return clone

    def __and__(self, other: Any) -> Q:
        return self._combine(other, self.AND)

    def __or__(self, other: Any) -> Q:
        return self._combine(other, self.OR)

    def __invert__(self) -> Q:
        clone = self.copy()
        clone.negated = not self.negated
        return clone

    def __bool__(self) -> bool:
        return bool(self.children)

    def __repr__(self) -> str:
        inner = f" {self.connector} ".join(repr(child) for child in self.children)
        return f"<Q: {'NOT ' if self.negated else ''}({inner})>"

    # __eq__ without __hash__: Python sets __hash__ to None, so Q objects are unhashable.
    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Q)
            and other.children == self.children
            and other.connector == self.connector
            and other.negated == self.negated
        )
