"""Relations: ``ForeignKey``, ``OneToOneField`` and ``ManyToManyField``, and the ``on_delete`` actions.

A foreign key ``author`` becomes the column ``author_id`` and, on the model, a
SQLAlchemy relationship ``Post.author`` (view-only: fastjango writes the column
itself), so ``select(Post).join(Post.author)`` works. Reading ``post.author``
returns the loaded object, loads it in synchronous code, and in async code
raises :class:`~fastjango.orm.exceptions.NotLoadedError` instead of blocking.
The target model gets a reverse accessor (``author.posts``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Unpack, cast, overload

from sqlalchemy import ForeignKey as SAForeignKey
from sqlalchemy.orm import MappedColumn, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.fields.base import Field, FieldOptions

if TYPE_CHECKING:
    from sqlalchemy.orm import InstrumentedAttribute

    from fastjango.orm.deletion import Collector
    from fastjango.orm.models.base import Model
    from fastjango.orm.related import ManyRelatedManager

__all__ = [
    "CASCADE",
    "DO_NOTHING",
    "PROTECT",
    "RESTRICT",
    "SET",
    "SET_DEFAULT",
    "SET_NULL",
    "ForeignKey",
    "ManyToManyField",
    "OnDelete",
    "OneToOneField",
]

_M = TypeVar("_M")
_R = TypeVar("_R")

#: ``on_delete(collector, field, sub_objects, using)``: what deleting a referenced row does to the referring rows.
OnDelete = Callable[["Collector", "ForeignKey[Any]", list[Any], str], None]


def CASCADE(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:  # noqa: N802
    """Delete the referring rows too (and what refers to them, in turn)."""
    collector.collect(sub_objs, source=field.model, nullable=field.null)


def PROTECT(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:  # noqa: N802
    """Refuse the delete with ``ProtectedError``."""
    collector.protect(field, sub_objs)


def RESTRICT(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:  # noqa: N802
    """Refuse, unless the referring rows are deleted anyway by a cascade in the same delete."""
    collector.restrict(field, sub_objs)


def SET_NULL(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:  # noqa: N802
    """Set the referring column to NULL (the field must have ``null=True``)."""
    collector.add_field_update(field, None, sub_objs)


def SET_DEFAULT(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:  # noqa: N802
    """Set the referring column to the field's default."""
    collector.add_field_update(field, field.get_default(), sub_objs)


