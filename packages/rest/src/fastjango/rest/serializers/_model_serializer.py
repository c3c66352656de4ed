"""``ModelSerializer``: serializer fields from an ORM model, unique checks, and saving through the ORM.

Nested writes (``comments = CommentSerializer(many=True)`` for the reverse
side of ``Comment.post``) save the parent and its children in one
``atomic()`` block. On update, a nested field present in the data replaces
the children: the existing ones are deleted and the submitted ones created;
a nested field absent from the data (a partial update) leaves them alone.
Any child that fails rolls the whole block back, and the failure is reported
at the child's path (``{"comments": [{}, {"body": ["..."]}]}``).

A nested serializer on a forward foreign key (``author = AuthorSerializer()``)
is written first: created with the row, or, on update, written into the row
the key points at (created when there is none). Many-to-many fields
(``PrimaryKeyRelatedField(many=True)`` / ``SlugRelatedField(many=True)``) are
set through the relation's manager after the row is saved, in the same
block; a field absent from the data leaves the relation alone, ``[]`` clears
it.

``Meta.depth = N`` outputs forward foreign keys and many-to-many relations as
read-only nested serializers of the related model (all its fields), N levels
down, as DRF does.
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
from fastjango.orm.fields.related import ManyToManyReverse, ReverseRelation
from fastjango.orm.models import Model
from fastjango.orm.query.prefetch import PREFETCH_CACHE
from fastjango.rest.serializers._base import Serializer, _settle, in_async_save
from fastjango.rest.serializers._errors import NON_FIELD_ERRORS, ValidationError
from fastjango.rest.serializers._lookups import Lookup
from fastjango.rest.serializers._mapping import field_for
from fastjango.rest.serializers.fields import Field, PrimaryKeyRelatedField, RelatedField

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


class _Parts:
    """``validated_data`` split by how each part is saved (see ``ModelSerializer._split``)."""

    __slots__ = ("children", "many", "parents", "plain")

    def __init__(self) -> None:
        #: The row's own values.
        self.plain: dict[str, Any] = {}
        #: Nested serializers of forward foreign keys: written before the row.
        self.parents: list[tuple[str, Serializer, ForeignKey[Any], Any]] = []
        #: Nested serializers of reverse foreign keys: written after the row.
        self.children: list[tuple[str, Serializer, Any]] = []
        #: Many-to-many fields (accessor name, rows): set after the row.
        self.many: list[tuple[str, list[Any]]] = []


def _depth_serializer(owner: type[ModelSerializer], name: str, model: type[Model], depth: int) -> type[ModelSerializer]:
    """The read-only nested serializer ``Meta.depth`` gives the relation ``name`` (all fields of ``model``)."""
    meta = type("Meta", (), {"model": model, "fields": ALL_FIELDS, "depth": depth})
    base = owner.__name__.removesuffix("Serializer")
    class_name = f"{base}{name.title().replace('_', '')}Serializer"
    return type(class_name, (ModelSerializer,), {"Meta": meta, "__module__": owner.__module__})


class ModelSerializer(Serializer):
    """A serializer whose fields come from ``Meta.model`` (see the module docstring for nested writes).

    ``Meta`` options: ``model``, ``fields`` (``"__all__"`` or a list),
    ``exclude``, ``read_only_fields``, ``extra_kwargs``
    (``{"password": {"write_only": True}}``) and ``depth``.
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
        every = [field.name for field in (*model._meta.fields, *model._meta.many_to_many)]
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
        depth = cls._meta_option("depth", 0) or 0
        if not isinstance(depth, int) or isinstance(depth, bool) or not 0 <= depth <= 10:
            raise ImproperlyConfigured(f"{cls.__name__}.Meta.depth must be an integer from 0 to 10, not {depth!r}.")
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
            if model_field is None or isinstance(model_field, ReverseRelation | ManyToManyReverse):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.Meta.fields names {name!r}, which is not a field of {model.__name__}"
                    + (
                        "; declare it on the serializer (a nested serializer for a relation)."
                        if model_field is not None
                        else " nor a declared field."
                    )
                )
            extra = dict(extra_kwargs.get(name, {}))
            if name in read_only or (isinstance(model_field, ManyToManyField) and model_field.through is not None):
                extra["read_only"] = True  # rows of a through model of yours need more than the two keys
            if depth and isinstance(model_field, ForeignKey | ManyToManyField) and model_field.remote_model:
                nested = _depth_serializer(cls, name, model_field.remote_model, depth - 1)
                many = isinstance(model_field, ManyToManyField)
                field = nested(many=many, read_only=True, allow_null=bool(model_field.null) and not many)
                field.bind(name)
                result[name] = field
                continue
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
    def _write_alias(self) -> str | None:
        return db_for_write(self.model_class())

    def _forward_key(self, accessor: str) -> ForeignKey[Any] | None:
        """The foreign key (or one-to-one) of the model named ``accessor``, if it is one."""
        model_field = _model_field(self.model_class(), accessor)
        return model_field if isinstance(model_field, ForeignKey) and model_field.name == accessor else None

    def _nested_instance(self, field: Serializer) -> Any:
        """The loaded row a nested forward foreign key points at: what an update writes into (and checks against)."""
        instance = self.instance
        if field.many or not isinstance(instance, Model):
            return None
        key = self._forward_key(field.source_attrs[0])
        if key is None:
            return None
        related = instance.__dict__.get(key.name)
        target = key.target_field
        if related is None or target is None:
            return None
        return related if getattr(related, target.attname) == instance.__dict__.get(key.attname) else None

    def _split(self, validated_data: dict[str, Any]) -> _Parts:
        """The model's own values, the nested serializers' values (parents, children) and the many-to-many rows."""
        parts = _Parts()
        parts.plain = dict(validated_data)
        for name, field in self._fields().items():
            if field.read_only:
                continue
            key = field.source_attrs[0]
            if key not in parts.plain:
                continue
            if isinstance(field, Serializer):
                foreign_key = self._forward_key(key)
                if foreign_key is not None:
                    parts.parents.append((name, field, foreign_key, parts.plain.pop(key)))
                else:
                    parts.children.append((name, field, parts.plain.pop(key)))
            elif isinstance(field, RelatedField) and field.many:
                parts.many.append((key, list(parts.plain.pop(key) or ())))
        return parts

    def _relation(self, name: str, field: Serializer) -> ReverseRelation:
        model = self.model_class()
        accessor = field.source_attrs[0]
        for relation in model._meta.related_objects:
            if accessor in (relation.accessor_name, relation.name):
                return relation  # type: ignore[no-any-return]
        raise ImproperlyConfigured(
            f"{type(self).__name__}.{name} is a nested serializer written through {model.__name__}.{accessor}, "
            f"which is not a foreign key nor the reverse side of one; give it read_only=True or a source= that is."
        )

    def _child(self, field: Serializer, partial: bool = False) -> ModelSerializer:
        if not isinstance(field, ModelSerializer):
            raise ImproperlyConfigured(
                f"{type(self).__name__} cannot write the nested {type(field).__name__}: only a ModelSerializer "
                "child is saved by the default create()/update(); override them or make the field read_only."
            )
        child = field._spawn(partial)
        assert isinstance(child, ModelSerializer)
        child._as_child = True
        return child

    _as_child: bool = False

    def create(self, validated_data: dict[str, Any]) -> Any:
        """Create the row (and nested rows, many-to-many links) in one transaction; awaitable under ``asave()``."""
        if in_async_save():
            return self._acreate(validated_data)
        model = self.model_class()
        parts = self._split(validated_data)
        with transaction.atomic(using=db_for_write(model)):
            self._write_parents(None, parts)
            instance = model(**parts.plain)
            if self._as_child:
                self._check_unique(instance)
            instance.save()
            self._write_children(instance, parts.children, replace=False)
            self._write_many(instance, parts.many)
        return instance

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        """Set the given values and save (nested rows, many-to-many links too); awaitable under ``asave()``."""
        if in_async_save():
            return self._aupdate(instance, validated_data)
        parts = self._split(validated_data)
        with transaction.atomic(using=db_for_write(type(instance))):
            self._write_parents(instance, parts)
            for key, value in parts.plain.items():
                setattr(instance, key, value)
            if self._as_child:
                self._check_unique(instance)
            instance.save()
            self._write_children(instance, parts.children, replace=True)
            self._write_many(instance, parts.many)
        return instance

    async def _acreate(self, validated_data: dict[str, Any]) -> Any:
        model = self.model_class()
        parts = self._split(validated_data)
        async with transaction.atomic(using=db_for_write(model)):
            await self._awrite_parents(None, parts)
            instance = model(**parts.plain)
            if self._as_child:
                await self._acheck_unique(instance)
            await instance.asave()
            await self._awrite_children(instance, parts.children, replace=False)
            await self._awrite_many(instance, parts.many)
        return instance

    async def _aupdate(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        parts = self._split(validated_data)
        async with transaction.atomic(using=db_for_write(type(instance))):
            await self._awrite_parents(instance, parts)
            for key, value in parts.plain.items():
                setattr(instance, key, value)
            if self._as_child:
                await self._acheck_unique(instance)
            await instance.asave()
            await self._awrite_children(instance, parts.children, replace=True)
            await self._awrite_many(instance, parts.many)
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

    # ------------------------------------------------------------------ forward foreign keys, written first
    def _write_parents(self, instance: Model | None, parts: _Parts) -> None:
        for name, field, foreign_key, value in parts.parents:
            related = getattr(instance, foreign_key.name) if instance is not None and value is not None else None
            try:
                if value is None:
                    parent = None
                elif related is not None:
                    parent = self._child(field, self.partial).update(related, value)
                else:
                    parent = self._child(field).create(value)
            except ValidationError as error:
                raise ValidationError({name: error.detail}) from None
            parts.plain[foreign_key.name] = parent

    async def _awrite_parents(self, instance: Model | None, parts: _Parts) -> None:
        for name, field, foreign_key, value in parts.parents:
            related = None
            if instance is not None and value is not None:
                related = await instance.arelated(foreign_key.name)
            try:
                if value is None:
                    parent = None
                elif related is not None:
                    parent = await _settle(self._child(field, self.partial).update(related, value))
                else:
                    parent = await _settle(self._child(field).create(value))
            except ValidationError as error:
                raise ValidationError({name: error.detail}) from None
            parts.plain[foreign_key.name] = parent

    # ------------------------------------------------------------------ many-to-many links, set after the row
    @staticmethod
    def _remember(instance: Model, accessor: str, rows: list[Any]) -> None:
        """Keep the rows just linked as the relation's prefetched list, so the output needs no query."""
        if all(isinstance(row, Model) for row in rows):
            cache = instance.__dict__.setdefault(PREFETCH_CACHE, {})
            cache[accessor] = list(rows)

    def _manager(self, instance: Model, accessor: str) -> Any:
        manager = getattr(instance, accessor, None)
        if manager is None or not hasattr(manager, "aset"):
            raise ImproperlyConfigured(
                f"{type(self).__name__} writes a list of related rows to {type(instance).__name__}.{accessor}, "
                "which is not a many-to-many relation; make the field read_only or override create()/update()."
            )
        return manager

    def _write_many(self, instance: Model, many: list[tuple[str, list[Any]]]) -> None:
        for accessor, rows in many:
            self._manager(instance, accessor).set(rows)
            self._remember(instance, accessor, rows)

    async def _awrite_many(self, instance: Model, many: list[tuple[str, list[Any]]]) -> None:
        for accessor, rows in many:
            await self._manager(instance, accessor).aset(rows)
            self._remember(instance, accessor, rows)

    # ------------------------------------------------------------------ reverse foreign keys, written after the row
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
