"""Field lookups (``__icontains``, ``__in``, ``__range``, ...) and transforms (``__year``, ``__date``, ...).

A lookup turns ``(column, value)`` into a SQL condition; a transform turns a
column into another expression that further lookups apply to
(``created__year__gte=2024``). Both are tables of small functions, so a plugin
can add its own with :func:`register_lookup`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Boolean, Date, Integer, Time, cast, extract, false, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from fastjango.orm.exceptions import FieldError

__all__ = ["LOOKUPS", "TRANSFORMS", "register_lookup", "register_transform"]

Lookup = Callable[[ColumnElement[Any], Any], ColumnElement[bool]]
Transform = Callable[[ColumnElement[Any]], ColumnElement[Any]]


def _like_escape(value: Any) -> str:
    text = str(value)
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _exact(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
    if rhs is None:
        return lhs.is_(None)
    condition: ColumnElement[bool] = lhs == rhs
    return condition


def _iexact(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
    if rhs is None:
        return lhs.is_(None)
    condition: ColumnElement[bool] = func.lower(lhs) == func.lower(rhs)
    return condition


def _like(pattern: str, *, insensitive: bool) -> Lookup:
    def lookup(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        built: ColumnElement[Any] | str
        if isinstance(rhs, ColumnElement):
            built = {"contains": "%" + rhs + "%", "startswith": rhs + "%", "endswith": "%" + rhs}[pattern]
        else:
            escaped = _like_escape(rhs)
            built = {"contains": f"%{escaped}%", "startswith": f"{escaped}%", "endswith": f"%{escaped}"}[pattern]
        if insensitive:
            return func.lower(lhs).like(func.lower(built), escape="\\")
        return CaseSensitiveLike(lhs, built)

    return lookup


class CaseSensitiveLike(ColumnElement[bool]):
    """``LIKE`` that respects case where the database can: ``LIKE BINARY`` on MariaDB/MySQL.

    SQLite's LIKE ignores ASCII case whatever is asked, as with Django there.
    """

    __visit_name__ = "fastjango_case_sensitive_like"
    inherit_cache = True
    # SQLAlchemy reads these lists from the class but types them as instance attributes: no ClassVar (RUF012).
    _traverse_internals = [  # noqa: RUF012
        ("lhs", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()

    def __init__(self, lhs: ColumnElement[Any], pattern: Any) -> None:
        self.lhs = lhs
        self.pattern = pattern if isinstance(pattern, ColumnElement) else literal(pattern)


@compiles(CaseSensitiveLike)
def _like_default(element: CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.lhs.like(element.pattern, escape="\\"), **kw)


@compiles(CaseSensitiveLike, "mysql")
@compiles(CaseSensitiveLike, "mariadb")
def _like_mysql(element: CaseSensitiveLike, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.lhs.op("LIKE BINARY")(element.pattern), **kw)


def _in(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
    if isinstance(rhs, ColumnElement) or hasattr(rhs, "subquery"):
        return lhs.in_(rhs)
    values = [value for value in rhs if value is not None]
    if not values:
        return false()
    return lhs.in_(values)


def _range(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
    try:
        low, high = rhs
    except (TypeError, ValueError):
        raise FieldError(f"__range expects a pair (low, high), got {rhs!r}.") from None
    return lhs.between(low, high)


def _isnull(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
    if not isinstance(rhs, bool):
        raise FieldError(f"__isnull takes True or False, not {rhs!r}.")
    return lhs.is_(None) if rhs else lhs.is_not(None)


class RegexMatch(ColumnElement[bool]):
    """``__regex`` / ``__iregex``: each database's regular expression match, case-sensitive unless asked."""

    __visit_name__ = "fastjango_regex_match"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012
        ("lhs", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_plain_obj),
        ("insensitive", InternalTraversal.dp_boolean),
    ]
    type = Boolean()

    def __init__(self, lhs: ColumnElement[Any], pattern: str, insensitive: bool) -> None:
        self.lhs = lhs
        self.pattern = pattern
        self.insensitive = insensitive


