"""``prefetch_related()``: one extra query per relation, whatever the number of objects.

``Author.objects.prefetch_related("books__reviews")`` loads the authors, then
all their books in one query, then all those books' reviews in one more, and
attaches each list to its owner, so ``author.books.all()`` and
``book.reviews.all()`` run no query (also in async code). A
many-to-many relation costs two queries (the join table, then the targets).
:class:`Prefetch` chooses the related QuerySet (filtered, ordered) and may
store the list on an attribute of its own (``to_attr``).

Like the other multi-query operations, the work is a plan that yields
QuerySets to evaluate, run synchronously or awaited.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import attributes

from fastjango.orm.db.router import db_for_instance
from fastjango.orm.exceptions import FieldError
from fastjango.orm.fields.related import ForeignKey, ManyToManyField, ManyToManyReverse, ReverseRelation

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model
    from fastjango.orm.query.queryset import QuerySet

__all__ = ["PREFETCH_CACHE", "Prefetch", "prefetch_plan"]

#: Where prefetched lists live on an instance: ``instance.__dict__[PREFETCH_CACHE][accessor]``.
PREFETCH_CACHE = "_fj_prefetched"

PrefetchPlan = Generator["QuerySet[Any]", list[Any], None]


class Prefetch:
    """A prefetch with its own QuerySet and, optionally, an attribute to store the list on.

    ``Prefetch("books", queryset=Book.objects.filter(published=True), to_attr="published_books")``
    """

    def __init__(self, lookup: str, queryset: QuerySet[Any] | None = None, to_attr: str | None = None) -> None:
        if queryset is not None and queryset._values is not None:
            raise ValueError("Prefetch querysets cannot use values() or values_list().")
        self.lookup = lookup
        self.queryset = queryset
        self.to_attr = to_attr

    def __repr__(self) -> str:
        return f"<Prefetch: {self.lookup}>"


def _relation(model: type[Model], name: str) -> Any:
    meta = model._meta
    for field in meta.fields:
        if isinstance(field, ForeignKey) and field.name == name:
            return field
    for field in meta.many_to_many:
        if field.name == name:
            return field
    for relation in meta.related_objects:
        if getattr(relation, "accessor_name", None) == name:
            return relation
    choices = sorted(
        [f.name for f in meta.fields if isinstance(f, ForeignKey)]
        + [f.name for f in meta.many_to_many]
        + [r.accessor_name for r in meta.related_objects if getattr(r, "accessor_name", None)]
    )
    raise FieldError(
        f"Cannot find {name!r} on {model.__name__} for prefetch_related(); relations are: {', '.join(choices)}."
    )


def _cache(instance: Model) -> dict[str, list[Any]]:
    cache: dict[str, list[Any]] | None = instance.__dict__.get(PREFETCH_CACHE)
    if cache is None:
        cache = instance.__dict__[PREFETCH_CACHE] = {}
    return cache


def _store(instance: Model, name: str, to_attr: str | None, objects: list[Any]) -> None:
    if to_attr:
        instance.__dict__[to_attr] = objects
    else:
        _cache(instance)[name] = objects


def _read_from(queryset: QuerySet[Any], objects: list[Model]) -> QuerySet[Any]:
    """Read related rows where the instances came from, unless ``using()`` or a router says otherwise."""
    if queryset._db is not None:
        return queryset
    alias = db_for_instance(queryset.model, objects[0])
    return queryset if alias is None else queryset.using(alias)


def prefetch_plan(instances: list[Model], lookups: Iterable[str | Prefetch]) -> PrefetchPlan:
    """Prefetch every lookup for ``instances``; yields QuerySets, receives their rows."""
    for lookup in lookups:
        prefetch = lookup if isinstance(lookup, Prefetch) else Prefetch(lookup)
        parts = prefetch.lookup.split("__")
        level: list[Any] = [obj for obj in instances if obj is not None]
        for depth, part in enumerate(parts):
            if not level:
                break
            last = depth == len(parts) - 1
            queryset = prefetch.queryset if last else None
            to_attr = prefetch.to_attr if last else None
            level = yield from _prefetch_one(level, part, queryset, to_attr)


def _prefetch_one(
    objects: list[Model], name: str, queryset: QuerySet[Any] | None, to_attr: str | None
) -> Generator[QuerySet[Any], list[Any], list[Any]]:
    model = type(objects[0])
    relation = _relation(model, name)
    if to_attr is None and all(name in (obj.__dict__.get(PREFETCH_CACHE) or {}) for obj in objects):
        # Already fetched by an earlier lookup ("books" before "books__reviews"): go one level down.
        return [item for obj in objects for item in obj.__dict__[PREFETCH_CACHE][name]]

    if isinstance(relation, ForeignKey):
        target = relation.target_field
        remote = relation.remote_model
        assert target is not None
        assert remote is not None
        keys = {obj.__dict__.get(relation.attname) for obj in objects} - {None}
        base = _read_from(queryset if queryset is not None else remote._base_manager.all(), objects)
        found: list[Any] = (yield base.filter(**{f"{target.attname}__in": list(keys)})) if keys else []
        by_key = {getattr(item, target.attname): item for item in found}
        for obj in objects:
            item = by_key.get(obj.__dict__.get(relation.attname))
            if to_attr:
                obj.__dict__[to_attr] = item
            else:
                attributes.set_committed_value(obj, relation.name, item)
        return found

    if isinstance(relation, ReverseRelation):
        fk = relation.field
        target = fk.target_field
        assert target is not None
        keys = {getattr(obj, target.attname) for obj in objects} - {None}
        base = _read_from(queryset if queryset is not None else relation.related_model._default_manager.all(), objects)
        found = (yield base.filter(**{f"{fk.attname}__in": list(keys)})) if keys else []
        groups: dict[Any, list[Any]] = {}
        owners = {getattr(obj, target.attname): obj for obj in objects}
        for item in found:
            key = item.__dict__.get(fk.attname)
            groups.setdefault(key, []).append(item)
            owner = owners.get(key)
            if owner is not None:
                attributes.set_committed_value(item, fk.name, owner)  # item.author needs no query either
        accessor = relation.accessor_name or relation.name
        for obj in objects:
            group = groups.get(getattr(obj, target.attname), [])
            if relation.one_to_one:
                if to_attr:
                    obj.__dict__[to_attr] = group[0] if group else None
                else:
                    obj.__dict__[f"_fj_cache_{accessor}"] = group[0] if group else None
            else:
                _store(obj, accessor, to_attr, group)
        return found

    if isinstance(relation, ManyToManyField | ManyToManyReverse):
        m2m = relation if isinstance(relation, ManyToManyField) else relation.field
        reverse = isinstance(relation, ManyToManyReverse)
        through = m2m.through_model
        assert through is not None
        assert m2m.source_fk is not None
        assert m2m.target_fk is not None
        near, far = (m2m.target_fk, m2m.source_fk) if reverse else (m2m.source_fk, m2m.target_fk)
        near_target, far_target = near.target_field, far.target_field
        far_model = m2m.model if reverse else m2m.remote_model
        assert near_target is not None
        assert far_target is not None
        assert far_model is not None
        keys = {getattr(obj, near_target.attname) for obj in objects} - {None}
        pairs: list[Any] = (
            (
                yield _read_from(through._base_manager.all(), objects)
                .filter(**{f"{near.attname}__in": list(keys)})
                .values_list(near.attname, far.attname)
            )
            if keys
            else []
        )
        far_keys = {far_key for _, far_key in pairs}
        base = _read_from(queryset if queryset is not None else far_model._default_manager.all(), objects)
        found = (yield base.filter(**{f"{far_target.attname}__in": list(far_keys)})) if far_keys else []
        linked: dict[Any, set[Any]] = {}
        for near_key, far_key in pairs:
            linked.setdefault(near_key, set()).add(far_key)
        accessor = (relation.accessor_name or relation.name) if isinstance(relation, ManyToManyReverse) else m2m.name
        for obj in objects:
            wanted = linked.get(getattr(obj, near_target.attname), set())
            # The related QuerySet's order, as Django keeps it.
            _store(obj, accessor, to_attr, [item for item in found if getattr(item, far_target.attname) in wanted])
        return found

    raise FieldError(f"{name!r} of {model.__name__} cannot be prefetched.")
