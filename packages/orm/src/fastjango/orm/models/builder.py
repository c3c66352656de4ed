"""What happens when a ``Model`` subclass is created, in two steps around SQLAlchemy's mapping.

Before mapping: read ``class Meta``, collect the fields (the class's own and
those of abstract parents), add the automatic ``id``, turn every field that can
be a column right now into a ``mapped_column``, and declare the table's
constraints. After mapping: wrap columns declared the SQLAlchemy way as fields,
wire relations (now, or when their target model is defined), bind the managers
and register the model. A proxy model skips the table steps: it is mapped onto
its concrete model's table (see :mod:`fastjango.orm.models.proxy`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Column, Index, UniqueConstraint

from fastjango.orm import exceptions
from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.fields.base import Field
from fastjango.orm.fields.related import (
    CASCADE,
    ForeignKey,
    ManyToManyField,
    ManyToManyReverse,
    ReverseRelation,
)
from fastjango.orm.fields.scalar import BigAutoField
from fastjango.orm.models.options import Options
from fastjango.orm.models.proxy import (
    declares_proxy,
    inherited_relations,
    prepare_proxy,
    proxied_model,
    proxies_of,
    wrap_relations,
)
from fastjango.orm.models.registry import models_registry, resolve_reference

if TYPE_CHECKING:
    from sqlalchemy.types import TypeEngine

    from fastjango.orm.models.base import Model

__all__ = ["ColumnField", "ModelBuilder"]


class ColumnField(Field[Any]):
    """A column declared the SQLAlchemy way (``x: Mapped[int] = mapped_column()``), seen as a field."""

    def __init__(self, column: Column[Any], key: str) -> None:
        super().__init__(primary_key=column.primary_key, null=bool(column.nullable), blank=bool(column.nullable))
        self.sa_column = column
        self.set_attributes_from_name(key)
        self.column = column.name

    def db_type(self) -> TypeEngine[Any]:
        return self.sa_column.type

    def validate(self, value: Any, instance: Model) -> None:
        if value is None and not self.null and not self.primary_key:
            raise exceptions.ValidationError(self.error_messages["null"], "null")


class ModelBuilder:
    """Builds one model class; see the module docstring."""

    def __init__(self, cls: type[Model]) -> None:
        self.cls = cls
        self.deferred_relations: list[ForeignKey[Any]] = []
        self.ready_relations: list[ForeignKey[Any]] = []
        self.many_to_many: list[ManyToManyField[Any]] = []

    # ------------------------------------------------------------------ before mapping
    def before_mapping(self) -> None:
        cls = self.cls
        proxy = declares_proxy(cls)
        parent = proxied_model(cls) if proxy else self._model_parent()
        if parent is not None and not parent._meta.abstract and not proxy:
            raise ImproperlyConfigured(
                f"{cls.__name__} subclasses the concrete model {parent.__name__}: multi-table inheritance is not "
                f"supported. Make {parent.__name__} abstract (class Meta: abstract = True) to share its fields, "
                f"or make {cls.__name__} a proxy (class Meta: proxy = True) to share its table."
            )
        meta = Options(cls, cls.__dict__.get("Meta"), parent._meta if parent is not None else None)
        cls._meta = meta
        self._exception_classes(parent)
        if proxy:
            assert parent is not None
            prepare_proxy(cls, parent)
            return  # SQLAlchemy maps it as single-table inheritance: no __tablename__, no columns
        declared = self._declared_fields(parent)
        if meta.abstract:
            cls._declared_fields = declared
            return

        cls.__tablename__ = meta.db_table
        has_sa_pk = any(
            getattr(getattr(value, "column", None), "primary_key", False)
            for value in cls.__dict__.values()
            if type(value).__name__ == "MappedColumn"
        )
        if not has_sa_pk and not any(field.primary_key for field in declared.values()):
            if "id" in declared:
                raise ImproperlyConfigured(
                    f"{cls.__name__} declares a field 'id' that is not the primary key; "
                    "set primary_key=True on it or on another field."
                )
            declared = {"id": BigAutoField(primary_key=True, verbose_name="ID"), **declared}

        for name, field in declared.items():
            if name in cls.__dict__ and cls.__dict__[name] is field:
                delattr(cls, name)  # the Field object gives way to the column / relation
            if isinstance(field, ManyToManyField):
                field.contribute_to_class(cls, name)
                meta.add_field(field)
                self.many_to_many.append(field)
            elif isinstance(field, ForeignKey):
                field.set_attributes_from_name(name)
                field.model = cls
                meta.add_field(field)
                target = resolve_reference(field.to, cls)
                if isinstance(target, type):
                    field.resolve(target)
                    setattr(cls, field.attname, field.make_column())
                    self.ready_relations.append(field)
                else:
                    if field.primary_key:
                        raise ImproperlyConfigured(
                            f"{cls.__name__}.{name} is the primary key, so its target {field.to!r} must be "
                            "defined before it (pass the class, not a string)."
                        )
                    self.deferred_relations.append(field)
            else:
                field.contribute_to_class(cls, name)
                meta.add_field(field)
            if field.choices is not None and f"get_{name}_display" not in cls.__dict__:
                setattr(cls, f"get_{name}_display", _display_method(field))
        self._table_args()

    def _model_parent(self) -> type[Model] | None:
        for base in self.cls.__mro__[1:]:
            if "_meta" in base.__dict__:
                return base
        return None

    def _exception_classes(self, parent: type[Model] | None) -> None:
        cls = self.cls
        for name in ("DoesNotExist", "MultipleObjectsReturned"):
            base = getattr(parent, name) if parent is not None else getattr(exceptions, _EXCEPTIONS[name])
            subclass = type(name, (base,), {"__module__": cls.__module__, "__qualname__": f"{cls.__qualname__}.{name}"})
            setattr(cls, name, subclass)

    def _declared_fields(self, parent: type[Model] | None) -> dict[str, Field[Any]]:
        inherited: dict[str, Field[Any]] = {}
        # Every abstract model among the bases gives its fields (Django's AbstractUser is
        # AbstractBaseUser + PermissionsMixin); the nearest in the MRO wins a name, and its order is kept.
        for base in self.cls.__mro__[1:]:
            meta = base.__dict__.get("_meta")
            if meta is not None and meta.abstract:
                for name, field in base.__dict__.get("_declared_fields", {}).items():
                    if name not in inherited:
                        inherited[name] = field.clone()
        # As Django (since 1.10): a field declared here replaces the abstract parent's of that name.
        own = {name: value for name, value in self.cls.__dict__.items() if isinstance(value, Field)}
        return {**inherited, **own}

    def _table_args(self) -> None:
        from fastjango.orm.constraints import CheckConstraint
        from fastjango.orm.constraints import UniqueConstraint as OrmUnique
        from fastjango.orm.indexes import Index as OrmIndex

        cls, meta = self.cls, self.cls._meta
        args: list[Any] = []

        def columns(names: tuple[str, ...] | list[str], where: str) -> list[str]:
            result = []
            for name in names:
                try:
                    field = meta.get_field(name.lstrip("-"))
                except exceptions.FieldDoesNotExist:
                    raise ImproperlyConfigured(f"{cls.__name__}.Meta.{where} names unknown field {name!r}.") from None
                result.append(field.column)
            return result

        for together in meta.unique_together:
            args.append(UniqueConstraint(*columns(together, "unique_together")))
        for constraint in meta.constraints:
            if isinstance(constraint, OrmUnique):
                if constraint.condition is None:
                    args.append(UniqueConstraint(*columns(constraint.fields, "constraints"), name=constraint.name))
            elif not isinstance(constraint, CheckConstraint):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.Meta.constraints holds {constraint!r}; use UniqueConstraint or CheckConstraint."
                )
        for index in meta.indexes:
            if not isinstance(index, OrmIndex):
                raise ImproperlyConfigured(f"{cls.__name__}.Meta.indexes holds {index!r}; use fastjango.orm.Index.")
            args.append(Index(index.name, *columns(index.fields, "indexes"), unique=False))
        existing = cls.__dict__.get("__table_args__")
        options: dict[str, Any] = {}
        if meta.db_table_comment:
            options["comment"] = meta.db_table_comment
        if isinstance(existing, dict):
            options.update(existing)
        elif isinstance(existing, tuple):
            if existing and isinstance(existing[-1], dict):
                options.update(existing[-1])
                existing = existing[:-1]
            args.extend(existing)
        if args or options:
            cls.__table_args__ = (*args, options) if options else tuple(args)

    def mapping(self) -> AbstractContextManager[None]:
        """What SQLAlchemy's mapping of the class runs inside (a proxy needs its parents' relations bare)."""
        return inherited_relations(self.cls) if self.cls._meta.proxy else nullcontext()

    # ------------------------------------------------------------------ after mapping
    def after_mapping(self) -> None:
        cls, meta = self.cls, self.cls._meta
        if meta.proxy:
            wrap_relations(cls)
            self._managers()
            from fastjango.orm.deferred import install_deferred_loader

            install_deferred_loader(cls)
            models_registry.register(cls)
            return
        known_columns = {field.column for field in meta.fields}
        for prop in cls.__mapper__.column_attrs:
            column = prop.columns[0]
            if isinstance(column, Column) and column.name not in known_columns:
                meta.add_field(ColumnField(column, prop.key))
        if meta.pk is None:
            raise ImproperlyConfigured(f"{cls.__name__} has no primary key.")
        table = cls.__table__
        for field in meta.fields:
            for constraint in field.table_constraints(table):
                table.append_constraint(constraint)
        self._check_constraints()
        for field in self.ready_relations:
            _install_relation(field)
        for field in self.deferred_relations:
            reference = resolve_reference(field.to, cls)
            assert not isinstance(reference, type)  # a deferred relation names a model not defined yet
            app_label, name = reference
            models_registry.lazy_operation(app_label, name, _deferred_relation(field), f"{cls.__name__}.{field.name}")
        for m2m in self.many_to_many:
            target = resolve_reference(m2m.to, cls)
            if isinstance(target, type):
                _install_many_to_many(m2m, target)
            else:
                models_registry.lazy_operation(
                    target[0],
                    target[1],
                    functools.partial(_install_many_to_many, m2m),
                    f"{cls.__name__}.{m2m.name}",
                )
        self._managers()
        from fastjango.orm.deferred import install_deferred_loader

        install_deferred_loader(cls)
        if meta.bound_alias is None:  # a model bound to one connection is not an application model
            models_registry.register(cls)

    def _check_constraints(self) -> None:
        from fastjango.orm.constraints import CheckConstraint
        from fastjango.orm.constraints import UniqueConstraint as OrmUnique

        for constraint in self.cls._meta.constraints:
            if isinstance(constraint, CheckConstraint) or (
                isinstance(constraint, OrmUnique) and constraint.condition is not None
            ):
                constraint.attach(self.cls)

    def _managers(self) -> None:
        from fastjango.orm.manager import Manager

        cls, meta = self.cls, self.cls._meta
        found: dict[str, tuple[int, Manager[Any]]] = {}
        for depth, klass in reversed(list(enumerate(cls.__mro__))):
            for name, value in vars(klass).items():
                if isinstance(value, Manager) and name not in ("_default_manager", "_base_manager"):
                    found.pop(name, None)
                    found[name] = (depth, value)

        # In declaration order, counting those inherited from abstract parents; Django picks the first one
        # as the default. A proxy puts its own managers first, then its parents' (nearest first), so its
        # default is its own, or that of the model it proxies, as in Django.
        def order(item: tuple[str, tuple[int, Manager[Any]]]) -> tuple[int, int]:
            depth, manager = item[1]
            return (depth if meta.proxy else 0, manager.creation_counter)

        own_first = [(name, manager) for name, (_, manager) in sorted(found.items(), key=order)]
        if not own_first:
            own_first = [("objects", Manager())]
        bound: dict[str, Manager[Any]] = {}
        for name, manager in own_first:
            copy_ = copy.copy(manager)
            copy_.bind(cls, name)
            setattr(cls, name, copy_)
            bound[name] = copy_
        default_name = meta.default_manager_name or next(iter(bound))
        if default_name not in bound:
            raise ImproperlyConfigured(f"{cls.__name__}.Meta.default_manager_name {default_name!r} is not a manager.")
        cls._default_manager = bound[default_name]
        base: Manager[Any] = Manager()
        base.bind(cls, "_base_manager")
        cls._base_manager = bound[meta.base_manager_name] if meta.base_manager_name else base


_EXCEPTIONS = {"DoesNotExist": "ObjectDoesNotExist", "MultipleObjectsReturned": "MultipleObjectsReturned"}


def _deferred_relation(field: ForeignKey[Any]) -> Any:
    def install(remote: type[Model]) -> None:
        model = field.model
        field.resolve(remote)
        column = field.make_column().column
        model.__table__.append_column(column)
        model.__mapper__.add_property(field.attname, column)
        _install_relation(field)

    return install


def _display_method(field: Field[Any]) -> Callable[[Any], Any]:
    """Django's ``get_<field>_display()``: the label of the field's current value, else the value itself."""
    assert field.choices is not None
    labels = dict(field.choices)

    def display(instance: Any) -> Any:
        value = getattr(instance, field.attname)
        try:
            return labels.get(value, value)
        except TypeError:  # an unhashable value (a JSON document) has no label
            return value

    display.__name__ = f"get_{field.name}_display"
    display.__doc__ = f"The label of {field.name}'s value (from its choices), or the value if it has none."
    return display


def detach_swapped_models() -> None:
    """Take the relations of swapped-out models off the models they point at (for the active project).

    A model module imported before any project was configured builds its
    relations as if nothing were swapped; the ORM calls this once the
    project's apps are loaded, so that ``Group.user_set`` and the delete
    cascades belong to the model ``AUTH_USER_MODEL`` names, never to the
    table-less ``auth.User``.
    """
    from fastjango.orm.related import ManyToManyDescriptor, ReverseManyDescriptor, ReverseOneToOneDescriptor

    for model in models_registry.get_models():
        if model._meta.swapped is None:
            continue
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            reverse = getattr(field, "remote", None)
            remote_model = getattr(field, "remote_model", None)
            if reverse is None or remote_model is None:
                continue
            options = remote_model._meta
            if reverse in options.related_objects:
                options.related_objects.remove(reverse)
                if options._by_name.get(reverse.name) is reverse:
                    del options._by_name[reverse.name]
            accessor = getattr(reverse, "accessor_name", None)
            owner = options.concrete_model
            descriptor = owner.__dict__.get(accessor) if accessor else None
            ours = (
                isinstance(descriptor, ReverseManyDescriptor | ReverseOneToOneDescriptor)
                and descriptor.relation is reverse
            ) or (isinstance(descriptor, ManyToManyDescriptor) and descriptor.reverse and descriptor.field is field)
            if ours and accessor:
                delattr(owner, accessor)


def _refuse_swapped_target(field: Field[Any], remote: type[Model]) -> None:
    swapped = remote._meta.swapped
    if swapped is not None:
        raise ImproperlyConfigured(
            f"{field.model.__name__}.{field.name} points at {remote._meta.label}, which the setting "
            f"{remote._meta.swappable} replaces with {swapped}; point it at settings.{remote._meta.swappable}."
        )


def _install_relation(field: ForeignKey[Any]) -> None:
    """The SQLAlchemy relationship, the Django-style descriptor and the reverse side on the target."""
    from fastjango.orm.related import (
        ForwardRelationDescriptor,
        ReverseManyDescriptor,
        ReverseOneToOneDescriptor,
    )

    model, remote = field.model, field.remote_model
    assert remote is not None
    model.__mapper__.add_property(field.name, field.make_relationship())
    inner = model.__dict__[field.name]
    setattr(model, field.name, ForwardRelationDescriptor(field, inner))
    for proxy in proxies_of(model):
        wrap_relations(proxy)  # SQLAlchemy instrumented the new relationship on them too
    reverse = ReverseRelation(field)
    field.remote = reverse
    if model._meta.swapped is not None:
        return  # a swapped-out model has no table: nothing may reach it from the other side
    _refuse_swapped_target(field, remote)
    remote._meta.add_related_object(reverse)
    # A relation to a proxy model is a relation to its table: the accessor lives on the concrete model.
    remote = remote._meta.concrete_model
    if reverse.accessor_name is not None:
        if reverse.accessor_name in remote.__dict__ and not isinstance(
            remote.__dict__[reverse.accessor_name], ReverseManyDescriptor | ReverseOneToOneDescriptor
        ):
            raise ImproperlyConfigured(
                f"{model.__name__}.{field.name}: the reverse accessor {remote.__name__}.{reverse.accessor_name} "
                "clashes with an attribute of that name; set related_name= to another name."
            )
        descriptor = ReverseOneToOneDescriptor(reverse) if field.one_to_one else ReverseManyDescriptor(reverse)
        setattr(remote, reverse.accessor_name, descriptor)


def _install_many_to_many(field: ManyToManyField[Any], remote: type[Model]) -> None:
    from fastjango.orm.models.base import Model
    from fastjango.orm.related import ManyToManyDescriptor

    model = field.model
    field.remote_model = remote
    if field.through is None:
        source_name = model._meta.model_name
        target_name = remote._meta.model_name
        if remote is model:
            source_name, target_name = f"from_{source_name}", f"to_{target_name}"
        meta = type(
            "Meta",
            (),
            {
                "db_table": field.db_table or f"{model._meta.db_table}_{field.name}",
                "app_label": model._meta.app_label,
                "unique_together": [(source_name, target_name)],
                "auto_created": model,
            },
        )
        # Creating the class builds and registers the through model (see Model.__init_subclass__).
        through = cast(
            "type[Model]",
            type(
                f"{model.__name__}_{field.name}",
                (Model,),
                {
                    "__module__": model.__module__,
                    "Meta": meta,
                    source_name: ForeignKey(model, CASCADE, related_name=f"{model.__name__}_{field.name}+"),
                    target_name: ForeignKey(remote, CASCADE, related_name=f"{model.__name__}_{field.name}_target+"),
                },
            ),
        )
        field.through_model = through
        field.source_fk = _foreign_key(through, source_name)
        field.target_fk = _foreign_key(through, target_name)
    else:
        target = resolve_reference(field.through, model)
        if not isinstance(target, type):
            models_registry.lazy_operation(
                target[0], target[1], lambda through: _bind_through(field, through), f"{model.__name__}.{field.name}"
            )
        else:
            _bind_through(field, target)
    setattr(model, field.name, ManyToManyDescriptor(field, reverse=False))
    reverse = ManyToManyReverse(field)
    field.remote = reverse
    if model._meta.swapped is not None:
        return  # see _install_relation
    _refuse_swapped_target(field, remote)
    remote._meta.add_related_object(reverse)
    if reverse.accessor_name is not None:
        setattr(remote._meta.concrete_model, reverse.accessor_name, ManyToManyDescriptor(field, reverse=True))


def _bind_through(field: ManyToManyField[Any], through: type[Model]) -> None:
    field.through_model = through
    model, remote = field.model, field.remote_model
    fks = [f for f in through._meta.fields if isinstance(f, ForeignKey)]
    if field.through_fields is not None:
        source, target = (_foreign_key(through, name) for name in field.through_fields)
    else:
        sources = [
            f
            for f in fks
            if resolve_reference(f.to, through) in (model, (model._meta.app_label, model._meta.model_name))
        ]
        targets = (
            [
                f
                for f in fks
                if resolve_reference(f.to, through) in (remote, (remote._meta.app_label, remote._meta.model_name))
            ]
            if remote
            else []
        )
        if remote is model:
            if len(sources) != 2:
                raise ImproperlyConfigured(
                    f"{model.__name__}.{field.name}: set through_fields on a self-referencing through model."
                )
            source, target = sources
        else:
            if len(sources) != 1 or len(targets) != 1:
                raise ImproperlyConfigured(
                    f"{model.__name__}.{field.name}: {through.__name__} needs exactly one foreign key to "
                    f"{model.__name__} and one to {remote.__name__ if remote else field.to} (or through_fields=)."
                )
            source, target = sources[0], targets[0]
    field.source_fk = source
    field.target_fk = target


def _foreign_key(through: type[Model], name: str) -> ForeignKey[Any]:
    """The foreign key ``name`` of a through model."""
    field = through._meta.get_field(name)
    if not isinstance(field, ForeignKey):
        raise ImproperlyConfigured(f"{through.__name__}.{name} must be a foreign key to be used as a through field.")
    return field
