"""``ModelSerializer``: serializer fields from an ORM model, unique checks, and saving through the ORM.

Nested writes (``comments = CommentSerializer(many=True)`` for the reverse
side of ``Comment.post``) save the parent and its children in one
``atomic()`` block. On update, a nested field present in the data replaces
the children: the existing ones are deleted and the submitted ones created;
a nested field absent from the data (a partial update) leaves them alone.
Any child that fails rolls the whole block back, and the failure is reported
at the child's path (``{"comments": [{}, {"body": ["..."]}]}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import ValidationError as ModelValidationError
from fastjango.orm import transaction
from fastjango.orm.db.router import db_for_write
from fastjango.orm.exceptions import FieldDoesNotExist
from fastjango.orm.fields import ForeignKey, ManyToManyField
from fastjango.orm.fields.related import ReverseRelation
from fastjango.orm.models import Model
from fastjango.rest.serializers._base import Serializer, in_async_save
from fastjango.rest.serializers._errors import NON_FIELD_ERRORS, ValidationError
from fastjango.rest.serializers._lookups import Lookup
from fastjango.rest.serializers._mapping import field_for
from fastjango.rest.serializers.fields import Field, PrimaryKeyRelatedField

__all__ = ["ModelSerializer"]

ALL_FIELDS = "__all__"


def _model_errors(error: ModelValidationError) -> dict[str, Any]:
    return {
        NON_FIELD_ERRORS if key == "__all__" else key: list(messages) for key, messages in error.message_dict.items()
    }


def _model_field(model: type[Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class ModelSerializer(Serializer):
    """A serializer whose fields come from ``Meta.model`` (see the module docstring for nested writes).

    ``Meta`` options: ``model``, ``fields`` (``"__all__"`` or a list),
    ``exclude``, ``read_only_fields`` and ``extra_kwargs``
    (``{"password": {"write_only": True}}``).
    """

    Meta: ClassVar[type]

    # ------------------------------------------------------------------ fields
    @classmethod
    def _meta_option(cls, name: str, default: Any = None) -> Any:
        return getattr(cls.Meta, name, default)

    @classmethod
    def model_class(cls) -> type[Model]:
        meta = getattr(cls, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            raise ImproperlyConfigured(f"{cls.__name__} needs `class Meta: model = ...` (a fastjango.orm Model).")
        return model  # type: ignore[no-any-return]

    @classmethod
    def _names(cls, model: type[Model]) -> list[str]:
        fields = cls._meta_option("fields")
        exclude = cls._meta_option("exclude")
        declared = cls._declared_fields
        if fields is not None and exclude is not None:
            raise ImproperlyConfigured(f"{cls.__name__}.Meta sets both `fields` and `exclude`; keep one.")
        if fields is None and exclude is None:
            raise ImproperlyConfigured(
                f'{cls.__name__}.Meta needs `fields` (a list, or "__all__") or `exclude`, '
                "to say which fields are exposed."
            )
        every = [field.name for field in model._meta.fields]
        if fields == ALL_FIELDS or fields is None:
            names = every + [name for name in declared if name not in every]
        else:
            names = list(fields)
            missing = [name for name in declared if name not in names]
            if missing:
                raise ImproperlyConfigured(
                    f"{cls.__name__} declares {', '.join(missing)} but Meta.fields does not list it; "
                    "add every declared field to Meta.fields."
                )
        for name in exclude or ():
            if name not in every:
                raise ImproperlyConfigured(
                    f"{cls.__name__}.Meta.exclude names {name!r}, not a field of {model.__name__}."
                )
        return [name for name in names if name not in set(exclude or ())]

    @classmethod
    def get_fields(cls) -> dict[str, Field]:
        model = cls.model_class()
        declared = cls._declared_fields
        read_only = set(cls._meta_option("read_only_fields", ()) or ())
        extra_kwargs: Mapping[str, dict[str, Any]] = cls._meta_option("extra_kwargs", {}) or {}
        result: dict[str, Field] = {}
        for name in cls._names(model):
            if name in declared:
                field = declared[name]
                model_field = _model_field(model, name)
                if isinstance(field, PrimaryKeyRelatedField) and isinstance(model_field, ForeignKey):
                    field.source = field.source or model_field.attname
                result[name] = field
                continue
            model_field = _model_field(model, name)
            if model_field is None or isinstance(model_field, ManyToManyField | ReverseRelation):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.Meta.fields names {name!r}, which is not a field of {model.__name__}"
                    + (
                        "; declare it on the serializer (a nested serializer for a relation)."
                        if model_field is not None
                        else " nor a declared field."
                    )
                )
            extra = dict(extra_kwargs.get(name, {}))
            if name in read_only:
                extra["read_only"] = True
            field = field_for(model_field, extra)
            field.bind(name)
            result[name] = field
        return result

    # ------------------------------------------------------------------ database checks
    def lookups(self, values: Mapping[str, Any], path: tuple[str | int, ...] = ()) -> list[Lookup]:
        found = super().lookups(values, path)
        model = self.model_class()
        fields = self._fields()
        by_attname: dict[str, Any] = {}
        for name, field in fields.items():
            if name in values and not isinstance(field, Serializer):
                by_attname[field.source_attrs[0]] = (name, values[name])
        instance = self.instance if isinstance(self.instance, Model) else None
        for names in self._unique_sets(model):
            lookup: dict[str, Any] = {}
            touched = False
            for model_name in names:
                model_field = model._meta.get_field(model_name)
                if model_field.attname in by_attname:
                    lookup[model_field.attname] = by_attname[model_field.attname][1]
                    touched = True
                elif instance is not None:
                    lookup[model_field.attname] = getattr(instance, model_field.attname)
                else:
                    break
            else:
                if not touched or any(value is None for value in lookup.values()):
                    continue
                queryset = model._default_manager.filter(**lookup)
                if instance is not None:
                    queryset = queryset.exclude(pk=instance.pk)
                found.append(self._unique_lookup(model, names, by_attname, queryset, path))
        return found

    @staticmethod
    def _unique_sets(model: type[Model]) -> list[tuple[str, ...]]:
        from fastjango.orm.constraints import UniqueConstraint

        sets: list[tuple[str, ...]] = [
            (field.name,) for field in model._meta.concrete_fields if field.unique and not field.primary_key
        ]
        sets.extend(model._meta.unique_together)
        sets.extend(
            tuple(constraint.fields)
            for constraint in model._meta.constraints
            if isinstance(constraint, UniqueConstraint) and constraint.condition is None
        )
        return sets

    @staticmethod
    def _unique_lookup(
        model: type[Model],
        names: tuple[str, ...],
        by_attname: dict[str, Any],
        queryset: Any,
        path: tuple[str | int, ...],
    ) -> Lookup:
        meta = model._meta
        if len(names) == 1:
            model_field = meta.get_field(names[0])
            key = by_attname[model_field.attname][0]
            message = f"{meta.verbose_name} with this {model_field.verbose_name} already exists."
            return Lookup((*path, key), queryset, message[0].upper() + message[1:], "absent")
        serializer_names = [by_attname.get(meta.get_field(name).attname, (name,))[0] for name in names]
        message = f"The fields {', '.join(serializer_names)} must make a unique set."
        return Lookup((*path, NON_FIELD_ERRORS), queryset, message, "absent")

    # ------------------------------------------------------------------ saving
    def _split(self, validated_data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, Serializer, Any]]]:
        """The model's own values, and the nested serializers' values with their field names."""
        plain = dict(validated_data)
        nested: list[tuple[str, Serializer, Any]] = []
        for name, field in self._fields().items():
            if isinstance(field, Serializer) and not field.read_only:
                key = field.source_attrs[0]
                if key in plain:
                    nested.append((name, field, plain.pop(key)))
        return plain, nested

    def _relation(self, name: str, field: Serializer) -> ReverseRelation:
        model = self.model_class()
        accessor = field.source_attrs[0]
        for relation in model._meta.related_objects:
            if accessor in (relation.accessor_name, relation.name):
                return relation  # type: ignore[no-any-return]
        raise ImproperlyConfigured(
            f"{type(self).__name__}.{name} is a nested serializer written through {model.__name__}.{accessor}, "
            f"which is not a reverse foreign key or one-to-one; give it read_only=True or a source= that is."
        )

    def _child(self, field: Serializer) -> ModelSerializer:
        if not isinstance(field, ModelSerializer):
            raise ImproperlyConfigured(
                f"{type(self).__name__} cannot write the nested {type(field).__name__}: only a ModelSerializer "
                "child is saved by the default create()/update(); override them or make the field read_only."
            )
        child = field._spawn(False)
        assert isinstance(child, ModelSerializer)
        child._as_child = True
        return child

    _as_child: bool = False

    def create(self, validated_data: dict[str, Any]) -> Any:
        """Create the row (and nested children) in one transaction; under ``asave()`` this is awaitable."""
        if in_async_save():
            return self._acreate(validated_data)
        model = self.model_class()
        plain, nested = self._split(validated_data)
        with transaction.atomic(using=db_for_write(model)):
            instance = model(**plain)
            if self._as_child:
                self._check_unique(instance)
            instance.save()
            self._write_children(instance, nested, replace=False)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        """Set the given values and save (and replace nested children given); awaitable under ``asave()``."""
        if in_async_save():
            return self._aupdate(instance, validated_data)
        plain, nested = self._split(validated_data)
        with transaction.atomic(using=db_for_write(type(instance))):
            for key, value in plain.items():
                setattr(instance, key, value)
            instance.save()
            self._write_children(instance, nested, replace=True)
        return instance

    async def _acreate(self, validated_data: dict[str, Any]) -> Any:
        model = self.model_class()
        plain, nested = self._split(validated_data)
        async with transaction.atomic(using=db_for_write(model)):
            instance = model(**plain)
            if self._as_child:
                await self._acheck_unique(instance)
            await instance.asave()
            await self._awrite_children(instance, nested, replace=False)
        return instance

    async def _aupdate(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        plain, nested = self._split(validated_data)
        async with transaction.atomic(using=db_for_write(type(instance))):
            for key, value in plain.items():
                setattr(instance, key, value)
            await instance.asave()
            await self._awrite_children(instance, nested, replace=True)
        return instance

    @staticmethod
    def _check_unique(instance: Model) -> None:
        try:
            instance.validate_unique()
        except ModelValidationError as error:
            raise ValidationError(_model_errors(error)) from None

    @staticmethod
    async def _acheck_unique(instance: Model) -> None:
        try:
            await instance.avalidate_unique()
        except ModelValidationError as error:
            raise ValidationError(_model_errors(error)) from None

    def _children_of(
        self, nested: list[tuple[str, Serializer, Any]]
    ) -> list[tuple[str, Serializer, ForeignKey[Any], Any]]:
        return [(name, field, self._relation(name, field).field, value) for name, field, value in nested]

    def _write_children(self, instance: Model, nested: list[tuple[str, Serializer, Any]], *, replace: bool) -> None:
        for name, field, foreign_key, value in self._children_of(nested):
            if replace:
                foreign_key.model._base_manager.filter(**{foreign_key.attname: instance.pk}).delete()
            items = value if field.many else [value] if value is not None else []
            errors: list[Any] = []
            for item in items:
                try:
                    self._child(field).create({**item, foreign_key.attname: instance.pk})
                    errors.append({})
                except ValidationError as error:
                    errors.append(error.detail)
            if any(errors):
                raise ValidationError({name: errors if field.many else errors[0]})

    async def _awrite_children(
        self, instance: Model, nested: list[tuple[str, Serializer, Any]], *, replace: bool
    ) -> None:
        for name, field, foreign_key, value in self._children_of(nested):
            if replace:
                await foreign_key.model._base_manager.filter(**{foreign_key.attname: instance.pk}).adelete()
            items = value if field.many else [value] if value is not None else []
            errors: list[Any] = []
            for item in items:
                try:
                    result = self._child(field).create({**item, foreign_key.attname: instance.pk})
                    if hasattr(result, "__await__"):
                        await result
                    errors.append({})
                except ValidationError as error:
                    errors.append(error.detail)
            if any(errors):
                raise ValidationError({name: errors if field.many else errors[0]})
