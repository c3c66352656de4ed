"""Serializer fields, DRF's names: each one describes a Pydantic field of the generated models.

A field does not validate anything itself: it says which Python type,
constraints and JSON Schema its entry in the input and output models gets,
so pydantic-core does the work. ``source``, ``read_only``, ``write_only``,
``required``, ``allow_null``, ``default``, ``validators`` and ``help_text``
mean what they mean in DRF.
"""

from __future__ import annotations

import datetime
import decimal
import re
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pydantic
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from fastjango.rest.serializers._errors import ValidationError

if TYPE_CHECKING:
    from fastjango.orm.query import QuerySet
    from fastjango.rest.serializers._base import Serializer

__all__ = [
    "BooleanField",
    "CharField",
    "ChoiceField",
    "ComputedField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DictField",
    "DurationField",
    "EmailField",
    "Field",
    "FloatField",
    "HyperlinkedIdentityField",
    "HyperlinkedRelatedField",
    "IntegerField",
    "JSONField",
    "ListField",
    "PrimaryKeyRelatedField",
    "RelatedField",
    "SerializerMethodField",
    "SlugRelatedField",
    "TimeField",
    "UUIDField",
    "empty",
]


class _Empty:
    """ "No value given": ``None`` is a real default."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "empty"


empty: Any = _Empty()

Validator = Callable[[Any], Any]


def _run_validator(validator: Validator) -> Callable[[Any], Any]:
    """A user validator as a pydantic after-validator whose message is the user's sentence."""

    def check(value: Any) -> Any:
        try:
            validator(value)
        except (ValidationError, ValueError) as error:
            messages = getattr(error, "detail", None) or getattr(error, "messages", None) or [str(error)]
            raise PydanticCustomError("invalid", "{message}", {"message": " ".join(map(str, messages))}) from None
        return value

    return check


class Field:
    """One entry of a serializer: the Python type of its value, its constraints and its options."""

    #: The Python type of the value (a subclass may compute it in :meth:`python_type`).
    type_: Any = Any

    def __init__(
        self,
        *,
        read_only: bool = False,
        write_only: bool = False,
        required: bool | None = None,
        default: Any = empty,
        allow_null: bool = False,
        source: str | None = None,
        validators: Sequence[Validator] = (),
        help_text: str | None = None,
        label: str | None = None,
    ) -> None:
        if read_only and write_only:
            raise TypeError(f"{type(self).__name__} cannot be both read_only and write_only.")
        if required and default is not empty:
            raise TypeError(f"{type(self).__name__} cannot be required and have a default; drop one of them.")
        self.read_only = read_only
        self.write_only = write_only
        self.required = (default is empty and not read_only) if required is None else required
        self.default = default
        self.allow_null = allow_null
        self.source = source
        self.validators = list(validators)
        self.help_text = help_text
        self.label = label
        self.field_name = ""

    def bind(self, field_name: str) -> None:
        """Called by the serializer class with the name the field is declared under."""
        self.field_name = field_name
        if self.source == field_name:
            self.source = None

    @property
    def source_attrs(self) -> list[str]:
        """The dotted ``source`` (or the field name) split into attribute names: where validated data goes."""
        return (self.source or self.field_name).split(".")

    @property
    def output_path(self) -> list[str]:
        """The attributes read, one after the other, to output this field."""
        return self.source_attrs

    @property
    def related_path(self) -> list[str]:
        """The attributes whose relations the output reads (views load them with the rows; see ``_related``)."""
        return self.output_path

    @property
    def plain_output(self) -> bool:
        """Is the output the row's own attribute value, unchanged? (Then the ``_rows`` fast path may render it.)"""
        return True

    # ------------------------------------------------------------------ Pydantic description
    def python_type(self) -> Any:
        """The type of the value in the input and output models (without ``None``)."""
        return self.type_

    def constraints(self) -> dict[str, Any]:
        """Keyword arguments of ``pydantic.Field`` for the input model (max_length, ge, ...)."""
        return {}

    def after_validators(self) -> list[Callable[[Any], Any]]:
        """Checks pydantic-core cannot express, run after its own."""
        return [_run_validator(validator) for validator in self.validators]

    def input_annotation(self) -> Any:
        """The input model's type: Python type, constraints, after-validators, ``None`` if ``allow_null``."""
        annotation: Any = self.python_type()
        constraints = self.constraints()
        extra = self.json_schema_extra()
        if constraints or extra:
            annotation = Annotated[annotation, pydantic.Field(**constraints, json_schema_extra=extra or None)]
        checks = self.after_validators()
        if checks:
            annotation = Annotated[(annotation, *(AfterValidator(check) for check in checks))]
        first = self.before_validator()
        if first is not None:
            annotation = Annotated[annotation, BeforeValidator(first)]
        return annotation | None if self.allow_null else annotation

    def before_validator(self) -> Callable[[Any], Any] | None:
        """A check run before pydantic-core's own (the blank check, so it wins over ``min_length``)."""
        return None

    def output_annotation(self) -> Any:
        annotation: Any = self.python_type()
        before = self.output_before()
        if before is not None:
            annotation = Annotated[annotation, BeforeValidator(before)]
        return annotation

    def output_before(self) -> Callable[[Any], Any] | None:
        """A conversion of the read value before the output model checks its type."""
        return None

    def json_schema_extra(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.field_name or 'unbound'}>"


