"""Proxy models (``class Meta: proxy = True``): another Python class over the same table.

A proxy is mapped by SQLAlchemy as single-table inheritance without a
discriminator column: the subclass gets a mapper of its own (so
``select(PublishedBook)`` and its QuerySets build ``PublishedBook`` objects)
but no table, so ``metadata`` and Alembic see only the concrete model's table.
Without ``polymorphic_identity`` SQLAlchemy keys the proxy's identity map
entries by the proxy class, so a row read as ``Book`` and as ``PublishedBook``
in one session gives two objects, as Django gives two instances.

Everything about the table (fields, primary key, constraints, reverse
relations) is the concrete model's: the proxy's ``_meta`` shares those
containers, so a relation added to the concrete model later is seen by its
proxies too. What a proxy may change is Python behaviour: managers, methods,
properties, ``ordering``, ``verbose_name``.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column
from sqlalchemy.orm import InstrumentedAttribute, MappedColumn, MapperProperty

from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.fields.base import Field
from fastjango.orm.fields.related import ForeignKey

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model
    from fastjango.orm.models.options import Options

__all__ = [
    "TABLE_OPTIONS",
    "declares_proxy",
    "inherited_relations",
    "prepare_proxy",
    "proxied_model",
    "proxies_of",
    "wrap_relations",
]

#: ``Meta`` options that shape the table; a proxy has no table of its own, so it may not set them.
TABLE_OPTIONS = ("db_table", "db_table_comment", "constraints", "indexes", "unique_together")


def declares_proxy(cls: type[Model]) -> bool:
    """Does the class's own ``class Meta`` say ``proxy = True``?"""
    meta = cls.__dict__.get("Meta")
    return meta is not None and bool(vars(meta).get("proxy", False))


def proxied_model(cls: type[Model]) -> type[Model]:
    """The one non-abstract model base of the proxy ``cls`` (a concrete model or another proxy)."""
    found: type[Model] | None = None
    for base in cls.__bases__:
        meta: Options | None = getattr(base, "_meta", None)
        if meta is None:
            continue  # a mixin, or Model itself
        if meta.abstract:
            fields = list(getattr(base, "_declared_fields", {}))
            if fields:
                raise ImproperlyConfigured(
                    f"Proxy model {cls.__name__} has the abstract base {base.__name__}, which declares fields "
                    f"({', '.join(fields)}); a proxy cannot add columns. Put the fields on the concrete model."
                )
            continue
        if found is None:
            found = base
        elif meta.concrete_model is not found._meta.concrete_model:
            raise ImproperlyConfigured(
                f"Proxy model {cls.__name__} has more than one non-abstract model base class "
                f"({found.__name__} and {base.__name__}); a proxy stands for exactly one table."
            )
    if found is None:
        raise ImproperlyConfigured(
            f"Proxy model {cls.__name__} has no non-abstract model base class: subclass the model it stands for."
        )
    return found


def prepare_proxy(cls: type[Model], parent: type[Model]) -> None:
    """Before mapping: check the class body and point ``cls._meta`` at the concrete model's table."""
    meta, parent_meta = cls._meta, parent._meta
    if meta.abstract:
        raise ImproperlyConfigured(f"{cls.__name__}.Meta sets both abstract and proxy; a model is one or the other.")
    declared = cls.__dict__["Meta"]
    table_options = [name for name in TABLE_OPTIONS if name in vars(declared)]
    if table_options:
        raise ImproperlyConfigured(
            f"Proxy model {cls.__name__} sets Meta.{', Meta.'.join(table_options)}; a proxy uses the table of "
            f"{parent_meta.concrete_model.__name__}, so set them there."
        )
    concrete = parent_meta.concrete_model._meta
    _check_no_columns(cls, concrete.model)
    meta.concrete_model = concrete.model
    meta.proxy_for_model = parent
    meta.db_table = concrete.db_table
    meta.db_table_comment = concrete.db_table_comment
    meta.managed = concrete.managed
    meta.unique_together = concrete.unique_together
    meta.constraints = concrete.constraints
    meta.indexes = concrete.indexes
    # Shared, not copied: reverse relations added to the concrete model later must show up here too.
    meta.fields = concrete.fields
    meta.many_to_many = concrete.many_to_many
    meta.related_objects = concrete.related_objects
    meta._by_name = concrete._by_name
    meta._by_attname = concrete._by_attname
    meta.pk = concrete.pk