def SET(value: Any) -> OnDelete:  # noqa: N802
    """Set the referring column to ``value`` (or to ``value()`` when it is callable)."""

    def set_on_delete(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:
        collector.add_field_update(field, value() if callable(value) else value, sub_objs)

    return set_on_delete


def DO_NOTHING(collector: Collector, field: ForeignKey[Any], sub_objs: list[Any], using: str) -> None:  # noqa: N802
    """Leave the referring rows alone (the database's own constraint decides)."""


class ForeignKey(Field[_M], Generic[_M]):
    """A many-to-one relation: ``author = ForeignKey(Author, on_delete=CASCADE, related_name="posts")``."""

    is_relation = True
    many_to_one = True
    one_to_one = False
    empty_strings_allowed = False

    @overload
    def __init__(
        self: ForeignKey[_R],
        to: type[_R],
        on_delete: OnDelete,
        *,
        null: Literal[False] = False,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: ForeignKey[_R | None],
        to: type[_R],
        on_delete: OnDelete,
        *,
        null: Literal[True],
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: ForeignKey[Any],
        to: str,
        on_delete: OnDelete,
        *,
        null: bool = False,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(
        self,
        to: Any,
        on_delete: OnDelete | None = None,
        *,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Any,
    ) -> None:
        if on_delete is None or not callable(on_delete):
            raise ImproperlyConfigured(
                f"ForeignKey({to!r}) needs on_delete, for example on_delete=CASCADE (delete the referring rows), "
                "PROTECT, RESTRICT, SET_NULL, SET_DEFAULT or DO_NOTHING."
            )
        options.setdefault("db_index", True)
        super().__init__(**options)
        self.to = to
        self.on_delete = on_delete
        self.related_name = related_name
        self.related_query_name_option = related_query_name
        self.to_field = to_field
        self.db_constraint = db_constraint
        if on_delete is SET_NULL and not self.null:
            self._set_null_error = True
        self.remote_model: type[Model] | None = None
        self.target_field: Field[Any] | None = None
        self.remote: ReverseRelation | None = None

    def set_attributes_from_name(self, name: str) -> None:
        super().set_attributes_from_name(name)
        self.attname = f"{name}_id"
        self.column = self.db_column or self.attname

    @property
    def resolved(self) -> bool:
        return self.remote_model is not None

    def resolve(self, remote_model: type[Model]) -> None:
        """Bind to the target model (now, or when a lazy reference is defined)."""
        self.remote_model = remote_model
        if self.to_field is None:
            if remote_model._meta.pk is None:
                raise ImproperlyConfigured(
                    f"{self.model.__name__}.{self.name}: {remote_model.__name__} has no primary key."
                )
            self.target_field = remote_model._meta.pk
        else:
            self.target_field = remote_model._meta.get_field(self.to_field)
            if not self.target_field.unique:
                raise ImproperlyConfigured(
                    f"{self.model.__name__}.{self.name}: to_field {self.to_field!r} must be unique on "
                    f"{remote_model.__name__}."
                )
        if getattr(self, "_set_null_error", False):
            raise ImproperlyConfigured(
                f"{self.model.__name__}.{self.name} has on_delete=SET_NULL, so it needs null=True."
            )

    def db_type(self) -> TypeEngine[Any]:
        assert self.target_field is not None
        rel_type = getattr(self.target_field, "rel_db_type", None)
        return rel_type() if rel_type is not None else self.target_field.db_type()

    def make_column(self) -> MappedColumn[Any]:
        assert self.remote_model is not None
        assert self.target_field is not None
        target = f"{self.remote_model._meta.db_table}.{self.target_field.column}"
        constraint: list[Any] = [SAForeignKey(target)] if self.db_constraint else []
        return mapped_column(
            self.column,
            self.db_type(),
            *constraint,
            primary_key=self.primary_key,
            nullable=self.null,
            unique=self.unique and not self.primary_key,
            index=self.db_index and not self.unique,
            comment=self.db_comment,
        )

    def make_relationship(self) -> Any:
        assert self.remote_model is not None
        assert self.target_field is not None
        remote = self.remote_model
        own_column = self.model.__table__.c[self.column]
        target_column = remote.__table__.c[self.target_field.column]
        return relationship(
            remote,
            primaryjoin=own_column == target_column,
            foreign_keys=[own_column],
            viewonly=True,
            lazy="raise_on_sql",
            uselist=False,
        )

    def related_query_name(self) -> str:
        """The name that filters from the target model use (``Author.objects.filter(post__title=...)``)."""
        if self.related_query_name_option:
            return self.related_query_name_option
        if self.related_name and self.related_name != "+":
            return self.related_name
        return self.model._meta.model_name

    def accessor_name(self) -> str | None:
        """The attribute on target instances (``author.post_set`` or ``related_name``); None for ``"+"``."""
        name = self.related_name or self.model._meta.default_related_name
        if name is not None:
            if name.endswith("+"):
                return None
            return name % {"class": self.model._meta.model_name, "app_label": self.model._meta.app_label}
        suffix = "" if self.one_to_one else "_set"
        return f"{self.model._meta.model_name}{suffix}"

    def get_prep_value(self, value: Any) -> Any:
        if value is not None and hasattr(value, "_meta"):
            value = getattr(value, self.target_field.attname if self.target_field else "pk")
        if self.target_field is not None:
            return self.target_field.get_prep_value(value)
        return value

    def to_python(self, value: Any) -> Any:
        if self.target_field is not None:
            return self.target_field.to_python(value)
        return value

    def value_from_object(self, instance: Model) -> Any:
        return getattr(instance, self.attname)

    def validate(self, value: Any, instance: Model) -> None:
        if value is None and not self.null:
            from fastjango.orm.exceptions import ValidationError

            raise ValidationError(self.error_messages["null"], "null")


class OneToOneField(ForeignKey[_M]):
    """A foreign key that is unique: the reverse accessor is one object (``user.profile``), not a manager."""

    many_to_one = False
    one_to_one = True

    @overload
    def __init__(
        self: OneToOneField[_R],
        to: type[_R],
        on_delete: OnDelete,
        *,
        null: Literal[False] = False,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: OneToOneField[_R | None],
        to: type[_R],
        on_delete: OnDelete,
        *,
        null: Literal[True],
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: OneToOneField[Any],
        to: str,
        on_delete: OnDelete,
        *,
        null: bool = False,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, to: Any, on_delete: OnDelete | None = None, **options: Any) -> None:
        options["unique"] = True
        # Through Any: ForeignKey's typing overloads describe concrete targets, not this generic self.
        cast("Any", super()).__init__(to, on_delete, **options)


class ReverseRelation:
    """What a foreign key adds to its target model: the reverse side used by filters, prefetch and deletes."""

    concrete = False
    is_relation = True
    primary_key = False

    def __init__(self, field: ForeignKey[Any]) -> None:
        self.field = field
        self.name = field.related_query_name()
        self.related_model = field.model
        self.accessor_name = field.accessor_name()
        self.one_to_one = field.one_to_one
        self.many_to_many = False
        self.multiple = not field.one_to_one

    def __repr__(self) -> str:
        return f"<ReverseRelation: {self.field.model.__name__}.{self.field.name}>"


class ManyToManyField(Field[_M], Generic[_M]):
    """A many-to-many relation through an automatic join table, or through a model of yours (``through=``)."""

    is_relation = True
    many_to_many = True
    concrete = False

    if TYPE_CHECKING:
        # On an instance the attribute is the relation's manager (``post.tags.aset([...])``), not a row.
        @overload  # type: ignore[override]
        def __get__(self, instance: None, owner: Any) -> InstrumentedAttribute[_M]: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> ManyRelatedManager: ...

        def __get__(self, instance: object | None, owner: Any) -> InstrumentedAttribute[_M] | ManyRelatedManager: ...

    @overload
    def __init__(
        self: ManyToManyField[_R],
        to: type[_R],
        *,
        related_name: str | None = None,
        related_query_name: str | None = None,
        through: type[Model] | str | None = None,
        through_fields: tuple[str, str] | None = None,
        db_table: str | None = None,
        symmetrical: bool | None = None,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    @overload
    def __init__(
        self: ManyToManyField[Any],
        to: str,
        *,
        related_name: str | None = None,
        related_query_name: str | None = None,
        through: type[Model] | str | None = None,
        through_fields: tuple[str, str] | None = None,
        db_table: str | None = None,
        symmetrical: bool | None = None,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(
        self,
        to: Any,
        *,
        related_name: str | None = None,
        related_query_name: str | None = None,
        through: Any = None,
        through_fields: tuple[str, str] | None = None,
        db_table: str | None = None,
        symmetrical: bool | None = None,
        **options: Any,
    ) -> None:
        if options.get("null"):
            raise ImproperlyConfigured("ManyToManyField has no null option: a relation is empty, not NULL.")
        options.setdefault("blank", True)
        super().__init__(**options)
        self.to = to
        self.related_name = related_name
        self.related_query_name_option = related_query_name
        self.through = through
        self.through_fields = through_fields
        self.db_table = db_table
        self.symmetrical = symmetrical
        self.remote_model: type[Model] | None = None
        self.through_model: type[Model] | None = None
        #: On the through model: the foreign key pointing at this side and the one pointing at the other.
        self.source_fk: ForeignKey[Any] | None = None
        self.target_fk: ForeignKey[Any] | None = None
        self.remote: ManyToManyReverse | None = None

    def contribute_to_class(self, cls: type[Model], name: str) -> None:
        self.set_attributes_from_name(name)
        self.model = cls

    def related_query_name(self) -> str:
        if self.related_query_name_option:
            return self.related_query_name_option
        if self.related_name and self.related_name != "+":
            return self.related_name
        return self.model._meta.model_name

    def accessor_name(self) -> str | None:
        if self.related_name:
            return None if self.related_name.endswith("+") else self.related_name
        if self.is_self_symmetrical():
            return None
        return f"{self.model._meta.model_name}_set"

    def is_self_symmetrical(self) -> bool:
        to_self = self.to == "self" or self.to is self.model or self.remote_model is self.model
        return to_self and (self.symmetrical if self.symmetrical is not None else self.through is None)


class ManyToManyReverse:
    """The reverse side of a many-to-many relation on its target model (``tag.post_set``)."""

    concrete = False
    is_relation = True
    primary_key = False
    one_to_one = False
    many_to_many = True
    multiple = True

    def __init__(self, field: ManyToManyField[Any]) -> None:
        self.field = field
        self.name = field.related_query_name()
        self.related_model = field.model
        self.accessor_name = field.accessor_name()

    def __repr__(self) -> str:
        return f"<ManyToManyReverse: {self.field.model.__name__}.{self.field.name}>"
