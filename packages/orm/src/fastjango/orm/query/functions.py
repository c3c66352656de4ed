"""Aggregates and database functions: ``Count``, ``Sum``, ``Coalesce``, ``Case``/``When``, ``Subquery``, ...

Each is an :class:`~fastjango.orm.query.expressions.Expression`, used in
``annotate()``, ``aggregate()``, ``filter()``, ``update()`` and ``order_by()``,
and compiled to the SQL each database understands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Double,
    Integer,
    String,
    case,
    distinct,
    exists,
    func,
    literal,
    null,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.functions import FunctionElement

from fastjango.orm.exceptions import FieldError
from fastjango.orm.query.expressions import Combinable, Expression, F, Q, Value, clause_of

if TYPE_CHECKING:
    from fastjango.orm.query.compiler import Compiler
    from fastjango.orm.query.queryset import QuerySet

__all__ = [
    "Aggregate",
    "Avg",
    "Case",
    "Coalesce",
    "Concat",
    "Count",
    "Exists",
    "Length",
    "Lower",
    "Max",
    "Min",
    "Now",
    "OuterRef",
    "StdDev",
    "Subquery",
    "Sum",
    "Upper",
    "Variance",
    "When",
]


def _expression(value: Any) -> Expression:
    if isinstance(value, Expression):
        return value
    if isinstance(value, str):
        return F(value)
    return Value(value)


# ---------------------------------------------------------------------------- aggregates


class Aggregate(Combinable):
    """An aggregate over the rows of a group: ``Sum("price", filter=Q(active=True))``."""

    contains_aggregate = True
    function = ""
    #: The result's type: None keeps the column's own (``Sum`` of a DecimalField is a Decimal).
    result_type: Any = None

    def __init__(self, expression: Any, *, distinct: bool = False, filter: Q | None = None) -> None:  # noqa: A002
        self.expression = _expression(expression)
        self.distinct = distinct
        self.filter = filter

    def default_alias(self) -> str:
        if isinstance(self.expression, F):
            return f"{self.expression.name}__{type(self).__name__.lower()}"
        raise TypeError(f"{type(self).__name__}() over an expression needs a name: aggregate(name=...).")

    def argument(self, compiler: Compiler) -> ColumnElement[Any]:
        value = clause_of(self.expression.resolve(compiler))
        if self.filter is not None:
            # CASE WHEN works everywhere (MariaDB has no FILTER clause).
            value = case((compiler.compile_q(self.filter), value), else_=null())
        return value

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        value = self.argument(compiler)
        if self.distinct:
            value = distinct(value)
        call = getattr(func, self.function)(value)
        if self.result_type is not None:
            call = type_coerce(call, self.result_type)
        return call  # type: ignore[no-any-return]

    def output_field(self, compiler: Compiler) -> Any:
        return self.expression.output_field(compiler)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.expression!r})"


class Count(Aggregate):
    """The number of rows, or of non-NULL values (``Count("books")``, ``Count("*")``)."""

    function = "count"
    result_type = Integer()

    def __init__(self, expression: Any = "*", *, distinct: bool = False, filter: Q | None = None) -> None:  # noqa: A002
        if expression == "*" and distinct:
            raise FieldError("Count('*', distinct=True) is not allowed; count a field.")
        super().__init__(Value(1) if expression == "*" else expression, distinct=distinct, filter=filter)
        self.star = expression == "*"

    def default_alias(self) -> str:
        return "count" if self.star else super().default_alias()

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        if self.star and self.filter is None:
            return type_coerce(func.count(), Integer())
        return super().resolve(compiler)


class Sum(Aggregate):
    function = "sum"


class Min(Aggregate):
    function = "min"


class Max(Aggregate):
    function = "max"


class Avg(Aggregate):
    """The mean: a float, or a Decimal for a DecimalField (as in Django)."""

    function = "avg"

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        from fastjango.orm.fields.scalar import DecimalField

        call = super().resolve(compiler)
        field = self.expression.output_field(compiler)
        if isinstance(field, DecimalField):
            return type_coerce(call, field.db_type())
        return type_coerce(call, Double())


class _Spread(FunctionElement[float]):
    """Population or sample variance / standard deviation, portable to SQLite."""

    type = Double()
    inherit_cache = True
    name = "fastjango_spread"

    def __init__(self, kind: str, sample: bool, value: ColumnElement[Any]) -> None:
        self.kind = kind
        self.sample = sample
        super().__init__(value)

    _traverse_internals = [  # noqa: RUF012
        *FunctionElement._traverse_internals,
        ("kind", visitors.InternalTraversal.dp_string),
        ("sample", visitors.InternalTraversal.dp_boolean),
    ]


@compiles(_Spread)
def _spread_default(element: _Spread, compiler: Any, **kw: Any) -> str:
    (value,) = element.clauses
    name = {"variance": "var", "stddev": "stddev"}[element.kind] + ("_samp" if element.sample else "_pop")
    return compiler.process(getattr(func, name)(value), **kw)  # type: ignore[no-any-return]


@compiles(_Spread, "sqlite")
def _spread_sqlite(element: _Spread, compiler: Any, **kw: Any) -> str:
    # SQLite has no variance: E[x²] - E[x]², scaled by n / (n - 1) for a sample.
    (value,) = element.clauses
    real: ColumnElement[float] = type_coerce(value, Double()) * 1.0
    variance = func.avg(real * real) - func.avg(real) * func.avg(real)
    if element.sample:
        count = func.count(value)
        variance = case((count > 1, variance * count / (count - 1)), else_=null())
    result = func.sqrt(variance) if element.kind == "stddev" else variance
    return compiler.process(result, **kw)  # type: ignore[no-any-return]


class Variance(Aggregate):
    """Variance, of the population unless ``sample=True``."""

    def __init__(self, expression: Any, *, sample: bool = False, filter: Q | None = None) -> None:  # noqa: A002
        super().__init__(expression, filter=filter)
        self.sample = sample

    kind = "variance"

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return _Spread(self.kind, self.sample, self.argument(compiler))


class StdDev(Variance):
    """Standard deviation, of the population unless ``sample=True``."""

    kind = "stddev"


# ---------------------------------------------------------------------------- functions


class Func(Combinable):
    """A database function over expressions (field names are read as ``F()``)."""

    def __init__(self, *expressions: Any) -> None:
        self.expressions = [_expression(value) for value in expressions]
        self.contains_aggregate = any(expression.contains_aggregate for expression in self.expressions)

    def arguments(self, compiler: Compiler) -> list[ColumnElement[Any]]:
        return [clause_of(expression.resolve(compiler)) for expression in self.expressions]

    def output_field(self, compiler: Compiler) -> Any:
        return self.expressions[0].output_field(compiler) if self.expressions else None


class Coalesce(Func):
    """The first of its arguments that is not NULL."""

    def __init__(self, *expressions: Any) -> None:
        if len(expressions) < 2:
            raise ValueError("Coalesce needs at least two expressions.")
        super().__init__(*expressions)

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return func.coalesce(*self.arguments(compiler))


class Lower(Func):
    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return func.lower(*self.arguments(compiler))


class Upper(Func):
    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return func.upper(*self.arguments(compiler))


class _CharLength(FunctionElement[int]):
    type = Integer()
    inherit_cache = True
    name = "fastjango_char_length"


@compiles(_CharLength)
def _char_length_default(element: _CharLength, compiler: Any, **kw: Any) -> str:
    return compiler.process(func.length(*element.clauses), **kw)  # type: ignore[no-any-return]


@compiles(_CharLength, "mysql")
@compiles(_CharLength, "mariadb")
def _char_length_mysql(element: _CharLength, compiler: Any, **kw: Any) -> str:
    # LENGTH() counts bytes on MariaDB/MySQL.
    return compiler.process(func.char_length(*element.clauses), **kw)  # type: ignore[no-any-return]


class Length(Func):
    """The number of characters (``Length("title")``); NULL stays NULL."""

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return _CharLength(*self.arguments(compiler))


class Concat(Func):
    """Strings joined end to end; a NULL part counts as empty (as in Django)."""

    def __init__(self, *expressions: Any) -> None:
        if len(expressions) < 2:
            raise ValueError("Concat needs at least two expressions.")
        super().__init__(*expressions)

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        parts = [func.coalesce(type_coerce(argument, String()), literal("")) for argument in self.arguments(compiler)]
        result: ColumnElement[Any] = parts[0]
        for part in parts[1:]:
            result = result + part  # || on PostgreSQL and SQLite, CONCAT() on MariaDB
        return type_coerce(result, String())


class Now(Func):
    """The database's current time."""

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        from fastjango.orm.fields.types import AwareDateTime

        return type_coerce(func.current_timestamp(), AwareDateTime())


