"""django-filter's ``FilterSet`` on the fastjango ORM: query parameters parsed, checked, then filtered.

.. code-block:: python

    class PostFilter(FilterSet):
        min_price = NumberFilter(field_name="price", lookup_expr="gte")
        title = CharFilter(lookup_expr="icontains")

        class Meta:
            model = Post
            fields = {"status": ["exact", "in"], "author__name": ["iexact"]}

Every filter's field path and lookup are checked against the model when the
class is created (a typo is an ``ImproperlyConfigured`` naming it), so only
declared fields and lookups ever reach the ORM. Each value is parsed with the
type of the model field it filters (an integer column's range, a decimal
column's digits, a field's choices), and a bad one is a 400 naming the
parameter, never a database error.
"""

from __future__ import annotations

import copy
import datetime
import decimal
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import Q, QuerySet
from fastjango.orm.exceptions import FieldDoesNotExist
from fastjango.orm.fields import scalar
from fastjango.orm.fields.related import ForeignKey, ManyToManyField, ManyToManyReverse, ReverseRelation
from fastjango.rest.exceptions import ValidationError

__all__ = [
    "BooleanFilter",
    "CharFilter",
    "ChoiceFilter",
    "DateFilter",
    "DateTimeFilter",
    "FieldPath",
    "Filter",
    "FilterSet",
    "InvalidValue",
    "NumberFilter",
    "TimeFilter",
    "UUIDFilter",
    "field_kind",
    "resolve_field_path",
    "without_repeats",
]

LOOKUP_SEP = "__"

#: Lookups that compare text: only offered on text columns (PostgreSQL has no ``lower(integer)``).
TEXT_LOOKUPS = frozenset({"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"})
COMPARISONS = frozenset({"gt", "gte", "lt", "lte", "range"})
#: Date parts as integers, with the values each can take (checked so the database never sees an overflow).
INTEGER_TRANSFORMS: dict[str, tuple[int, int]] = {
    "year": (1, 9999),
    "month": (1, 12),
    "day": (1, 31),
    "week_day": (1, 7),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}
# Not "quarter": the ORM computes it as a fraction on SQLite. Not "week"/"iso_*": missing on some databases.
_DATE_PARTS = ("year", "month", "day", "week_day")
_TIME_PARTS = ("hour", "minute", "second")
_TRANSFORM_NAMES = frozenset({*INTEGER_TRANSFORMS, "date"})
#: Which transforms each kind of column takes (``date`` is the date of a datetime).
TRANSFORMS_BY_KIND: dict[str, tuple[str, ...]] = {
    "date": _DATE_PARTS,
    "datetime": (*_DATE_PARTS, *_TIME_PARTS, "date"),
}
#: The lookups allowed after a transform (``created__year__gte``).
TRANSFORM_LOOKUPS = frozenset({"exact", "gt", "gte", "lt", "lte", "in", "range"})

Kind = Literal["text", "int", "float", "decimal", "bool", "date", "datetime", "time", "uuid"]

_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
#: Fractional digits accepted in a decimal value (more would only be noise, and PostgreSQL caps the scale).
MAX_DECIMAL_PLACES = 30


class InvalidValue(ValueError):
    """A query parameter value that cannot be used; the message is what the client reads."""


# ---------------------------------------------------------------------------- model fields


def field_kind(field: Any) -> Kind | None:
    """The family of values a model field holds, or None for those filters cannot take (JSON, binary)."""
    if isinstance(field, scalar.BooleanField):
        return "bool"
    if isinstance(field, scalar.IntegerField):
        return "int"
    if isinstance(field, scalar.FloatField):
        return "float"
    if isinstance(field, scalar.DecimalField):
        return "decimal"
    if isinstance(field, scalar.DateTimeField):
        return "datetime"
    if isinstance(field, scalar.DateField):
        return "date"
    if isinstance(field, scalar.TimeField):
        return "time"
    if isinstance(field, scalar.UUIDField):
        return "uuid"
    if isinstance(field, scalar.CharField | scalar.TextField | scalar.GenericIPAddressField):
        return "text"
    return None


@dataclass(frozen=True)
class FieldPath:
    """A field path (``author__name``) checked against a model.

    ``field`` is the field whose values the path compares (a foreign key's
    target field for ``author``); ``multivalued`` says the path crosses a
    to-many relation, so matching rows can repeat and need ``distinct()``.
    """

    path: str
    field: Any
    multivalued: bool
    kind: Kind | None


