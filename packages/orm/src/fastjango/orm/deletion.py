"""Deleting objects the way Django does: the collector follows ``on_delete`` before anything is deleted.

Deleting an author first collects what refers to it: ``CASCADE`` rows are
collected too (and what refers to *them*), ``SET_NULL`` / ``SET_DEFAULT`` /
``SET(...)`` rows are scheduled for an update, ``PROTECT`` and ``RESTRICT``
stop the whole delete with an error naming the objects in the way. Then, in
one transaction, the updates run and the rows are deleted children first. The
database's own foreign key constraints are a second line, not the mechanism.

Collecting needs queries, so it is written as a plan that yields QuerySets to
evaluate: the same plan runs synchronously or awaited.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, update

from fastjango.orm.db.router import db_for_write
from fastjango.orm.exceptions import ProtectedError, RestrictedError
from fastjango.orm.fields.related import DO_NOTHING, ForeignKey, ReverseRelation

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model
    from fastjango.orm.query.queryset import QuerySet

__all__ = ["Collector", "adelete_objects", "delete_objects"]


class Collector:
    """What one delete touches; see the module docstring."""

    def __init__(self, using: str) -> None:
        self.using = using
        #: Objects to delete by model, in the order models were reached (parents first).
        self.data: dict[type[Model], dict[Any, Model]] = {}
        #: ``(field, value) -> objects`` whose column is set instead of deleting them.
        self.field_updates: dict[tuple[ForeignKey[Any], Any], dict[Any, Model]] = {}
        self.protected: list[tuple[ForeignKey[Any], list[Model]]] = []
        self.restricted: list[tuple[ForeignKey[Any], list[Model]]] = []
        self._pending: list[tuple[type[Model], list[Model]]] = []

    # ------------------------------------------------------------------ called by on_delete actions
    def collect(self, objs: list[Model], source: Any = None, nullable: bool = False) -> None:
        new: list[Model] = []
        for obj in objs:
            bucket = self.data.setdefault(type(obj), {})
            if obj.pk not in bucket:
                bucket[obj.pk] = obj
                new.append(obj)
        if new:
            self._pending.append((type(new[0]), new))

    def protect(self, field: ForeignKey[Any], objs: list[Model]) -> None:
        self.protected.append((field, objs))

    def restrict(self, field: ForeignKey[Any], objs: list[Model]) -> None:
        self.restricted.append((field, objs))

    def add_field_update(self, field: ForeignKey[Any], value: Any, objs: list[Model]) -> None:
        bucket = self.field_updates.setdefault((field, value), {})
        for obj in objs:
            bucket[obj.pk] = obj

    # ------------------------------------------------------------------ the plan
    def plan(self, objs: list[Model]) -> Generator[QuerySet[Any], list[Any], None]:
        """Collect everything; yields QuerySets and receives their rows."""
        self.collect(objs)
        while self._pending:
            model, batch = self._pending.pop(0)
            pks = [obj.pk for obj in batch]
            for relation in model._meta.related_objects:
                if not isinstance(relation, ReverseRelation):
                    continue
                field = relation.field
                if field.on_delete is DO_NOTHING:
                    continue
                target = field.target_field
                assert target is not None
                keys = pks if target.primary_key else [getattr(obj, target.attname) for obj in batch]
                queryset = relation.related_model._base_manager.using(self.using).filter(
                    **{f"{field.attname}__in": keys}
                )
                related = yield queryset
                if related:
                    field.on_delete(self, field, list(related), self.using)
        self._check_blockers()

    def _check_blockers(self) -> None:
        if self.protected:
            objects = [obj for _, objs in self.protected for obj in objs]
            field = self.protected[0][0]
            raise ProtectedError(
                f"Cannot delete some instances of model {field.remote_model.__name__ if field.remote_model else '?'} "
                f"because they are referenced through protected foreign keys: "
                f"'{field.model.__name__}.{field.name}' ({len(objects)} object(s)).",
                objects,
            )
        blocking = []
        for field, objs in self.restricted:
            deleted = self.data.get(type(objs[0]), {}) if objs else {}
            left = [obj for obj in objs if obj.pk not in deleted]
            if left:
                blocking.append((field, left))
        if blocking:
            objects = [obj for _, objs in blocking for obj in objs]
            field = blocking[0][0]
            raise RestrictedError(
                f"Cannot delete some instances of model {field.remote_model.__name__ if field.remote_model else '?'} "
                f"because they are referenced through restricted foreign keys: "
                f"'{field.model.__name__}.{field.name}' ({len(objects)} object(s)).",
                objects,
            )

    def statements(self) -> list[Any]:
        """The UPDATE and DELETE statements, in the order they must run."""
        result: list[Any] = []
        for (field, value), objs in self.field_updates.items():
            deleted = self.data.get(field.model, {})
            keep = [pk for pk in objs if pk not in deleted]
            if keep:
                table = field.model.__table__
                pk = field.model._meta.pk
                assert pk is not None
                result.append(
                    update(table)
                    .where(table.c[pk.column].in_(keep))
                    .values({field.column: field.get_prep_value(value)})
                )
        for model in reversed(list(self.data)):
            table = model.__table__
            pk = model._meta.pk
            assert pk is not None
            result.append(delete(table).where(table.c[pk.column].in_(list(self.data[model]))))
        return result

    def counts(self) -> tuple[int, dict[str, int]]:
        per_model = {model._meta.label: len(objs) for model, objs in self.data.items() if objs}
        return sum(per_model.values()), per_model

    def after_delete(self) -> None:
        """Deleted objects keep their attributes but lose their primary key, as in Django."""
        from sqlalchemy.orm import make_transient

        for (field, value), objs in self.field_updates.items():
            for obj in objs.values():
                obj.__dict__[field.attname] = value
        for objs in self.data.values():
            for obj in objs.values():
                make_transient(obj)
                pk = obj._meta.pk
                assert pk is not None
                obj.__dict__[pk.attname] = None


def _using(objs: list[Model], using: str | None) -> str:
    if using:
        return using
    return db_for_write(type(objs[0]), instance=objs[0]) if objs else "default"


def delete_objects(objs: list[Model], using: str | None = None) -> tuple[int, dict[str, int]]:
    from fastjango.orm import transaction
    from fastjango.orm.db.execution import ensure_sync_allowed, write_connection
    from fastjango.orm.hooks import call_delete_hooks

    if not objs:
        return 0, {}
    _check_saved(objs)
    ensure_sync_allowed("delete()")
    alias = _using(objs, using)
    collector = Collector(alias)
    with transaction.atomic(using=alias):
        plan = collector.plan(objs)
        try:
            queryset = next(plan)
            while True:
                queryset = plan.send(list(queryset))
        except StopIteration:
            pass
        for objects in collector.data.values():
            for obj in objects.values():
                call_delete_hooks("pre", obj, alias)
        with write_connection(alias) as connection:
            for statement in collector.statements():
                connection.execute(statement)
        counts = collector.counts()
        for objects in collector.data.values():
            for obj in objects.values():
                call_delete_hooks("post", obj, alias)
    collector.after_delete()
    return counts


async def adelete_objects(objs: list[Model], using: str | None = None) -> tuple[int, dict[str, int]]:
    import inspect

    from fastjango.orm import transaction
    from fastjango.orm.db.execution import awrite_connection
    from fastjango.orm.hooks import call_delete_hooks

    if not objs:
        return 0, {}
    _check_saved(objs)
    alias = _using(objs, using)
    collector = Collector(alias)
    async with transaction.atomic(using=alias):
        plan = collector.plan(objs)
        try:
            queryset = next(plan)
            while True:
                queryset = plan.send(await queryset.alist())
        except StopIteration:
            pass
        for objects in collector.data.values():
            for obj in objects.values():
                for result in call_delete_hooks("pre", obj, alias, asynchronous=True):
                    if inspect.isawaitable(result):
                        await result
        async with awrite_connection(alias) as connection:
            for statement in collector.statements():
                await connection.execute(statement)
        counts = collector.counts()
        for objects in collector.data.values():
            for obj in objects.values():
                for result in call_delete_hooks("post", obj, alias, asynchronous=True):
                    if inspect.isawaitable(result):
                        await result
    collector.after_delete()
    return counts


def _check_saved(objs: list[Model]) -> None:
    for obj in objs:
        if obj.pk is None:
            attname = obj._meta.pk.attname if obj._meta.pk else "pk"
            raise ValueError(
                f"{type(obj).__name__} object can't be deleted because its {attname} attribute is set to None."
            )