class When(Expression):
    """One branch of :class:`Case`: ``When(pages__gt=300, then=Value("long"))``."""

    def __init__(self, condition: Q | None = None, then: Any = None, **lookups: Any) -> None:
        if condition is None and not lookups:
            raise ValueError("When() needs a condition or lookups.")
        self.condition = (condition or Q()) & Q(**lookups) if lookups else condition
        self.then = then if isinstance(then, Expression) else Value(then)

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        raise TypeError("When() is only meaningful inside Case().")


class Case(Combinable):
    """``Case(When(...), When(...), default=...)``: the first matching branch's value."""

    def __init__(self, *cases: When, default: Any = None) -> None:
        if not cases or not all(isinstance(branch, When) for branch in cases):
            raise TypeError("Case() takes one or more When() branches.")
        self.cases = cases
        self.default = default if isinstance(default, Expression) else Value(default)

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        whens = []
        for branch in self.cases:
            assert branch.condition is not None
            whens.append((compiler.compile_q(branch.condition), clause_of(branch.then.resolve(compiler))))
        return case(*whens, else_=clause_of(self.default.resolve(compiler)))

    def output_field(self, compiler: Compiler) -> Any:
        return self.cases[0].then.output_field(compiler)


# ---------------------------------------------------------------------------- subqueries