def resolve_field_path(model: Any, path: str) -> FieldPath:
    """Follow ``path`` through ``model._meta``; raise ``ImproperlyConfigured`` naming the bad part."""
    parts = path.split(LOOKUP_SEP)
    current = model
    multivalued = False
    field: Any = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            choices = ", ".join(sorted(current._meta.field_names))
            raise ImproperlyConfigured(
                f"{current.__name__} has no field {part!r} (in {path!r}); its fields are: {choices}."
            ) from None
        if isinstance(field, ForeignKey):
            target: Any = field.remote_model
            value_field = field.target_field
        elif isinstance(field, ReverseRelation | ManyToManyReverse):
            target = field.related_model
            value_field = target._meta.pk
            multivalued = multivalued or isinstance(field, ManyToManyReverse) or field.multiple
        elif isinstance(field, ManyToManyField):
            target = field.remote_model
            value_field = target._meta.pk if target is not None else None
            multivalued = True
        else:
            if not last:
                raise ImproperlyConfigured(
                    f"{current.__name__}.{part} is not a relation, so {path!r} cannot follow it further."
                )
            return FieldPath(path, field, multivalued, field_kind(field))
        if last:
            return FieldPath(path, value_field, multivalued, field_kind(value_field))
        current = target
    raise ImproperlyConfigured(f"Empty field path {path!r}.")  # pragma: no cover - split() never gives []


# ---------------------------------------------------------------------------- values


def _no_nul(raw: str) -> str:
    if "\x00" in raw:
        raise InvalidValue("Null characters are not allowed.")
    return raw


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidValue("Enter true or false.")


def parse_int(raw: str, bounds: tuple[int, int] | None) -> int:
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        raise InvalidValue("Enter a whole number.")
    if bounds is not None:
        low, high = bounds
        too_long = len(text.lstrip("+-")) > 30
        if (too_long and text.startswith("-")) or (not too_long and int(text) < low):
            raise InvalidValue(f"Ensure this value is greater than or equal to {low}.")
        if too_long or int(text) > high:
            raise InvalidValue(f"Ensure this value is less than or equal to {high}.")
    return int(text)


def parse_decimal(raw: str, whole_digits: int) -> decimal.Decimal:
    text = raw.strip()
    if not _NUMBER.fullmatch(text):
        raise InvalidValue("Enter a number.")
    value = decimal.Decimal(text)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if value and value.adjusted() + 1 > whole_digits:
        raise InvalidValue(f"Ensure that there are no more than {whole_digits} digits before the decimal point.")
    if -exponent > MAX_DECIMAL_PLACES:
        raise InvalidValue(f"Ensure that there are no more than {MAX_DECIMAL_PLACES} decimal places.")
    return value


def parse_float(raw: str) -> float:
    text = raw.strip()
    if not _NUMBER.fullmatch(text):
        raise InvalidValue("Enter a number.")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InvalidValue("Enter a number that is not so large.")
    return value


