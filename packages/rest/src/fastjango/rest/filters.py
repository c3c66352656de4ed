"""Filter backends: narrow and order a list endpoint's queryset from its query parameters.

.. code-block:: python

    class PostViewSet(viewsets.ModelViewSet):
        filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
        filterset_fields = {"price": ["gte", "lte"], "author__name": ["iexact"]}
        search_fields = ["^title", "=author__name", "body"]
        ordering_fields = ["created", "title"]
        ordering = ["-created"]

Each backend builds the query lazily (no I/O in ``filter_queryset``), declares
its parameters for OpenAPI (``get_schema_parameters``), checks its
configuration against the model the first time it is used (a bad field name
is ``ImproperlyConfigured`` naming the view), and answers a bad value with a
400 naming the parameter. The built-in backends act on list endpoints
(``view.detail`` false); ``retrieve`` and friends ignore their parameters.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, ColumnElement, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import Q, QuerySet
from fastjango.orm.query.expressions import Expression
from fastjango.rest.exceptions import ValidationError
from fastjango.rest.filtersets import (
    BooleanFilter,
    CharFilter,
    ChoiceFilter,
    DateFilter,
    DateTimeFilter,
    Filter,
    FilterSet,
    NumberFilter,
    TimeFilter,
    UUIDFilter,
    resolve_field_path,
    without_repeats,
)
from fastjango.rest.schemas import QueryParameter
from fastjango.rest.settings import api_settings

__all__ = [
    "BaseFilterBackend",
    "BooleanFilter",
    "CharFilter",
    "ChoiceFilter",
    "DateFilter",
    "DateTimeFilter",
    "DjangoFilterBackend",
    "FieldFilterBackend",
    "Filter",
    "FilterSet",
    "NumberFilter",
    "OrderingFilter",
    "SearchFilter",
    "TimeFilter",
    "UUIDFilter",
]


class BaseFilterBackend:
    """A filter backend: ``filter_queryset`` narrows the queryset, ``get_schema_parameters`` documents it."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        """The queryset narrowed for ``request``; lazy (no query is run here)."""
        return queryset

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        """The query parameters this backend reads, from the view's class-level configuration only."""
        return []


_DETAIL_ACTIONS = frozenset({"retrieve", "update", "partial_update", "destroy"})


def _on_list(view: Any) -> bool:
    """Is ``view`` serving a collection? The built-in backends leave single objects alone."""
    return not getattr(view, "detail", False) and getattr(view, "action", None) not in _DETAIL_ACTIONS


def _view_name(view: Any) -> str:
    return type(view).__name__


def _model_of(view: Any, queryset: QuerySet[Any] | None = None) -> Any:
    """The model a view lists: from the queryset, else the view's ``queryset`` or serializer's ``Meta.model``."""
    if queryset is not None:
        return queryset.model
    declared = getattr(view, "queryset", None)
    if declared is not None:
        return declared.model
    get_serializer_class = getattr(view, "get_serializer_class", None)
    serializer_class = get_serializer_class() if get_serializer_class is not None else None
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    if model is None:
        raise ImproperlyConfigured(f"{_view_name(view)}: cannot tell which model it lists (set queryset).")
    return model


def _query_value(request: Any, name: str) -> str | None:
    value: str | None = request.query_params.get(name)
    return value


# ---------------------------------------------------------------------------- field filters


class DjangoFilterBackend(BaseFilterBackend):
    """Filters from the view's ``filterset_class`` or ``filterset_fields``, named as django-filter names them.

    ``filterset_fields = ["status", "author"]`` gives exact matches;
    ``{"price": ["gte", "lte"], "created": ["year", "date__gte"]}`` gives
    ``price__gte``, ``created__year``, ``created__date__gte`` and so on.
    """

    _cache: dict[tuple[Any, ...], type[FilterSet] | None] = {}  # noqa: RUF012 (shared on purpose)

    def get_filterset_class(self, view: Any, queryset: QuerySet[Any] | None = None) -> type[FilterSet] | None:
        """The view's FilterSet class, built from ``filterset_fields`` (and cached) when it has none."""
        filterset_class = getattr(view, "filterset_class", None)
        fields = getattr(view, "filterset_fields", None)
        if filterset_class is None and not fields:
            return None
        model = _model_of(view, queryset)
        key = (type(view), model, filterset_class, repr(fields))
        if key in self._cache:
            return self._cache[key]
        if filterset_class is not None:
            filterset_model = getattr(filterset_class.Meta, "model", None)
            if filterset_model is None or not issubclass(model, filterset_model):
                raise ImproperlyConfigured(
                    f"{_view_name(view)}.filterset_class {filterset_class.__name__} filters "
                    f"{getattr(filterset_model, '__name__', None)}, but the view lists {model.__name__}."
                )
            built: type[FilterSet] = filterset_class
        else:
            meta = type("Meta", (), {"model": model, "fields": fields})
            try:
                built = type(f"{_view_name(view)}FilterSet", (FilterSet,), {"Meta": meta})
            except ImproperlyConfigured as error:
                raise ImproperlyConfigured(f"{_view_name(view)}.filterset_fields: {error}") from None
        self._cache[key] = built
        return built

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        if not _on_list(view):
            return queryset
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        return filterset_class(request.query_params, queryset, request=request).qs

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        filterset_class = self.get_filterset_class(view)
        if filterset_class is None:
            return []
        return [
            QueryParameter(name, item.schema_annotation(), item.describe(), required=item.required)
            for name, item in filterset_class.base_filters.items()
        ]