def _check_no_columns(cls: type[Model], concrete: type[Model]) -> None:
    mapping = sorted({"__tablename__", "__table__", "__table_args__", "__mapper_args__"} & set(cls.__dict__))
    if mapping:
        raise ImproperlyConfigured(
            f"Proxy model {cls.__name__} sets {', '.join(mapping)}; a proxy is mapped onto the table of "
            f"{concrete.__name__} and has no SQLAlchemy table or mapper options of its own."
        )
    for name, value in cls.__dict__.items():
        if isinstance(value, Field | Column | MappedColumn | MapperProperty):
            raise ImproperlyConfigured(
                f"Proxy model {cls.__name__} declares the field {name!r}; a proxy cannot add fields or columns "
                f"(it shares the table of {concrete.__name__}). Add the field to {concrete.__name__}."
            )
    for name, annotation in inspect.get_annotations(cls).items():
        text = annotation if isinstance(annotation, str) else repr(annotation)
        if text.startswith(("Mapped[", "sqlalchemy.orm.Mapped[", "sqlalchemy.orm.base.Mapped[")):
            raise ImproperlyConfigured(
                f"Proxy model {cls.__name__} declares the mapped column {name!r}; a proxy cannot add columns "
                f"(it shares the table of {concrete.__name__}). Add it to {concrete.__name__}."
            )


@contextmanager
def inherited_relations(cls: type[Model]) -> Iterator[None]:
    """While SQLAlchemy maps the proxy ``cls``: its parents' relations as plain SQLAlchemy attributes.

    SQLAlchemy leaves out an inherited property that a class attribute of
    another kind hides, and the Django-style descriptors are such attributes;
    without this the proxy's mapper would have no relationships, and
    ``select_related()`` or joins from it would fail.
    """
    from fastjango.orm.related import ForwardRelationDescriptor

    hidden: list[tuple[type[Any], str, ForwardRelationDescriptor]] = []
    for klass in cls.__mro__[1:]:
        for name, value in list(vars(klass).items()):
            if isinstance(value, ForwardRelationDescriptor):
                hidden.append((klass, name, value))
                setattr(klass, name, value.inner)
    try:
        yield
    finally:
        for klass, name, value in hidden:
            setattr(klass, name, value)


def proxies_of(model: type[Model]) -> list[type[Model]]:
    """Every proxy model standing for ``model``'s table, proxies of proxies included."""
    found: list[type[Model]] = []
    pending: list[type[Any]] = list(model.__subclasses__())
    while pending:
        klass = pending.pop()
        meta = klass.__dict__.get("_meta")
        if meta is not None and meta.proxy and "__mapper__" in klass.__dict__:  # not one refused half-way
            found.append(klass)
        pending.extend(klass.__subclasses__())
    return found


def wrap_relations(cls: type[Model]) -> None:
    """Put the Django-style forward relation descriptors back on a proxy.

    SQLAlchemy instruments each inherited relationship on the subclass itself,
    which would hide the concrete model's descriptor (``post.author`` loading
    the object); each proxy gets its own, around its own instrumented attribute.
    """
    from fastjango.orm.related import ForwardRelationDescriptor

    for field in cls._meta.fields:
        if not isinstance(field, ForeignKey):
            continue
        inner = cls.__dict__.get(field.name)
        if isinstance(inner, InstrumentedAttribute):
            setattr(cls, field.name, ForwardRelationDescriptor(field, inner))