def parse_date(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidValue("Enter a valid date (YYYY-MM-DD).") from None


def parse_datetime(raw: str) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidValue("Enter a valid date/time (ISO 8601, such as 2024-05-01T12:30:00Z).") from None
    try:
        # Stored in UTC: a value whose UTC time falls outside years 1-9999 cannot be compared.
        return value.astimezone(datetime.UTC) if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    except OverflowError:
        raise InvalidValue("Enter a date/time between years 1 and 9999 in UTC.") from None


def parse_time(raw: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidValue("Enter a valid time (HH:MM or HH:MM:SS).") from None


def parse_uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise InvalidValue("Enter a valid UUID.") from None


_SCHEMA_TYPES: dict[str, Any] = {
    "text": str,
    "int": int,
    "float": float,
    "decimal": decimal.Decimal,
    "bool": bool,
    "date": datetime.date,
    "datetime": datetime.datetime,
    "time": datetime.time,
    "uuid": uuid.UUID,
}


# ---------------------------------------------------------------------------- filters


class Filter:
    """One query parameter: which field it filters, with which lookup, and how its value is parsed.

    ``method`` names a method of the FilterSet (or is a callable) called as
    ``method(queryset, field_name, value)`` instead of filtering the field;
    ``exclude=True`` keeps the rows that do *not* match; ``required=True``
    makes a missing value a 400; ``distinct=True`` removes repeated rows
    (set automatically when the path crosses a to-many relation).
    """

    #: The kinds of model field this filter's values make sense for (None: any).
    accepts: ClassVar[frozenset[str] | None] = None
    #: The kind used when the filter is not bound to a model field (a ``method=`` filter).
    default_kind: ClassVar[Kind] = "text"

    def __init__(
        self,
        field_name: str | None = None,
        lookup_expr: str = "exact",
        *,
        method: str | Callable[..., Any] | None = None,
        exclude: bool = False,
        required: bool = False,
        distinct: bool = False,
        label: str | None = None,
        help_text: str | None = None,
    ) -> None:
        self.field_name = field_name
        self.lookup_expr = lookup_expr
        self.method = method
        self.exclude = exclude
        self.required = required
        self.distinct = distinct
        self.label = label
        self.help_text = help_text
        self.name = self.owner = ""
        self.kind: Kind = self.default_kind
        self.model_field: Any = None
        self.bounds: tuple[int, int] | None = None
        self.whole_digits = MAX_DECIMAL_PLACES
        self.transform: str | None = None
        self.lookup = lookup_expr

    # ------------------------------------------------------------------ set-up
    def bind(self, name: str, model: Any, owner: str) -> None:
        """Check the field path and lookup against ``model``; learn the value type from the field."""
        self.name, self.owner = name, owner
        if self.field_name is None:
            self.field_name = name
        parts = self.lookup_expr.split(LOOKUP_SEP)
        self.transform, self.lookup = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
        if len(parts) > 2 or (self.transform is not None and self.transform not in _TRANSFORM_NAMES):
            raise ImproperlyConfigured(f"{owner}.{name}: unsupported lookup_expr {self.lookup_expr!r}.")
        if self.transform is None and self.lookup in _TRANSFORM_NAMES:
            self.transform, self.lookup = self.lookup, "exact"
        if self.method is not None:
            # The method does the filtering: the value is parsed as this filter's class says, and
            # field_name is only passed on (it may name no field at all).
            self.kind = "bool" if self.lookup == "isnull" else self.default_kind
            return
        try:
            resolved = resolve_field_path(model, self.field_name)
        except ImproperlyConfigured as error:
            raise ImproperlyConfigured(f"{owner}.{name}: {error}") from None
        self.distinct = self.distinct or resolved.multivalued
        if resolved.kind is None:
            raise ImproperlyConfigured(
                f"{owner}.{name}: {type(resolved.field).__name__} {self.field_name!r} cannot be filtered by query "
                "parameters."
            )
        self._check_lookup(resolved, owner)
        self.model_field = resolved.field
        self._adopt(resolved)

    def _check_lookup(self, resolved: FieldPath, owner: str) -> None:
        kind, lookup, transform = resolved.kind, self.lookup, self.transform
        where = f"{owner}.{self.name}"
        if transform is not None:
            if transform not in TRANSFORMS_BY_KIND.get(kind or "", ()):
                raise ImproperlyConfigured(f"{where}: {self.field_name!r} ({kind}) has no {transform!r} part.")
            if lookup not in TRANSFORM_LOOKUPS:
                raise ImproperlyConfigured(f"{where}: lookup {lookup!r} cannot follow {transform!r}.")
            return
        allowed = {"exact", "in", "isnull"}
        if kind == "text":
            allowed |= TEXT_LOOKUPS | COMPARISONS
        elif kind in ("int", "float", "decimal", "date", "datetime", "time"):
            allowed |= COMPARISONS
        if lookup not in allowed:
            raise ImproperlyConfigured(
                f"{where}: lookup {lookup!r} is not available on {self.field_name!r} ({kind}); "
                f"choose from: {', '.join(sorted(allowed))}."
            )

    def _adopt(self, resolved: FieldPath) -> None:
        """Take the value type from the model field (or the transform's result)."""
        if self.lookup == "isnull":
            self.kind = "bool"
            return
        if self.transform in INTEGER_TRANSFORMS:
            self.kind, self.bounds = "int", INTEGER_TRANSFORMS[self.transform]
        elif self.transform == "date":
            self.kind = "date"
        else:
            assert resolved.kind is not None
            self.kind = resolved.kind
            self.bounds = _integer_bounds(resolved.field)
            if isinstance(resolved.field, scalar.DecimalField):
                self.whole_digits = resolved.field.max_digits - resolved.field.decimal_places
        if self.accepts is not None and self.kind not in self.accepts and self.lookup not in TEXT_LOOKUPS:
            raise ImproperlyConfigured(
                f"{self.owner}.{self.name}: {type(self).__name__} {self.name!r} cannot filter {self.field_name!r}, "
                f"a {self.kind} value; "
                f"use {_FILTER_FOR_KIND[self.kind].__name__}."
            )

    # ------------------------------------------------------------------ values
    def parse_one(self, raw: str) -> Any:
        """One value, as the field's type; raise InvalidValue with the client's message."""
        raw = _no_nul(raw)
        if self.lookup in TEXT_LOOKUPS:
            return raw
        kind = self.kind
        if kind == "int":
            return parse_int(raw, self.bounds)
        if kind == "decimal":
            return parse_decimal(raw, self.whole_digits)
        if kind == "float":
            return parse_float(raw)
        if kind == "bool":
            return parse_bool(raw)
        if kind == "date":
            return parse_date(raw)
        if kind == "datetime":
            return parse_datetime(raw)
        if kind == "time":
            return parse_time(raw)
        if kind == "uuid":
            return parse_uuid(raw)
        return raw

    def parse(self, raw: str) -> Any:
        """The whole parameter: one value, a comma-separated list (``in``) or a pair (``range``)."""
        if self.lookup == "isnull":
            return parse_bool(_no_nul(raw))
        if self.lookup == "in":
            items = [item for item in raw.split(",") if item.strip()]
            return [self._item(index, item) for index, item in enumerate(items, 1)]
        if self.lookup == "range":
            items = raw.split(",")
            if len(items) != 2 or not all(item.strip() for item in items):
                raise InvalidValue("Enter two comma-separated values: low,high.")
            return [self._item(index, item) for index, item in enumerate(items, 1)]
        return self.parse_one(raw)

    def _item(self, index: int, raw: str) -> Any:
        try:
            return self.parse_one(raw)
        except InvalidValue as error:
            raise InvalidValue(f"Item {index} ({raw.strip()!r}): {error}") from None

    # ------------------------------------------------------------------ filtering
    @property
    def orm_lookup(self) -> str:
        """The ORM keyword: ``price__gte``, ``created__year__in``."""
        parts = [self.field_name or self.name, *([self.transform] if self.transform else []), self.lookup]
        return LOOKUP_SEP.join(parts)

    def filter(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        condition = Q(**{self.orm_lookup: value})
        return queryset.exclude(condition) if self.exclude else queryset.filter(condition)

    # ------------------------------------------------------------------ schema
    def schema_annotation(self) -> Any:
        if self.lookup in ("in", "range"):
            return str
        choices = getattr(self, "choice_values", None)
        if choices and self.lookup == "exact":
            return Literal[tuple(choices)]
        return _SCHEMA_TYPES[self.kind]

    def describe(self) -> str:
        subject = self.label or (self.field_name or self.name).replace(LOOKUP_SEP, " ")
        part = f"{self.transform} of " if self.transform else ""
        meaning = _LOOKUP_MEANINGS.get(self.lookup, self.lookup)
        text = f"{part}{subject} {meaning}".strip()
        text = text[0].upper() + text[1:]
        if self.exclude:
            text = f"Exclude rows where: {text[0].lower()}{text[1:]}"
        return f"{text}. {self.help_text}" if self.help_text else f"{text}."


def _integer_bounds(field: Any) -> tuple[int, int] | None:
    bounds = getattr(field, "range", None)
    return bounds if isinstance(field, scalar.IntegerField) and isinstance(bounds, tuple) else None


_LOOKUP_MEANINGS = {
    "exact": "equals",
    "iexact": "equals, ignoring case",
    "contains": "contains",
    "icontains": "contains, ignoring case",
    "startswith": "starts with",
    "istartswith": "starts with, ignoring case",
    "endswith": "ends with",
    "iendswith": "ends with, ignoring case",
    "gt": "greater than",
    "gte": "greater than or equal to",
    "lt": "less than",
    "lte": "less than or equal to",
    "in": "is one of (comma-separated values)",
    "range": "between two comma-separated values (low,high), both included",
    "isnull": "is null (true) or not null (false)",
}


class CharFilter(Filter):
    """A text value (no conversion)."""

    accepts = frozenset({"text"})


class NumberFilter(Filter):
    """A number: an integer, a float or a Decimal, as the model field is (Decimal without one)."""

    accepts = frozenset({"int", "float", "decimal"})
    default_kind = "decimal"


class BooleanFilter(Filter):
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``, ``on``/``off``)."""

    accepts = frozenset({"bool"})
    default_kind = "bool"


class DateFilter(Filter):
    accepts = frozenset({"date"})
    default_kind = "date"


class DateTimeFilter(Filter):
    """An ISO 8601 date/time; without an offset it is UTC."""

    accepts = frozenset({"datetime"})
    default_kind = "datetime"


class TimeFilter(Filter):
    accepts = frozenset({"time"})
    default_kind = "time"


class UUIDFilter(Filter):
    accepts = frozenset({"uuid"})
    default_kind = "uuid"


class ChoiceFilter(Filter):
    """One of ``choices`` (pairs or an Enum); by default the model field's choices."""

    def __init__(self, field_name: str | None = None, lookup_expr: str = "exact", *, choices: Any = None, **kw: Any):
        super().__init__(field_name, lookup_expr, **kw)
        self._choices = choices
        self.choice_values: list[Any] = []

    def _adopt(self, resolved: FieldPath) -> None:
        super()._adopt(resolved)
        if self._choices is None and resolved.field.choices is None:
            raise ImproperlyConfigured(
                f"{self.owner}.{self.name}: {self.field_name!r} has no choices; pass choices= to ChoiceFilter."
            )

    def bind(self, name: str, model: Any, owner: str) -> None:
        super().bind(name, model, owner)
        from fastjango.orm.fields.base import normalize_choices

        source = self._choices if self._choices is not None else getattr(self.model_field, "choices", None)
        self.choice_values = [value for value, _ in normalize_choices(source) or []]
        if self.method is not None and self.model_field is None and self.choice_values:
            self.kind = "int" if all(isinstance(v, int) for v in self.choice_values) else "text"

    def parse_one(self, raw: str) -> Any:
        value = super().parse_one(raw)
        if self.lookup in ("exact", "in") and self.choice_values and value not in self.choice_values:
            listed = ", ".join(str(choice) for choice in self.choice_values)
            raise InvalidValue(f"Select a valid choice; {raw.strip()!r} is not one of: {listed}.")
        return value


_FILTER_FOR_KIND: dict[str, type[Filter]] = {
    "text": CharFilter,
    "int": NumberFilter,
    "float": NumberFilter,
    "decimal": NumberFilter,
    "bool": BooleanFilter,
    "date": DateFilter,
    "datetime": DateTimeFilter,
    "time": TimeFilter,
    "uuid": UUIDFilter,
}


def filter_for(model: Any, path: str, lookup_expr: str, owner: str) -> Filter:
    """The filter ``Meta.fields`` generates for ``path`` with ``lookup_expr``, by the field's type."""
    try:
        resolved = resolve_field_path(model, path)
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(f"{owner}: {error}") from None
    last = lookup_expr.split(LOOKUP_SEP)
    if last[-1] == "isnull":
        return BooleanFilter(path, lookup_expr)
    if last[0] in INTEGER_TRANSFORMS:
        return NumberFilter(path, lookup_expr)
    if last[0] == "date":
        return DateFilter(path, lookup_expr)
    if resolved.kind is None:
        raise ImproperlyConfigured(
            f"{owner}: {type(resolved.field).__name__} {path!r} cannot be filtered by query parameters."
        )
    if getattr(resolved.field, "choices", None) and last[-1] in ("exact", "in"):
        return ChoiceFilter(path, lookup_expr)
    if last[-1] in TEXT_LOOKUPS:
        return CharFilter(path, lookup_expr)
    return _FILTER_FOR_KIND[resolved.kind](path, lookup_expr)


# ---------------------------------------------------------------------------- the FilterSet


def parameter_name(path: str, lookup_expr: str) -> str:
    """django-filter's names: ``status`` for exact, ``price__gte``, ``created__year__gte``."""
    return path if lookup_expr == "exact" else f"{path}{LOOKUP_SEP}{lookup_expr}"


class FilterSet:
    """Filters declared on the class plus those ``Meta.fields`` generates for ``Meta.model``.

    ``FilterSet(request.query_params, queryset)``: ``is_valid()`` parses every
    parameter, ``errors`` maps each bad one to its messages, and ``qs`` is the
    filtered queryset (it raises the 400 ``ValidationError`` when a value is bad).
    """

    base_filters: ClassVar[dict[str, Filter]] = {}

    class Meta:
        model: Any = None
        fields: Sequence[str] | Mapping[str, Sequence[str]] | str = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Filter] = {}
        for base in reversed(cls.__mro__[1:]):
            declared.update(getattr(base, "_declared_filters", {}))
        for name, value in list(vars(cls).items()):
            if isinstance(value, Filter):
                declared[name] = value
        cls._declared_filters = declared
        model = getattr(cls.Meta, "model", None)
        if model is None:
            cls.base_filters = {}
            return
        owner = cls.__name__
        filters: dict[str, Filter] = {}
        for path, lookups in _normalized_fields(getattr(cls.Meta, "fields", ()), model, owner).items():
            for lookup_expr in lookups:
                name = parameter_name(path, lookup_expr)
                if name not in declared:
                    filters[name] = filter_for(model, path, lookup_expr, owner)
        filters.update({name: copy.copy(item) for name, item in declared.items()})  # bound per class
        for name, item in filters.items():
            if isinstance(item.method, str) and not callable(getattr(cls, item.method, None)):
                raise ImproperlyConfigured(f"{owner}.{name}: method {item.method!r} is not a method of {owner}.")
            item.bind(name, model, owner)
        cls.base_filters = filters

    _declared_filters: ClassVar[dict[str, Filter]] = {}

    def __init__(
        self, data: Mapping[str, str] | None = None, queryset: QuerySet[Any] | None = None, *, request: Any = None
    ) -> None:
        model = getattr(self.Meta, "model", None)
        if model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no Meta.model.")
        self.data: Mapping[str, str] = data if data is not None else {}
        self.queryset: QuerySet[Any] = queryset if queryset is not None else model.objects.all()
        self.request = request
        self.filters = self.base_filters
        self._errors: dict[str, list[str]] | None = None
        self.cleaned_data: dict[str, Any] = {}

    def is_valid(self) -> bool:
        """Parse every parameter given; True when all were good."""
        if self._errors is None:
            errors: dict[str, list[str]] = {}
            cleaned: dict[str, Any] = {}
            for name, item in self.filters.items():
                raw = self.data.get(name)
                if raw is None or not raw.strip():
                    if item.required:
                        errors[name] = ["This query parameter is required."]
                    continue
                try:
                    value = item.parse(raw)
                except InvalidValue as error:
                    errors[name] = [str(error)]
                    continue
                if value == [] and item.lookup == "in":
                    continue  # only commas: no filter, like an empty value
                cleaned[name] = value
            self._errors, self.cleaned_data = errors, cleaned
        return not self._errors

    @property
    def errors(self) -> dict[str, list[str]]:
        self.is_valid()
        assert self._errors is not None
        return self._errors

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Apply each parsed value to ``queryset`` (after ``is_valid()``)."""
        original, distinct = queryset, False
        for name, value in self.cleaned_data.items():
            item = self.filters[name]
            if item.method is not None:
                method = item.method if callable(item.method) else getattr(self, item.method)
                queryset = method(queryset, item.field_name or name, value)
            else:
                queryset = item.filter(queryset, value)
            distinct = distinct or item.distinct
        return without_repeats(original, queryset) if distinct else queryset

    @property
    def qs(self) -> QuerySet[Any]:
        """The filtered queryset; a bad value raises ``ValidationError`` (a 400 naming the parameter)."""
        if not self.is_valid():
            raise ValidationError(self.errors)
        return self.filter_queryset(self.queryset)


def without_repeats(original: QuerySet[Any], filtered: QuerySet[Any]) -> QuerySet[Any]:
    """``filtered``'s rows once each, as ``original.filter(pk__in=filtered)``.

    Rather than ``distinct()``: PostgreSQL refuses ``SELECT DISTINCT`` ordered by
    a column it does not select (``ordering=author__name`` after a search
    through comments), and a subquery keeps any later ordering free.
    """
    return original.filter(pk__in=filtered)


def _normalized_fields(fields: Any, model: Any, owner: str) -> dict[str, list[str]]:
    if fields == "__all__":
        return {
            field.name: ["exact"]
            for field in model._meta.concrete_fields
            if field_kind(field.target_field if isinstance(field, ForeignKey) else field) is not None
        }
    if isinstance(fields, str):
        raise ImproperlyConfigured(f"{owner}: fields must be a list, a dict or '__all__', not {fields!r}.")
    if isinstance(fields, Mapping):
        normalized: dict[str, list[str]] = {}
        for path, lookups in fields.items():
            if isinstance(lookups, str):
                raise ImproperlyConfigured(f"{owner}: the lookups of {path!r} must be a list, not {lookups!r}.")
            normalized[path] = list(lookups)
        return normalized
    return {path: ["exact"] for path in fields}