class _OuterRefElement(ColumnClause[Any]):
    """A placeholder for an outer query's column, replaced when the subquery is embedded."""

    inherit_cache = True

    def __init__(self, name: str) -> None:
        super().__init__(f"__outer_ref__{name}")
        self.outer_name = name


class OuterRef(Combinable):
    """A field of the enclosing query, inside a :class:`Subquery` or :class:`Exists`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return _OuterRefElement(self.name)


def _embed(queryset: QuerySet[Any], compiler: Compiler) -> Any:
    statement = queryset._build(ordered=queryset._high is not None)

    def replace(element: Any, **kw: Any) -> Any:
        if isinstance(element, _OuterRefElement):
            return clause_of(compiler.resolve_ref(element.outer_name))
        return None

    opts: dict[str, Any] = {}
    return visitors.replacement_traverse(statement, opts, replace)


class Subquery(Combinable):
    """A QuerySet used as a value: ``Subquery(Book.objects.filter(author=OuterRef("pk")).values("title")[:1])``."""

    def __init__(self, queryset: QuerySet[Any]) -> None:
        if queryset._values is None or len(queryset._values[0]) != 1:
            raise FieldError("Subquery() needs a QuerySet that selects one column: use .values('field').")
        self.queryset = queryset

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        return _embed(self.queryset, compiler).scalar_subquery()  # type: ignore[no-any-return]


class Exists(Combinable):
    """``EXISTS (subquery)``: usable in ``filter()`` (``~Exists(...)`` negates it) and ``annotate()``."""

    def __init__(self, queryset: QuerySet[Any], negated: bool = False) -> None:
        self.queryset = queryset
        self.negated = negated

    def __invert__(self) -> Exists:
        return Exists(self.queryset, not self.negated)

    def resolve(self, compiler: Compiler) -> ColumnElement[Any]:
        condition = exists(_embed(self.queryset.values("pk"), compiler))
        return type_coerce(~condition if self.negated else condition, Boolean())
