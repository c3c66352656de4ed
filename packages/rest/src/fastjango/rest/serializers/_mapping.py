"""The serializer field ModelSerializer makes for each kind of ORM field.

The rules are DRF's: ``max_length``, ``choices`` (an enum), ``null`` →
``allow_null``, ``blank`` → ``allow_blank`` and not required, a default →
not required (the model applies it), ``editable=False``, auto fields and the
primary key → read-only, a foreign key ``author`` → ``PrimaryKeyRelatedField``
with ``source="author_id"``, a many-to-many ``tags`` →
``PrimaryKeyRelatedField(many=True)`` (not required when ``blank``, which is
the many-to-many default).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import fields as orm
from fastjango.rest.serializers import fields as rest

__all__ = ["field_for", "python_type_of"]

# Most specific first: EmailField before CharField, AutoField before IntegerField.
_CLASSES: list[tuple[type[Any], type[rest.Field]]] = [
    (orm.EmailField, rest.EmailField),
    (orm.CharField, rest.CharField),
    (orm.TextField, rest.CharField),
    (orm.GenericIPAddressField, rest.CharField),
    (orm.AutoField, rest.IntegerField),
    (orm.IntegerField, rest.IntegerField),
    (orm.FloatField, rest.FloatField),
    (orm.DecimalField, rest.DecimalField),
    (orm.BooleanField, rest.BooleanField),
    (orm.DateTimeField, rest.DateTimeField),
    (orm.DateField, rest.DateField),
    (orm.TimeField, rest.TimeField),
    (orm.DurationField, rest.DurationField),
    (orm.UUIDField, rest.UUIDField),
    (orm.JSONField, rest.JSONField),
]

_PYTHON_TYPES: dict[type[rest.Field], Any] = {
    rest.CharField: str,
    rest.EmailField: str,
    rest.IntegerField: int,
    rest.FloatField: float,
    rest.DecimalField: decimal.Decimal,
    rest.BooleanField: bool,
    rest.DateTimeField: datetime.datetime,
    rest.DateField: datetime.date,
    rest.TimeField: datetime.time,
    rest.DurationField: datetime.timedelta,
    rest.UUIDField: uuid.UUID,
}


def _serializer_class(model_field: orm.Field[Any]) -> type[rest.Field] | None:
    for orm_class, rest_class in _CLASSES:
        if isinstance(model_field, orm_class):
            return rest_class
    return None


def python_type_of(model_field: orm.Field[Any]) -> Any:
    """The Python type of a model field's values (a primary key's, for related fields)."""
    rest_class = _serializer_class(model_field)
    return _PYTHON_TYPES.get(rest_class, Any) if rest_class is not None else Any


def field_for(model_field: orm.Field[Any], extra: dict[str, Any]) -> rest.Field:
    """The serializer field for ``model_field``; ``extra`` (``Meta.extra_kwargs``, read-only) wins."""
    options: dict[str, Any] = {}
    if model_field.help_text:
        options["help_text"] = model_field.help_text
    if model_field.verbose_name:
        options["label"] = str(model_field.verbose_name).capitalize()
    if model_field.primary_key or not model_field.editable:
        options["read_only"] = True
    else:
        if model_field.null:
            options["allow_null"] = True
        if model_field.has_default() or model_field.blank or model_field.null:
            options["required"] = False
        if model_field._validators:
            options["validators"] = list(model_field._validators)
    options.update(extra)
    if options.get("read_only"):
        for key in ("required", "allow_null", "validators", "default"):
            options.pop(key, None)

    if isinstance(model_field, orm.ForeignKey):
        remote = model_field.remote_model
        if remote is None:
            raise ImproperlyConfigured(
                f"{model_field.model.__name__}.{model_field.name} points at {model_field.to!r}, which is not "
                "defined yet; import the model's app before using the serializer."
            )
        options.setdefault("source", model_field.attname)
        if options.get("read_only"):
            return rest.PrimaryKeyRelatedField(pk_type=_pk_type(remote), **options)
        options.setdefault("queryset", remote._default_manager.all())
        return rest.PrimaryKeyRelatedField(pk_type=_pk_type(remote), **options)

    if isinstance(model_field, orm.ManyToManyField):
        remote = model_field.remote_model
        if remote is None:
            raise ImproperlyConfigured(
                f"{model_field.model.__name__}.{model_field.name} points at {model_field.to!r}, which is not "
                "defined yet; import the model's app before using the serializer."
            )
        options.pop("allow_null", None)  # a relation is empty, never null
        if not options.get("read_only"):
            options.setdefault("queryset", remote._default_manager.all())
        return rest.PrimaryKeyRelatedField(many=True, pk_type=_pk_type(remote), **options)

    if model_field.choices is not None:
        return rest.ChoiceField([value for value, _ in model_field.choices], **options)

    rest_class = _serializer_class(model_field)
    if rest_class is None:
        raise TypeError(
            f"ModelSerializer has no serializer field for {type(model_field).__name__} "
            f"({model_field.model.__name__}.{model_field.name}); declare the field on the serializer."
        )
    if issubclass(rest_class, rest.CharField) and not options.get("read_only"):
        if model_field.max_length is not None:
            options.setdefault("max_length", model_field.max_length)
        if model_field.blank:
            options.setdefault("allow_blank", True)
    if rest_class is rest.IntegerField and not options.get("read_only"):
        low = getattr(model_field, "range", (None, None))[0]
        if low == 0:
            options.setdefault("min_value", 0)
    if rest_class is rest.DecimalField:
        options.setdefault("max_digits", getattr(model_field, "max_digits", None))
        options.setdefault("decimal_places", getattr(model_field, "decimal_places", None))
    return rest_class(**options)


def _pk_type(model: Any) -> Any:
    pk = model._meta.pk
    return python_type_of(pk) if pk is not None else int
