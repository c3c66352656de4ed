"""Lookups into JSON documents, the same on SQLite, PostgreSQL and MariaDB.

``data__author__name="Ann"`` compares the value at a path (keys, or list
indexes given as numbers) with a Python value; the value's type chooses how
the JSON value is read (text, integer, number or boolean), so ``1`` matches
the JSON number 1 and not the string "1". ``data__a__isnull=True`` matches
documents without ``a``; ``data__has_key="a"`` those with it.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, cast, func, literal, or_, true
from sqlalchemy.dialects.postgresql import JSONB, JSONPATH
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.functions import FunctionElement

from fastjango.orm.exceptions import FieldError, NotSupportedError
from fastjango.orm.query.lookups import LOOKUPS

__all__ = ["has_key", "json_compare", "json_contains"]


class _HasKey(FunctionElement[bool]):
    type = Boolean()
    inherit_cache = True
    name = "fastjango_json_has_key"


@compiles(_HasKey)
def _has_key_sqlite(element: _HasKey, compiler: Any, **kw: Any) -> str:
    column, path = element.clauses
    return compiler.process(func.json_type(column, path).is_not(None), **kw)  # type: ignore[no-any-return]


@compiles(_HasKey, "postgresql")
def _has_key_postgresql(element: _HasKey, compiler: Any, **kw: Any) -> str:
    column, path = element.clauses
    return compiler.process(func.jsonb_path_exists(column, cast(path, JSONPATH)), **kw)  # type: ignore[no-any-return]


@compiles(_HasKey, "mysql")
@compiles(_HasKey, "mariadb")
def _has_key_mysql(element: _HasKey, compiler: Any, **kw: Any) -> str:
    column, path = element.clauses
    return compiler.process(func.json_contains_path(column, literal("one"), path) == 1, **kw)  # type: ignore[no-any-return]


class _IsJsonType(FunctionElement[bool]):
    """The value at a JSON path is of one kind: number, string, boolean or null."""

    type = Boolean()
    inherit_cache = True
    name = "fastjango_json_is_type"

    def __init__(self, kind: str, column: ColumnElement[Any], path: ColumnElement[Any]) -> None:
        self.kind = kind
        super().__init__(column, path)

    _traverse_internals = [  # noqa: RUF012
        *FunctionElement._traverse_internals,
        ("kind", visitors.InternalTraversal.dp_string),
    ]


_SQLITE_TYPES = {"number": ("integer", "real"), "string": ("text",), "boolean": ("true", "false"), "null": ("null",)}
_MYSQL_TYPES = {
    "number": ("INTEGER", "DOUBLE", "DECIMAL", "UNSIGNED INTEGER"),
    "string": ("STRING",),
    "boolean": ("BOOLEAN",),
    "null": ("NULL",),
}


@compiles(_IsJsonType)
def _is_type_sqlite(element: _IsJsonType, compiler: Any, **kw: Any) -> str:
    column, path = element.clauses
    return compiler.process(func.json_type(column, path).in_(_SQLITE_TYPES[element.kind]), **kw)  # type: ignore[no-any-return]


@compiles(_IsJsonType, "postgresql")
def _is_type_postgresql(element: _IsJsonType, compiler: Any, **kw: Any) -> str:
    column, path = element.clauses
    value = func.jsonb_path_query_first(column, cast(path, JSONPATH))
    return compiler.process(func.jsonb_typeof(value) == element.kind, **kw)  # type: ignore[no-any-return]


@compiles(_IsJsonType, "mysql")
@compiles(_IsJsonType, "mariadb")
def _is_type_mysql(element: _IsJsonType, compiler: Any, **kw: Any) -> str:
    column, path = element.clauses
    value = func.json_type(func.json_extract(column, path))
    return compiler.process(value.in_(_MYSQL_TYPES[element.kind]), **kw)  # type: ignore[no-any-return]


class _JsonContains(FunctionElement[bool]):
    """``data__contains={...}``: the document holds the given one (``contained_by``: the reverse)."""

    type = Boolean()
    inherit_cache = True
    name = "fastjango_json_contains"

    def __init__(self, column: ColumnElement[Any], document: ColumnElement[Any], *, reverse: bool) -> None:
        self.reverse = reverse
        super().__init__(column, document)

    # ``reverse`` is part of the statement's cache key: contains and contained_by compile differently.
    _traverse_internals = [  # noqa: RUF012
        *FunctionElement._traverse_internals,
        ("reverse", visitors.InternalTraversal.dp_boolean),
    ]


@compiles(_JsonContains)
def _contains_unsupported(element: _JsonContains, compiler: Any, **kw: Any) -> str:
    raise NotSupportedError(
        f"JSON containment (contains / contained_by) is not supported on {compiler.dialect.name}; "
        "PostgreSQL and MariaDB have it. Compare keys instead (data__key=value), as Django leaves it there too."
    )


@compiles(_JsonContains, "postgresql")
def _contains_postgresql(element: _JsonContains, compiler: Any, **kw: Any) -> str:
    column, document = element.clauses
    operator = "<@" if element.reverse else "@>"
    return compiler.process(column.op(operator)(cast(document, JSONB)), **kw)  # type: ignore[no-any-return]


@compiles(_JsonContains, "mysql")
@compiles(_JsonContains, "mariadb")
def _contains_mysql(element: _JsonContains, compiler: Any, **kw: Any) -> str:
    column, document = element.clauses
    outer, inner = (document, column) if element.reverse else (column, document)
    return f"({compiler.process(func.json_contains(outer, inner), **kw)} = 1)"


def json_contains(column: ColumnElement[Any], value: Any, *, contained_by: bool = False) -> ColumnElement[bool]:
    """Containment of JSON documents, PostgreSQL's ``@>`` and MariaDB's ``JSON_CONTAINS``.

    A document that is SQL NULL neither contains nor is contained, and
    ``exclude()`` keeps it, as in Django.
    """
    return and_(column.is_not(None), _JsonContains(column, literal(json.dumps(value)), reverse=contained_by))


def _json_path(path: list[str | int]) -> str:
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            text += f'."{escaped}"'
    return text


def has_key(column: ColumnElement[Any], key: str) -> ColumnElement[bool]:
    return _HasKey(column, literal(_json_path([key])))


def json_compare(column: ColumnElement[Any], path: list[str | int], lookup: str, value: Any) -> ColumnElement[bool]:
    element = column[tuple(path)] if len(path) > 1 else column[path[0]]
    path_literal = literal(_json_path(path))
    if lookup == "isnull":
        present = has_key_path(column, path)
        return or_(column.is_(None), ~present) if value else and_(column.is_not(None), present)
    if lookup not in LOOKUPS:
        raise FieldError(f"Unsupported lookup {lookup!r} on a JSON path.")
    sample = value[0] if lookup in ("in", "range") and value else value
    if isinstance(sample, bool):
        typed, kind = element.as_boolean(), "boolean"
    elif isinstance(sample, int):
        typed, kind = element.as_integer(), "number"
    elif isinstance(sample, float):
        typed, kind = element.as_float(), "number"
    elif isinstance(sample, str):
        typed, kind = element.as_string(), "string"
    elif sample is None and lookup == "exact":
        return _IsJsonType("null", column, path_literal)  # the path holds JSON null
    else:
        raise FieldError(f"Cannot compare a JSON value with {value!r}; use a string, number, boolean or None.")
    # The JSON type must match too: 1 is not "1", as in Django.
    return and_(_IsJsonType(kind, column, path_literal), LOOKUPS[lookup](typed, value))


def has_key_path(column: ColumnElement[Any], path: list[str | int]) -> ColumnElement[bool]:
    if not path:
        return true()
    return _HasKey(column, literal(_json_path(path)))