class CharField(Field):
    """A string; blank strings are refused unless ``allow_blank=True``."""

    type_ = str

    def __init__(
        self,
        *,
        max_length: int | None = None,
        min_length: int | None = None,
        allow_blank: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.max_length = max_length
        self.min_length = min_length
        self.allow_blank = allow_blank

    def constraints(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.max_length is not None:
            found["max_length"] = self.max_length
        if self.min_length is not None:
            found["min_length"] = self.min_length
        return found

    def before_validator(self) -> Callable[[Any], Any] | None:
        return None if self.allow_blank else _not_blank


def _not_blank(value: Any) -> Any:
    if value == "":
        raise PydanticCustomError("blank", "This field may not be blank.")
    return value


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: Any) -> Any:
    if value and not _EMAIL.match(value):
        raise PydanticCustomError("invalid_email", "Enter a valid email address.")
    return value


class EmailField(CharField):
    """An email address (``format: email`` in the JSON Schema)."""

    def after_validators(self) -> list[Callable[[Any], Any]]:
        return [*super().after_validators(), _email]

    def json_schema_extra(self) -> dict[str, Any]:
        return {"format": "email"}


class IntegerField(Field):
    """An integer, optionally bounded by ``min_value`` / ``max_value``."""

    type_: Any = int

    def __init__(self, *, min_value: Any = None, max_value: Any = None, **options: Any) -> None:
        super().__init__(**options)
        self.min_value = min_value
        self.max_value = max_value

    def constraints(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.min_value is not None:
            found["ge"] = self.min_value
        if self.max_value is not None:
            found["le"] = self.max_value
        return found


class FloatField(IntegerField):
    """A floating-point number, optionally bounded."""

    type_: Any = float


class DecimalField(IntegerField):
    """A ``Decimal`` with ``max_digits`` and ``decimal_places``; written as a string in JSON, as DRF does."""

    type_: Any = decimal.Decimal

    def __init__(self, *, max_digits: int | None = None, decimal_places: int | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def constraints(self) -> dict[str, Any]:
        found = super().constraints()
        if self.max_digits is not None:
            found["max_digits"] = self.max_digits
        if self.decimal_places is not None:
            found["decimal_places"] = self.decimal_places
        return found


class BooleanField(Field):
    type_ = bool


class DateTimeField(Field):
    type_ = datetime.datetime


class DateField(Field):
    type_ = datetime.date


class TimeField(Field):
    type_ = datetime.time


class DurationField(Field):
    type_ = datetime.timedelta


class UUIDField(Field):
    type_ = uuid.UUID


class JSONField(Field):
    """Any JSON value."""


class ChoiceField(Field):
    """One of ``choices`` (values, or ``(value, label)`` pairs): an ``enum`` in the JSON Schema."""

    def __init__(self, choices: Sequence[Any], **options: Any) -> None:
        super().__init__(**options)
        self.choices = [choice[0] if isinstance(choice, tuple) else choice for choice in choices]

    def python_type(self) -> Any:
        return Literal[tuple(self.choices)]

    def output_annotation(self) -> Any:
        return Any


class ListField(Field):
    """A list of values described by ``child`` (any JSON value without one)."""

    def __init__(
        self,
        *,
        child: Field | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.child = child or JSONField()
        self.min_length = min_length
        self.max_length = max_length

    def python_type(self) -> Any:
        return list[self.child.input_annotation()]  # type: ignore[misc]

    def output_annotation(self) -> Any:
        return list[self.child.output_annotation()]  # type: ignore[misc]

    def constraints(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (("min_length", self.min_length), ("max_length", self.max_length))
            if value is not None
        }


class DictField(Field):
    """A mapping of strings to values described by ``child`` (any JSON value without one)."""

    def __init__(self, *, child: Field | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.child = child or JSONField()

    def python_type(self) -> Any:
        return dict[str, self.child.input_annotation()]  # type: ignore[misc]

    def output_annotation(self) -> Any:
        return dict[str, self.child.output_annotation()]  # type: ignore[misc]


class ComputedField(Field):
    """Read-only: a value computed per object by :meth:`compute` (method fields, hyperlinks), never a column.

    The output model reads it from a wrapper of the row, so such a field
    turns off the no-validation row renderer of its serializer.
    """

    def __init__(self, **options: Any) -> None:
        options["read_only"] = True
        super().__init__(**options)

    def compute(self, obj: Any, serializer: Serializer) -> Any:
        """The value output for ``obj``, rendered by ``serializer`` (whose ``context`` has the request)."""
        raise NotImplementedError(f"{type(self).__name__}.compute() is not implemented.")

    @property
    def plain_output(self) -> bool:
        return False

    @property
    def related_path(self) -> list[str]:
        return []

    def output_annotation(self) -> Any:
        return Any


class SerializerMethodField(ComputedField):
    """Read-only: the value ``get_<field name>(obj)`` (or ``method_name``) of the serializer returns."""

    def __init__(self, method_name: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.method_name = method_name

    def bind(self, field_name: str) -> None:
        super().bind(field_name)
        self.method_name = self.method_name or f"get_{field_name}"

    def compute(self, obj: Any, serializer: Serializer) -> Any:
        assert self.method_name
        return getattr(serializer, self.method_name)(obj)


def _listed_related(value: Any) -> list[Any]:
    """The related objects of a to-many attribute: a list, a QuerySet or a related manager (``post.tags``)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if hasattr(value, "all") and callable(value.all):
        return list(value.all())
    return list(value)


class RelatedField(Field):
    """The base of fields that name another model's row; they are checked against the database.

    With ``many=True`` the value is a list (a many-to-many relation, read
    from the prefetched related objects); the submitted list is checked with
    one query, duplicates are dropped, and the validated value is the list of
    rows in the order given.
    """

    def __init__(self, *, queryset: QuerySet[Any] | None = None, many: bool = False, **options: Any) -> None:
        super().__init__(**options)
        if queryset is None and not self.read_only:
            raise TypeError(f"{type(self).__name__} needs queryset= unless it is read_only=True.")
        self.queryset = queryset
        self.many = many

    def get_queryset(self) -> QuerySet[Any]:
        """A fresh copy of ``queryset`` (a QuerySet caches its rows)."""
        assert self.queryset is not None
        return self.queryset.all()

    @property
    def plain_output(self) -> bool:
        return not self.many

    #: The attribute of a related row that the submitted values name (``pk``, or the slug field).
    @property
    def match_attribute(self) -> str:
        return "pk"

    def item_type(self) -> Any:
        """The type of one value (a primary key, a slug)."""
        return Any

    def python_type(self) -> Any:
        item = self.item_type()
        return list[item] if self.many else item  # type: ignore[valid-type]

    def output_of(self, related: Any) -> Any:
        """What one related row is output as."""
        return getattr(related, self.match_attribute)

    def output_annotation(self) -> Any:
        if not self.many:
            return super().output_annotation()
        convert = self.output_of

        def items(value: Any) -> list[Any]:
            return [convert(item) for item in _listed_related(value)]

        return Annotated[list[self.item_type()], BeforeValidator(items)]  # type: ignore[misc]

    def missing_message(self, value: Any) -> str:
        """The error for a submitted value that names no row."""
        return f'Invalid pk "{value}" - object does not exist.'


class PrimaryKeyRelatedField(RelatedField):
    """The related row's primary key; ``ais_valid()`` / ``is_valid()`` check that the row exists.

    The validated value is the primary key itself, stored under ``source``.
    ModelSerializer maps a foreign key ``author`` to this field with
    ``source="author_id"``, so saving writes the column without a query and
    reading it needs no join. With ``many=True`` (a many-to-many relation,
    ``tags``) the value is a list of primary keys; the validated value is the
    list of rows.
    """

    def __init__(self, *, pk_type: Any = None, **options: Any) -> None:
        super().__init__(**options)
        self.pk_type = pk_type

    def item_type(self) -> Any:
        if self.pk_type is not None:
            return self.pk_type
        if self.queryset is not None:
            pk = self.queryset.model._meta.pk
            if pk is not None:
                from fastjango.rest.serializers._mapping import python_type_of

                return python_type_of(pk)
        return int

    def output_before(self) -> Callable[[Any], Any] | None:
        return _pk_of


def _pk_of(value: Any) -> Any:
    """A related object read without ``source="<name>_id"`` is output as its primary key."""
    return getattr(value, "pk", value)


class SlugRelatedField(RelatedField):
    """The related row named by a unique ``slug_field``; the validated value is that row (one query).

    With ``many=True`` the value is a list of slugs and the validated value
    the list of rows.
    """

    def __init__(self, *, slug_field: str, **options: Any) -> None:
        super().__init__(**options)
        self.slug_field = slug_field

    @property
    def match_attribute(self) -> str:
        return self.slug_field

    def item_type(self) -> Any:
        return str

    @property
    def output_path(self) -> list[str]:
        return self.source_attrs if self.many else [*self.source_attrs, self.slug_field]

    def missing_message(self, value: Any) -> str:
        return f"Object with {self.slug_field}={value} does not exist."


def _url_for(field: Field, view_name: str, kwargs: dict[str, Any], serializer: Serializer) -> str:
    """The URL of the route ``view_name``: absolute when the serializer's context has the request."""
    from fastjango.core.exceptions import ImproperlyConfigured, NoReverseMatch
    from fastjango.core.urls import reverse

    try:
        path = reverse(view_name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise ImproperlyConfigured(
            f"{type(serializer).__name__}.{field.field_name} ({type(field).__name__}) could not reverse "
            f"view_name={view_name!r} with {kwargs} ({error}); fix view_name, or include the router the "
            "viewset is registered on in the URL conf (routers name their routes '<basename>-list' and "
            "'<basename>-detail')."
        ) from None
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class HyperlinkedIdentityField(ComputedField):
    """Read-only: the URL of the object itself (``"url": "http://host/api/posts/3/"``).

    The path is ``reverse(view_name, kwargs={lookup_url_kwarg: obj.<lookup_field>})``,
    made absolute with the ``request`` of the serializer's context (views
    pass it), relative otherwise.
    """

    def __init__(
        self,
        view_name: str,
        *,
        lookup_field: str = "pk",
        lookup_url_kwarg: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.view_name = view_name
        self.lookup_field = lookup_field
        self.lookup_url_kwarg = lookup_url_kwarg or lookup_field

    def output_annotation(self) -> Any:
        return str

    def compute(self, obj: Any, serializer: Serializer) -> Any:
        value = getattr(obj, self.lookup_field)
        return _url_for(self, self.view_name, {self.lookup_url_kwarg: value}, serializer)


class HyperlinkedRelatedField(ComputedField):
    """Read-only: the URL of a related object (a foreign key ``author`` as ``"http://host/api/authors/2/"``).

    With the default ``lookup_field="pk"`` the key column (``author_id``) is
    read, so no join is needed. Only ``read_only=True`` is supported.
    """

    def __init__(
        self,
        view_name: str,
        *,
        lookup_field: str = "pk",
        lookup_url_kwarg: str | None = None,
        **options: Any,
    ) -> None:
        if not options.pop("read_only", False):
            raise TypeError("HyperlinkedRelatedField is read-only for now: pass read_only=True.")
        options.setdefault("allow_null", True)
        super().__init__(**options)
        self.view_name = view_name
        self.lookup_field = lookup_field
        self.lookup_url_kwarg = lookup_url_kwarg or lookup_field

    def output_annotation(self) -> Any:
        return str

    @property
    def related_path(self) -> list[str]:
        return self.source_attrs[:-1] if self.lookup_field == "pk" else self.source_attrs

    def _value(self, obj: Any) -> Any:
        *path, last = self.source_attrs
        for name in path:
            obj = getattr(obj, name)
            if obj is None:
                return None
        if self.lookup_field == "pk":
            meta = getattr(obj, "_meta", None)
            field = _model_field(meta, last) if meta is not None else None
            attname = getattr(field, "attname", None)
            if attname and attname != last:
                return getattr(obj, attname)  # the key column: no join, no query
        related = getattr(obj, last)
        return None if related is None else getattr(related, self.lookup_field)

    def compute(self, obj: Any, serializer: Serializer) -> Any:
        value = self._value(obj)
        if value is None:
            return None
        return _url_for(self, self.view_name, {self.lookup_url_kwarg: value}, serializer)


def _model_field(meta: Any, name: str) -> Any:
    try:
        return meta.get_field(name)
    except Exception:
        return None