@compiles(RegexMatch)
def _regex_default(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    flags = "i" if element.insensitive else None
    return compiler.process(element.lhs.regexp_match(element.pattern, flags=flags), **kw)


@compiles(RegexMatch, "sqlite")
def _regex_sqlite(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's REGEXP is Python's re (installed by the driver dialect); an inline flag makes it ignore case.
    pattern = f"(?i){element.pattern}" if element.insensitive else element.pattern
    return compiler.process(element.lhs.regexp_match(pattern), **kw)


@compiles(RegexMatch, "mysql")
@compiles(RegexMatch, "mariadb")
def _regex_mysql(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # REGEXP follows the column's collation (usually case-insensitive): compare in binary for __regex.
    if element.insensitive:
        return compiler.process(func.lower(element.lhs).op("REGEXP")(literal(element.pattern)), **kw)
    return compiler.process(element.lhs.op("REGEXP BINARY")(literal(element.pattern)), **kw)


def _regex(insensitive: bool) -> Lookup:
    def lookup(lhs: ColumnElement[Any], rhs: Any) -> ColumnElement[bool]:
        if not isinstance(rhs, str):
            raise FieldError(f"__{'i' if insensitive else ''}regex needs a pattern string, not {rhs!r}.")
        return RegexMatch(lhs, rhs, insensitive)

    return lookup


LOOKUPS: dict[str, Lookup] = {
    "exact": _exact,
    "iexact": _iexact,
    "contains": _like("contains", insensitive=False),
    "icontains": _like("contains", insensitive=True),
    "startswith": _like("startswith", insensitive=False),
    "istartswith": _like("startswith", insensitive=True),
    "endswith": _like("endswith", insensitive=False),
    "iendswith": _like("endswith", insensitive=True),
    "in": _in,
    "gt": lambda lhs, rhs: lhs > rhs,
    "gte": lambda lhs, rhs: lhs >= rhs,
    "lt": lambda lhs, rhs: lhs < rhs,
    "lte": lambda lhs, rhs: lhs <= rhs,
    "range": _range,
    "isnull": _isnull,
    "regex": _regex(False),
    "iregex": _regex(True),
}

#: Lookups whose right-hand side is not a single value of the field's type.
RAW_VALUE_LOOKUPS = frozenset(
    {
        "isnull",
        "regex",
        "iregex",
        "in",
        "range",
        "contains",
        "icontains",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "iexact",
    }
)


class DatePart(FunctionElement[int]):
    """One part of a date or datetime as an integer, the same on every database (Django's numbering)."""

    type = Integer()
    inherit_cache = True
    name = "date_part"
    # The part is part of the statement's cache key: year and month must not share compiled SQL.
    _traverse_internals = [*FunctionElement._traverse_internals, ("part", InternalTraversal.dp_string)]  # noqa: RUF012

    def __init__(self, part: str, expression: ColumnElement[Any]) -> None:
        self.part = part
        super().__init__(expression)


@compiles(DatePart)
def _date_part_default(element: DatePart, compiler: SQLCompiler, **kw: Any) -> str:
    (expression,) = element.clauses
    part = element.part
    if part == "week_day":  # Django: 1 = Sunday ... 7 = Saturday
        return compiler.process(extract("dow", expression) + 1, **kw)
    if part == "iso_week_day":
        return compiler.process(extract("isodow", expression), **kw)
    if part == "iso_year":
        return compiler.process(extract("isoyear", expression), **kw)
    return compiler.process(cast(extract(part, expression), Integer), **kw)


@compiles(DatePart, "sqlite")
def _date_part_sqlite(element: DatePart, compiler: SQLCompiler, **kw: Any) -> str:
    (expression,) = element.clauses
    formats = {
        "year": "%Y",
        "month": "%m",
        "day": "%d",
        "hour": "%H",
        "minute": "%M",
        "second": "%S",
        "week_day": "%w",
        "iso_week_day": "%u",
        "quarter": "%m",
    }
    if element.part == "week":  # ISO week numbers, as the other databases give them
        return compiler.process(cast(func.strftime("%V", expression), Integer), **kw)
    if element.part not in formats:
        raise FieldError(f"__{element.part} is not supported on SQLite.")
    value: ColumnElement[Any] = cast(func.strftime(formats[element.part], expression), Integer)
    if element.part == "week_day":
        value = value + 1
    if element.part == "quarter":
        value = (value + 2) / 3
    return compiler.process(value, **kw)


@compiles(DatePart, "mysql")
@compiles(DatePart, "mariadb")
def _date_part_mysql(element: DatePart, compiler: SQLCompiler, **kw: Any) -> str:
    (expression,) = element.clauses
    functions = {
        "year": func.year,
        "month": func.month,
        "day": func.dayofmonth,
        "hour": func.hour,
        "minute": func.minute,
        "second": func.second,
        "week_day": func.dayofweek,
        "quarter": func.quarter,
    }
    if element.part == "week":
        return compiler.process(func.week(expression, 3), **kw)
    if element.part == "iso_week_day":
        return compiler.process(func.weekday(expression) + 1, **kw)
    if element.part == "iso_year":
        return compiler.process(func.floor(func.yearweek(expression, 3) / 100), **kw)
    if element.part not in functions:
        raise FieldError(f"__{element.part} is not supported on MariaDB/MySQL.")
    return compiler.process(functions[element.part](expression), **kw)


class DateOf(FunctionElement[Any]):
    """``__date`` / ``__time``: the date or time of day of a datetime column."""

    inherit_cache = True
    name = "date_of"
    _traverse_internals = [*FunctionElement._traverse_internals, ("part", InternalTraversal.dp_string)]  # noqa: RUF012

    def __init__(self, part: str, expression: ColumnElement[Any]) -> None:
        self.part = part
        self.type = Date() if part == "date" else Time()
        super().__init__(expression)


@compiles(DateOf)
def _date_of_default(element: DateOf, compiler: SQLCompiler, **kw: Any) -> str:
    (expression,) = element.clauses
    return compiler.process(cast(expression, element.type), **kw)


@compiles(DateOf, "sqlite")
def _date_of_sqlite(element: DateOf, compiler: SQLCompiler, **kw: Any) -> str:
    (expression,) = element.clauses
    # SQLite stores datetimes as text; CAST would read only the leading number.
    return compiler.process(getattr(func, element.part)(expression), **kw)


def _part(name: str) -> Transform:
    return lambda lhs: DatePart(name, lhs)


TRANSFORMS: dict[str, Transform] = {
    "date": lambda lhs: DateOf("date", lhs),
    "time": lambda lhs: DateOf("time", lhs),
    **{
        name: _part(name)
        for name in (
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "week",
            "week_day",
            "iso_week_day",
            "quarter",
            "iso_year",
        )
    },
}

#: Transforms whose result is an integer (so the value compared is not converted by the field).
INTEGER_TRANSFORMS = frozenset(
    {"year", "month", "day", "hour", "minute", "second", "week", "week_day", "iso_week_day", "quarter", "iso_year"}
)


def register_lookup(name: str, lookup: Lookup) -> None:
    """Add a lookup for every field: ``register_lookup("ne", lambda lhs, rhs: lhs != rhs)``."""
    LOOKUPS[name] = lookup


def register_transform(name: str, transform: Transform) -> None:
    """Add a transform: ``register_transform("lower", func.lower)`` allows ``name__lower__exact``."""
    TRANSFORMS[name] = transform
