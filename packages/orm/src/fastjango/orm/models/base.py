"""``Model``: a Django-style model that is also a real SQLAlchemy 2 mapped class.

Creating a subclass reads its fields and ``class Meta``, turns each field into
a ``mapped_column`` and lets SQLAlchemy's declarative mapping build the table
on the shared :data:`metadata`. So ``select(Post)``, SQLAlchemy events and
Alembic autogenerate see an ordinary mapped class, while ``Post.objects``,
``post.save()`` and ``Post.DoesNotExist`` behave as in Django.

Instances are not tied to a SQLAlchemy session: each query or save uses one
briefly and leaves the objects detached, as Django model instances are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import MetaData, inspect
from sqlalchemy.orm import DeclarativeBase, attributes

from fastjango.orm import exceptions
from fastjango.orm.exceptions import FieldDoesNotExist, ValidationError
from fastjango.orm.fields.related import ForeignKey, ManyToManyField, ReverseRelation
from fastjango.orm.models.options import Options

if TYPE_CHECKING:
    from sqlalchemy import Table

    from fastjango.orm.manager import Manager, _DefaultManager
    from fastjango.orm.query.queryset import QuerySet

__all__ = ["Model", "metadata"]

#: Constraint and index names as Django-ish, deterministic strings, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The MetaData every model's table lives on (``Model.metadata``): hand it to Alembic as target_metadata.
metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _Base(DeclarativeBase):
    metadata = metadata
    # Plain annotations such as ``author_id: int`` (for type checkers) are not columns.
    __allow_unmapped__ = True


class Model(_Base):
    """Base class of fastjango models. See the module docstring."""

    __abstract__ = True

    _meta: ClassVar[Options]
    DoesNotExist: ClassVar[type[exceptions.ObjectDoesNotExist]] = exceptions.ObjectDoesNotExist
    MultipleObjectsReturned: ClassVar[type[exceptions.MultipleObjectsReturned]] = exceptions.MultipleObjectsReturned
    _default_manager: ClassVar[Manager[Any]]
    _base_manager: ClassVar[Manager[Any]]

    if TYPE_CHECKING:
        #: The model's table (SQLAlchemy declares a FromClause; a fastjango model always has a Table).
        __table__: ClassVar[Table]
        objects: ClassVar[_DefaultManager]
        #: The automatic primary key (a model that declares its own primary key has that instead).
        id: int

    # ------------------------------------------------------------------ class creation
    def __init_subclass__(cls, **kwargs: Any) -> None:
        if cls.__dict__.get("__abstract__", False):
            super().__init_subclass__(**kwargs)
            return
        from fastjango.orm.models.builder import ModelBuilder

        builder = ModelBuilder(cls)
        builder.before_mapping()
        if cls._meta.abstract:
            cls.__abstract__ = True
            super().__init_subclass__(**kwargs)
            return
        with builder.mapping():
            super().__init_subclass__(**kwargs)
        builder.after_mapping()

    # ------------------------------------------------------------------ instances
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        meta = self._meta
        fields = meta.concrete_fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes at most {len(fields)} positional arguments.")
        values: dict[str, Any] = {}
        for field, value in zip(fields, args, strict=False):
            values[field.attname] = value
        related: dict[str, Any] = {}
        for key, value in kwargs.items():
            try:
                field = meta.get_field(key)
            except FieldDoesNotExist:
                if isinstance(getattr(type(self), key, None), property):
                    related[key] = value  # a property setter, as Django allows
                    continue
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {key!r}.") from None
            if isinstance(field, ManyToManyField | ReverseRelation):
                raise TypeError(
                    f"Direct assignment to the {key!r} relation of {type(self).__name__} is not allowed; "
                    f"save the object, then use {key}.set(...)."
                )
            if field.attname in values and key == field.name:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {key!r}.")
            if isinstance(field, ForeignKey) and key == field.name:
                related[key] = value
            else:
                values[field.attname] = value
        for field in fields:
            if field.attname not in values and not (isinstance(field, ForeignKey) and field.name in related):
                values[field.attname] = field.get_default()
        for attname, value in values.items():
            setattr(self, attname, value)
        for key, value in related.items():
            setattr(self, key, value)

    @property
    def pk(self) -> Any:
        """The primary key's value, whatever the primary key field is called."""
        pk = self._meta.pk
        assert pk is not None
        return self.__dict__.get(pk.attname)

    @pk.setter
    def pk(self, value: Any) -> None:
        pk = self._meta.pk
        assert pk is not None
        setattr(self, pk.attname, value)

    @property
    def _adding(self) -> bool:
        """True until the object has been saved to, or loaded from, the database."""
        return inspect(self).key is None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        if self._meta.concrete_model is not other._meta.concrete_model:
            return False
        if self.pk is None:
            return self is other
        return bool(self.pk == other.pk)

    def __hash__(self) -> int:
        if self.pk is None:
            raise TypeError("Model instances without a primary key value are unhashable.")
        return hash((self._meta.concrete_model, self.pk))

    def __str__(self) -> str:
        return f"{type(self).__name__} object ({self.pk})"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self}>"

    def serializable_value(self, field_name: str) -> Any:
        try:
            field = self._meta.get_field(field_name)
        except FieldDoesNotExist:
            return getattr(self, field_name)
        return getattr(self, field.attname)

    # ------------------------------------------------------------------ validation
    def clean(self) -> None:
        """Model-wide validation; override it and raise ValidationError (called by ``full_clean``)."""

    def clean_fields(self, exclude: Iterable[str] | None = None) -> None:
        """Clean every field (converting values in place); ValidationError with all problems, per field."""
        skip = set(exclude or ())
        errors: dict[str, list[str]] = {}
        for field in self._meta.concrete_fields:
            if field.name in skip:
                continue
            raw = getattr(self, field.attname)
            if field.blank and raw in field.empty_values:
                continue
            try:
                setattr(self, field.attname, field.clean(raw, self))
            except ValidationError as error:
                errors[field.name] = error.messages
        if errors:
            raise ValidationError(errors)

    def unique_checks(self, exclude: Iterable[str] | None = None) -> list[tuple[str, ...]]:
        skip = set(exclude or ())
        checks: list[tuple[str, ...]] = [
            (field.name,)
            for field in self._meta.concrete_fields
            if field.unique and not field.primary_key and field.name not in skip
        ]
        if self._meta.pk is not None and not self._adding and self._meta.pk.name not in skip:
            pass  # an existing row keeps its primary key
        elif self._meta.pk is not None and self.pk is not None and self._meta.pk.name not in skip:
            checks.append((self._meta.pk.name,))
        for together in self._meta.unique_together:
            if not skip.intersection(together):
                checks.append(tuple(together))
        from fastjango.orm.constraints import UniqueConstraint as OrmUnique

        for constraint in self._meta.constraints:
            if (
                isinstance(constraint, OrmUnique)
                and constraint.condition is None
                and not skip.intersection(constraint.fields)
            ):
                checks.append(tuple(constraint.fields))
        return checks

    def _unique_queries(self, exclude: Iterable[str] | None) -> list[tuple[tuple[str, ...], Any]]:
        queries = []
        for names in self.unique_checks(exclude):
            lookup: dict[str, Any] = {}
            for name in names:
                field = self._meta.get_field(name)
                value = getattr(self, field.attname)
                if value is None:
                    break  # NULLs never collide
                lookup[field.attname] = value
            else:
                queryset = type(self)._base_manager.filter(**lookup)
                if not self._adding and self.pk is not None:
                    queryset = queryset.exclude(pk=self.pk)
                queries.append((names, queryset))
        return queries

    def _unique_error(self, names: tuple[str, ...]) -> tuple[str, str]:
        meta = self._meta
        if len(names) == 1:
            field = meta.get_field(names[0])
            message = field.error_messages["unique"].format(
                model_name=meta.verbose_name.capitalize(), field_label=field.verbose_name
            )
            return names[0], message
        labels = ", ".join(str(meta.get_field(name).verbose_name) for name in names)
        return "__all__", f"{meta.verbose_name.capitalize()} with this {labels} already exists."

    def validate_unique(self, exclude: Iterable[str] | None = None) -> None:
        """Query for rows that would collide on a unique field or constraint (synchronous)."""
        errors: dict[str, list[str]] = {}
        for names, queryset in self._unique_queries(exclude):
            if queryset.exists():
                key, message = self._unique_error(names)
                errors.setdefault(key, []).append(message)
        if errors:
            raise ValidationError(errors)

    async def avalidate_unique(self, exclude: Iterable[str] | None = None) -> None:
        """``validate_unique()`` for async code."""
        errors: dict[str, list[str]] = {}
        for names, queryset in self._unique_queries(exclude):
            if await queryset.aexists():
                key, message = self._unique_error(names)
                errors.setdefault(key, []).append(message)
        if errors:
            raise ValidationError(errors)

    def _full_clean_local(self, exclude: Iterable[str] | None) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        try:
            self.clean_fields(exclude)
        except ValidationError as error:
            errors.update(error.message_dict)
        try:
            self.clean()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
        return errors

    def full_clean(self, exclude: Iterable[str] | None = None, validate_unique: bool = True) -> None:
        """``clean_fields()``, ``clean()`` and ``validate_unique()``; one ValidationError with every problem."""
        skip = set(exclude or ())
        errors = self._full_clean_local(skip)
        if validate_unique:
            try:
                self.validate_unique(skip | set(errors))
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    async def afull_clean(self, exclude: Iterable[str] | None = None, validate_unique: bool = True) -> None:
        """``full_clean()`` for async code (the uniqueness queries are awaited)."""
        skip = set(exclude or ())
        errors = self._full_clean_local(skip)
        if validate_unique:
            try:
                await self.avalidate_unique(skip | set(errors))
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    # ------------------------------------------------------------------ persistence
    def save(
        self,
        *,
        force_insert: bool = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        """Insert the object, or update its row: every concrete field (as Django does), or only ``update_fields``."""
        from fastjango.orm.persistence import save_instance

        save_instance(
            self, force_insert=force_insert, force_update=force_update, using=using, update_fields=update_fields
        )

    async def asave(
        self,
        *,
        force_insert: bool = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Iterable[str] | None = None,
    ) -> None:
        """``save()`` for async code."""
        from fastjango.orm.persistence import asave_instance

        await asave_instance(
            self, force_insert=force_insert, force_update=force_update, using=using, update_fields=update_fields
        )

    def delete(self, using: str | None = None) -> tuple[int, dict[str, int]]:
        """Delete the row and, following ``on_delete``, what refers to it: ``(total, {label: count})``."""
        from fastjango.orm.deletion import delete_objects

        return delete_objects([self], using=using)

    async def adelete(self, using: str | None = None) -> tuple[int, dict[str, int]]:
        """``delete()`` for async code."""
        from fastjango.orm.deletion import adelete_objects

        return await adelete_objects([self], using=using)

    def refresh_from_db(self, using: str | None = None, fields: Iterable[str] | None = None) -> None:
        """Reload field values from the database (all of them, or ``fields``)."""
        fresh = self._refresh_queryset(using).get()
        self._copy_loaded(fresh, fields)

    async def arefresh_from_db(self, using: str | None = None, fields: Iterable[str] | None = None) -> None:
        """``refresh_from_db()`` for async code."""
        fresh = await self._refresh_queryset(using).aget()
        self._copy_loaded(fresh, fields)

    def _refresh_queryset(self, using: str | None) -> QuerySet[Any]:
        # The whole row is read; _copy_loaded() copies only ``fields`` when they are given.
        if self.pk is None:
            raise ValueError(f"Cannot refresh {type(self).__name__} without a primary key value.")
        return type(self)._base_manager.db_manager(using).filter(pk=self.pk)

    def _copy_loaded(self, fresh: Model, fields: Iterable[str] | None) -> None:
        names = set(fields) if fields is not None else None
        for field in self._meta.concrete_fields:
            if names is not None and field.name not in names and field.attname not in names:
                continue
            if field.attname in fresh.__dict__:
                attributes.set_committed_value(self, field.attname, fresh.__dict__[field.attname])
            if isinstance(field, ForeignKey):
                self.__dict__.pop(field.name, None)  # a cached related object may be stale now

    async def arelated(self, name: str) -> Any:
        """The related object (forward foreign key) or the list of related objects, loaded with a query.

        ``await post.arelated("author")`` is the async way to read a relation
        that ``select_related()`` / ``prefetch_related()`` did not load.
        """
        from fastjango.orm.related import aload_relation

        return await aload_relation(self, name)

    @classmethod
    def check(cls) -> list[str]:
        """Problems with this model's declaration (for the system checks)."""
        problems = []
        for field in cls._meta.fields:
            if isinstance(field, ForeignKey) and not field.resolved:
                problems.append(f"{cls._meta.label}.{field.name}: target {field.to!r} is not defined.")
        return problems