#: The name DRF users know, and a plainer one.
FieldFilterBackend = DjangoFilterBackend


# ---------------------------------------------------------------------------- search


class FullTextMatch(ColumnElement[bool]):
    """A word search: PostgreSQL's full-text match; elsewhere a case-insensitive ``LIKE '%term%'``."""

    __visit_name__ = "fastjango_rest_full_text_match"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it from the class)
        ("column", InternalTraversal.dp_clauseelement),
        ("term", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], term: str) -> None:
        self.column = column
        self.term = literal(term)
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.pattern = literal(f"%{escaped.lower()}%")


@compiles(FullTextMatch)
def _full_text_fallback(element: FullTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(func.lower(element.column).like(element.pattern, escape="\\"), **kw)


@compiles(FullTextMatch, "postgresql")
def _full_text_postgresql(element: FullTextMatch, compiler: SQLCompiler, **kw: Any) -> str:
    match = func.to_tsvector(element.column).op("@@")(func.plainto_tsquery(element.term))
    return compiler.process(match, **kw)


class FullText(Expression):
    """``FullTextMatch`` on a field path, usable in ``filter()`` and ``Q``."""

    def __init__(self, path: str, term: str) -> None:
        self.path, self.term = path, term

    def resolve(self, compiler: Any) -> ColumnElement[Any]:
        return FullTextMatch(compiler.resolve_ref(self.path), self.term)


_SEARCH_LOOKUPS = {"^": "istartswith", "=": "iexact", "@": "search", "$": "iregex"}
#: A term: a double-quoted phrase (kept whole) or a run of characters up to a space or comma.
_TERMS = re.compile(r'"([^"]*)"|([^\s,"]+)')
_REPEAT = re.compile(r"\{(\d{1,3})(?:,(\d{0,3}))?\}")
#: Escapes every database reads alike: punctuation taken literally, and the digit/word/space classes.
_ESCAPABLE = frozenset("\\.^$*+?()[]{}|/-dDwWsS")


def portable_regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` might not mean the same (or be refused) on SQLite, PostgreSQL and MariaDB; None if fine.

    The accepted subset: literals, ``.``, anchors, ``|``, groups, classes
    without nesting, the ``* + ?`` quantifiers (lazy too), ``{m}``/``{m,}``/
    ``{m,n}`` up to 255, and backslash before punctuation or ``d w s``.
    """
    index, depth = 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern) or pattern[index + 1] not in _ESCAPABLE:
                return "a backslash may only escape punctuation or start \\d, \\w, \\s"
            index += 2
            continue
        if char == "(":
            if pattern.startswith("(?", index):
                return "(?...) groups are not portable between databases"
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return "unbalanced parentheses"
        elif char == "[":
            end = _class_end(pattern, index)
            if end is None:
                return "each [ needs its ], and classes cannot nest"
            index = end
        elif char == "{":
            repeat = _REPEAT.match(pattern, index)
            if repeat is None:
                return "a { must start a repetition such as {2}, {2,} or {2,5} (write \\{ for the character)"
            if any(int(count) > 255 for count in repeat.groups() if count):
                return "repetitions are limited to 255"
            index = repeat.end()
            continue
        elif char == "}":
            return "a } without its { (write \\} for the character)"
        index += 1
    if depth:
        return "unbalanced parentheses"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as error:
        return str(error)
    return None


def _class_end(pattern: str, start: int) -> int | None:
    """The index of the ``]`` closing the class opened at ``start``."""
    index = start + 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):
        index += 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern) or pattern[index + 1] not in _ESCAPABLE:
                return None
            index += 2
            continue
        if char == "[":
            return None
        if char == "]":
            return index
        index += 1
    return None


@dataclass(frozen=True)
class SearchField:
    path: str
    lookup: str  # an ORM lookup, or "search" for FullText
    multivalued: bool


class SearchFilter(BaseFilterBackend):
    """``?search=ann django``: every term must match at least one of the view's ``search_fields``.

    Prefixes as DRF: ``^`` starts with, ``=`` equals, ``@`` full-text
    (PostgreSQL; a case-insensitive "contains" elsewhere), ``$`` regular
    expression (case-insensitive); none is a case-insensitive "contains". Terms
    are separated by spaces or commas.
    """

    #: More terms than this is a 400 rather than an enormous query.
    max_terms = 10
    #: A ``$`` field's pattern is refused beyond this length.
    max_regex_length = 100

    _cache: dict[tuple[Any, ...], list[SearchField]] = {}  # noqa: RUF012

    @property
    def search_param(self) -> str:
        param: str = api_settings().SEARCH_PARAM
        return param

    def get_search_fields(self, view: Any, request: Any) -> Sequence[str]:
        """The view's ``search_fields`` (override to vary them by request)."""
        fields: Sequence[str] = getattr(view, "search_fields", None) or ()
        return fields

    def _compiled(self, view: Any, model: Any, fields: Sequence[str]) -> list[SearchField]:
        key = (type(view), model, tuple(fields))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        compiled = []
        for entry in fields:
            prefix = entry[:1] if entry[:1] in _SEARCH_LOOKUPS else ""
            path = entry[len(prefix) :]
            try:
                resolved = resolve_field_path(model, path)
            except ImproperlyConfigured as error:
                raise ImproperlyConfigured(f"{_view_name(view)}.search_fields {entry!r}: {error}") from None
            if resolved.kind != "text":
                raise ImproperlyConfigured(
                    f"{_view_name(view)}.search_fields {entry!r}: {path!r} is not a text field, so it cannot be "
                    "searched; filter it with filterset_fields instead."
                )
            compiled.append(SearchField(path, _SEARCH_LOOKUPS.get(prefix, "icontains"), resolved.multivalued))
        self._cache[key] = compiled
        return compiled

    def get_search_terms(self, request: Any) -> list[str]:
        """The terms of the search parameter; a 400 when there are too many or they hold NUL characters."""
        raw = _query_value(request, self.search_param) or ""
        if "\x00" in raw:
            raise ValidationError({self.search_param: ["Null characters are not allowed."]})
        terms = [quoted or bare for quoted, bare in _TERMS.findall(raw) if quoted or bare]
        if len(terms) > self.max_terms:
            raise ValidationError({self.search_param: [f"Search for at most {self.max_terms} terms at once."]})
        return terms

    def _check_pattern(self, term: str) -> None:
        if len(term) > self.max_regex_length:
            problem: str | None = f"at most {self.max_regex_length} characters long"
        else:
            problem = portable_regex_problem(term)
        if problem is not None:
            raise ValidationError({self.search_param: [f"{term!r} is not a usable pattern: {problem}."]})

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        fields = self.get_search_fields(view, request)
        if not fields or not _on_list(view):
            return queryset
        compiled = self._compiled(view, queryset.model, fields)
        terms = self.get_search_terms(request)
        if not terms:
            return queryset
        condition = Q()
        for term in terms:
            alternatives = Q()
            for field in compiled:
                if field.lookup == "iregex":
                    self._check_pattern(term)
                lookup: dict[str, Any] = {f"{field.path}__{field.lookup}": term}
                alternatives |= Q(FullText(field.path, term)) if field.lookup == "search" else Q(**lookup)
            condition &= alternatives
        filtered = queryset.filter(condition)
        return without_repeats(queryset, filtered) if any(field.multivalued for field in compiled) else filtered

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        fields = getattr(view, "search_fields", None)
        if not fields:
            return []
        self._compiled(view, _model_of(view), fields)
        described = ", ".join(fields)
        return [
            QueryParameter(
                self.search_param,
                str,
                f"Search terms separated by spaces or commas; each must match one of: {described} "
                "(^ starts with, = equals, @ full-text, $ regular expression, otherwise contains; "
                "case-insensitive).",
            )
        ]


# ---------------------------------------------------------------------------- ordering


class OrderingFilter(BaseFilterBackend):
    """``?ordering=-created,title``: order by the view's ``ordering_fields``; default the view's ``ordering``.

    ``ordering_fields = "__all__"`` (or leaving it unset) allows the
    serializer's readable fields that map to model fields, under the
    serializer's names. A field not allowed is a 400 listing the choices.
    Ties are broken by the primary key, so pages stay stable.
    """

    _cache: dict[tuple[Any, ...], dict[str, str]] = {}  # noqa: RUF012

    @property
    def ordering_param(self) -> str:
        param: str = api_settings().ORDERING_PARAM
        return param

    def get_valid_fields(self, view: Any, model: Any) -> dict[str, str]:
        """The names a client may order by, each mapped to its model field path."""
        declared = getattr(view, "ordering_fields", None)
        key = (type(view), model, repr(declared), repr(getattr(view, "ordering", None)))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if declared is None or declared == "__all__":
            valid = self._serializer_fields(view, model)
        elif isinstance(declared, str):
            raise ImproperlyConfigured(
                f"{_view_name(view)}.ordering_fields must be a list or '__all__', not {declared!r}."
            )
        else:
            valid = {}
            for name in declared:
                self._check_path(view, model, name, "ordering_fields")
                valid[name] = name
        for term in self.get_default_ordering(view):
            if term != "?":
                self._check_path(view, model, term.lstrip("-"), "ordering")
        self._cache[key] = valid
        return valid

    @staticmethod
    def _check_path(view: Any, model: Any, path: str, setting: str) -> None:
        if path == "pk":
            return
        try:
            resolved = resolve_field_path(model, path)
        except ImproperlyConfigured as error:
            raise ImproperlyConfigured(f"{_view_name(view)}.{setting} {path!r}: {error}") from None
        if resolved.multivalued:
            raise ImproperlyConfigured(
                f"{_view_name(view)}.{setting} {path!r} crosses a to-many relation; ordering by it would repeat rows."
            )

    @staticmethod
    def _serializer_fields(view: Any, model: Any) -> dict[str, str]:
        get_serializer_class = getattr(view, "get_serializer_class", None)
        serializer_class = get_serializer_class() if get_serializer_class is not None else None
        if serializer_class is None:
            return {}
        valid: dict[str, str] = {}
        for name, field in serializer_class.get_fields().items():
            if getattr(field, "write_only", False) or "*" in (field.source or ""):
                continue
            path = "__".join(field.source_attrs)
            try:
                resolved = resolve_field_path(model, path)
            except ImproperlyConfigured:
                continue  # a method field or a property: nothing to order by in SQL
            if not resolved.multivalued:
                valid[name] = path
        return valid

    def get_default_ordering(self, view: Any) -> list[str]:
        ordering = getattr(view, "ordering", None)
        if isinstance(ordering, str):
            return [ordering]
        return list(ordering) if ordering else []

    def get_ordering(self, request: Any, model: Any, view: Any) -> list[str]:
        """The ORM ordering asked for (validated), or the view's default."""
        valid = self.get_valid_fields(view, model)
        raw = _query_value(request, self.ordering_param)
        if raw is None or not raw.strip():
            return self.get_default_ordering(view)
        errors: list[str] = []
        seen: set[str] = set()
        ordering: list[str] = []
        for term in (part.strip() for part in raw.split(",")):
            if not term:
                continue
            name = term[1:] if term.startswith("-") else term
            if name not in valid:
                choices = ", ".join(sorted(valid)) or "(nothing: ordering is not allowed here)"
                errors.append(f"Cannot order by {name!r}; choose from: {choices}.")
                continue
            if name in seen:
                continue  # the first mention wins: "title,-title" is "title"
            seen.add(name)
            ordering.append(("-" if term.startswith("-") else "") + valid[name])
        if errors:
            raise ValidationError({self.ordering_param: errors})
        return ordering or self.get_default_ordering(view)

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        if not _on_list(view):
            return queryset
        ordering = self.get_ordering(request, queryset.model, view)
        if not ordering:
            return queryset
        pk_name = queryset.model._meta.pk.name
        if not any(term.lstrip("-") in ("pk", pk_name) for term in ordering):
            ordering.append("pk")
        return queryset.order_by(*ordering)

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        valid = self.get_valid_fields(view, _model_of(view))
        default = ",".join(self.get_default_ordering(view))
        description = (
            f"Comma-separated fields to order by, '-' in front for descending; choose from: "
            f"{', '.join(sorted(valid)) or 'none'}."
        )
        if default:
            description += f" Default: {default}."
        return [QueryParameter(self.ordering_param, str, description)]
