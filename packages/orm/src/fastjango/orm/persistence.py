"""Writing rows: ``save()``, ``QuerySet.update()``, ``bulk_create()``, ``bulk_update()``.

Each write is a *plan*: a generator that yields SQLAlchemy Core statements and
receives their results. The same plan runs synchronously or awaited, so the
sync and async APIs cannot drift apart. Statements are Core ``insert`` /
``update`` on the model's table, not the ORM unit of work: a model instance is
not attached to any session, as in Django.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Executable, case, insert, inspect, update
from sqlalchemy.orm import make_transient_to_detached

from fastjango.orm.db.connections import get_databases
from fastjango.orm.db.execution import awrite_connection, ensure_sync_allowed, write_connection
from fastjango.orm.db.router import db_for_write
from fastjango.orm.exceptions import FieldError, ImproperlyConfigured
from fastjango.orm.fields.related import ForeignKey
from fastjango.orm.query.expressions import Expression

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model
    from fastjango.orm.query.queryset import QuerySet

__all__ = [
    "abulk_insert",
    "abulk_update",
    "asave_instance",
    "aupdate_queryset",
    "bulk_insert",
    "bulk_update",
    "save_instance",
    "update_queryset",
]

#: A plan yields a statement, or ``(statement, rows)`` for an executemany, and receives its result.
Plan = Generator[Executable | tuple[Executable, list[dict[str, Any]]], Any, Any]


def _run(plan: Plan, alias: str | None, operation: str) -> Any:
    ensure_sync_allowed(operation)
    with write_connection(alias) as connection:
        try:
            step = next(plan)
            while True:
                step = plan.send(connection.execute(*step) if isinstance(step, tuple) else connection.execute(step))
        except StopIteration as stop:
            return stop.value


async def _arun(plan: Plan, alias: str | None) -> Any:
    async with awrite_connection(alias) as connection:
        try:
            step = next(plan)
            while True:
                result = await (connection.execute(*step) if isinstance(step, tuple) else connection.execute(step))
                step = plan.send(result)
        except StopIteration as stop:
            return stop.value


# ---------------------------------------------------------------------------- save


def _sync_related_ids(instance: Model) -> None:
    """Copy the key of each assigned related object into its ``<name>_id`` (it may have been saved since)."""
    for field in instance._meta.fields:
        if isinstance(field, ForeignKey) and field.name in instance.__dict__:
            related = instance.__dict__[field.name]
            if related is None:
                continue
            if related.pk is None:
                raise ValueError(
                    f"save() prohibited to prevent data loss due to unsaved related object {field.name!r}."
                )
            target = field.target_field
            value = getattr(related, target.attname) if target is not None else related.pk
            if instance.__dict__.get(field.attname) != value:
                setattr(instance, field.attname, value)


def _save_plan(instance: Model, force_insert: bool, force_update: bool, update_fields: list[str] | None) -> Plan:
    meta = instance._meta
    table = type(instance).__table__
    pk = meta.pk
    assert pk is not None
    adding = (instance._adding or force_insert) and not force_update
    if force_insert and force_update:
        raise ValueError("Cannot force both insert and update in save().")
    if update_fields is not None and adding:
        raise ValueError("Cannot save a new object with update_fields; save it fully first.")
    _sync_related_ids(instance)
    if not adding or (update_fields is not None):
        fields = [
            field
            for field in meta.concrete_fields
            if not field.primary_key
            and (update_fields is None or field.name in update_fields or field.attname in update_fields)
        ]
        values = {field.column: field.get_prep_value(field.pre_save(instance, False)) for field in fields}
        if instance.pk is None:
            raise ValueError(f"Cannot update a {type(instance).__name__} without a primary key value.")
        if not values:
            return None
        result = yield update(table).where(table.c[pk.column] == instance.pk).values(values)
        if result.rowcount == 0 and not (force_update or update_fields is not None):
            adding = True  # the row is gone: insert it again, as Django does
        elif result.rowcount == 0:
            from fastjango.orm.exceptions import DatabaseError

            raise DatabaseError(
                f"{'Forced update' if force_update else 'Save with update_fields'} did not affect any rows "
                f"({type(instance).__name__} with pk {instance.pk!r} does not exist)."
            )
        else:
            return None
    values = {}
    for field in meta.concrete_fields:
        value = field.pre_save(instance, True)
        if field.primary_key and value is None:
            continue  # the database assigns it
        values[field.column] = field.get_prep_value(value)
    result = yield insert(table).values(values)
    if instance.pk is None:
        key = result.inserted_primary_key
        if key is not None and key[0] is not None:
            setattr(instance, pk.attname, key[0])
    if inspect(instance).transient:  # a row saved again after its deletion elsewhere is detached already
        make_transient_to_detached(instance)
    return None


def _check_update_fields(instance: Model, update_fields: Iterable[str] | None) -> list[str] | None:
    if update_fields is None:
        return None
    names = list(update_fields)
    known = {name for field in instance._meta.concrete_fields for name in (field.name, field.attname)}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(
            f"update_fields names {', '.join(repr(n) for n in unknown)}, which "
            f"{'is not a field' if len(unknown) == 1 else 'are not fields'} of {type(instance).__name__}."
        )
    return names


def save_instance(
    instance: Model,
    *,
    force_insert: bool,
    force_update: bool,
    using: str | None,
    update_fields: Iterable[str] | None,
) -> None:
    from fastjango.orm.hooks import call_save_hooks

    names = _check_update_fields(instance, update_fields)
    if names is not None and not names:
        return
    alias = using or db_for_write(type(instance), instance=instance)
    created = instance._adding and not force_update
    call_save_hooks("pre", instance, alias, created, names)
    _run(_save_plan(instance, force_insert, force_update, names), alias, f"{type(instance).__name__}.save()")
    instance.__dict__["_fj_db"] = alias
    call_save_hooks("post", instance, alias, created, names)


async def asave_instance(
    instance: Model,
    *,
    force_insert: bool,
    force_update: bool,
    using: str | None,
    update_fields: Iterable[str] | None,
) -> None:
    from fastjango.orm.hooks import acall_save_hooks

    names = _check_update_fields(instance, update_fields)
    if names is not None and not names:
        return
    alias = using or db_for_write(type(instance), instance=instance)
    created = instance._adding and not force_update
    await acall_save_hooks("pre", instance, alias, created, names)
    await _arun(_save_plan(instance, force_insert, force_update, names), alias)
    instance.__dict__["_fj_db"] = alias
    await acall_save_hooks("post", instance, alias, created, names)


# ---------------------------------------------------------------------------- QuerySet.update


def _update_plan(queryset: QuerySet[Any], values: dict[str, Any]) -> Plan:
    if not values:
        raise ValueError("update() needs at least one field=value.")
    model = queryset.model
    meta = model._meta
    table = model.__table__
    compiler = queryset._compiler
    assignments: dict[str, Any] = {}
    for name, value in values.items():
        try:
            field = meta.get_field(name)
        except Exception:
            raise FieldError(f"{model.__name__} has no field named {name!r}.") from None
        if not getattr(field, "concrete", False) or getattr(field, "many_to_many", False):
            raise FieldError(f"Cannot update {model.__name__}.{name}: it is not a column of its table.")
        if isinstance(value, Expression):
            assignments[field.column] = value.resolve(compiler)
        else:
            if isinstance(field, ForeignKey) and value is not None and hasattr(value, "_meta"):
                value = value.pk
            assignments[field.column] = field.get_prep_value(value)
    pk = meta.pk
    assert pk is not None
    statement = update(table).values(assignments)
    if compiler.joins or queryset._low or queryset._high is not None:
        statement = statement.where(table.c[pk.column].in_(queryset.values_list("pk", flat=True)._build(ordered=False)))
    elif queryset._where:
        statement = statement.where(*queryset._where_clauses())
    result = yield statement
    return result.rowcount


def update_queryset(queryset: QuerySet[Any], values: dict[str, Any]) -> int:
    if queryset._empty:
        return 0
    alias = queryset._db or db_for_write(queryset.model)
    return int(_run(_update_plan(queryset, values), alias, "update()"))


async def aupdate_queryset(queryset: QuerySet[Any], values: dict[str, Any]) -> int:
    if queryset._empty:
        return 0
    alias = queryset._db or db_for_write(queryset.model)
    return int(await _arun(_update_plan(queryset, values), alias))


# ---------------------------------------------------------------------------- bulk


def _batches(items: list[Any], size: int | None) -> Iterable[list[Any]]:
    if not items:
        return []
    step = size or len(items)
    if step <= 0:
        raise ValueError("batch_size must be a positive integer.")
    return (items[start : start + step] for start in range(0, len(items), step))


def _bulk_insert_plan(
    model: type[Model],
    objs: list[Model],
    vendor: str,
    batch_size: int | None,
    ignore_conflicts: bool,
    update_conflicts: bool,
    update_fields: Sequence[str] | None,
    unique_fields: Sequence[str] | None,
) -> Plan:
    meta = model._meta
    table = model.__table__
    pk = meta.pk
    assert pk is not None
    if ignore_conflicts and update_conflicts:
        raise ValueError("ignore_conflicts and update_conflicts are mutually exclusive.")
    if update_conflicts and not update_fields:
        raise ValueError("update_conflicts needs update_fields.")
    if update_conflicts and vendor in ("postgresql", "sqlite") and not unique_fields:
        raise ValueError("update_conflicts needs unique_fields on PostgreSQL and SQLite.")
    for obj in objs:
        if not isinstance(obj, model):
            raise TypeError(f"bulk_create() got a {type(obj).__name__}, expected {model.__name__} objects.")
        _sync_related_ids(obj)
    returning = vendor in ("postgresql", "sqlite", "mariadb") and not ignore_conflicts
    with_pk = [obj for obj in objs if obj.pk is not None]
    without_pk = [obj for obj in objs if obj.pk is None]
    for group, include_pk in ((with_pk, True), (without_pk, False)):
        fields = [field for field in meta.concrete_fields if include_pk or not field.primary_key]
        for batch in _batches(group, batch_size):
            rows = [
                {field.column: field.get_prep_value(field.pre_save(obj, True)) for field in fields} for obj in batch
            ]
            statement: Any = _conflict_insert(
                table, vendor, ignore_conflicts, update_conflicts, update_fields, unique_fields, meta
            )
            if returning and not include_pk:
                # executemany with RETURNING: SQLAlchemy batches it ("insertmanyvalues") in parameter order.
                result = yield (statement.returning(table.c[pk.column], sort_by_parameter_order=True), rows)
                for obj, key in zip(batch, result.scalars().all(), strict=True):
                    setattr(obj, pk.attname, key)
            else:
                yield (statement, rows)
            for obj in batch:
                if obj.pk is not None:
                    make_transient_to_detached(obj)
    return objs


def _conflict_insert(
    table: Any,
    vendor: str,
    ignore_conflicts: bool,
    update_conflicts: bool,
    update_fields: Sequence[str] | None,
    unique_fields: Sequence[str] | None,
    meta: Any,
) -> Any:
    if not (ignore_conflicts or update_conflicts):
        return insert(table)
    columns = [meta.get_field(name).column for name in update_fields or ()]
    unique = [meta.get_field(name).column for name in unique_fields or ()]
    if vendor in ("postgresql", "sqlite"):
        from sqlalchemy.dialects.postgresql import insert as pg_insert
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = (pg_insert if vendor == "postgresql" else sqlite_insert)(table)
        if ignore_conflicts:
            return statement.on_conflict_do_nothing()
        return statement.on_conflict_do_update(
            index_elements=unique, set_={column: statement.excluded[column] for column in columns}
        )
    if vendor in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        mysql_statement = mysql_insert(table)
        if ignore_conflicts:
            return mysql_statement.prefix_with("IGNORE")
        return mysql_statement.on_duplicate_key_update({column: mysql_statement.inserted[column] for column in columns})
    raise ImproperlyConfigured(f"Conflict handling is not supported on {vendor}.")


def bulk_insert(
    queryset: QuerySet[Any],
    objs: list[Any],
    batch_size: int | None,
    ignore_conflicts: bool,
    update_conflicts: bool,
    update_fields: Sequence[str] | None,
    unique_fields: Sequence[str] | None,
) -> list[Any]:
    if not objs:
        return objs
    alias = queryset._db or db_for_write(queryset.model)
    vendor = get_databases()[alias].vendor
    plan = _bulk_insert_plan(
        queryset.model, objs, vendor, batch_size, ignore_conflicts, update_conflicts, update_fields, unique_fields
    )
    return list(_run(plan, alias, "bulk_create()"))


async def abulk_insert(
    queryset: QuerySet[Any],
    objs: list[Any],
    batch_size: int | None,
    ignore_conflicts: bool,
    update_conflicts: bool,
    update_fields: Sequence[str] | None,
    unique_fields: Sequence[str] | None,
) -> list[Any]:
    if not objs:
        return objs
    alias = queryset._db or db_for_write(queryset.model)
    vendor = get_databases()[alias].vendor
    plan = _bulk_insert_plan(
        queryset.model, objs, vendor, batch_size, ignore_conflicts, update_conflicts, update_fields, unique_fields
    )
    return list(await _arun(plan, alias))


def _bulk_update_plan(model: type[Model], objs: list[Model], names: Sequence[str], batch_size: int | None) -> Plan:
    meta = model._meta
    table = model.__table__
    pk = meta.pk
    assert pk is not None
    if not names:
        raise ValueError("bulk_update() needs field names.")
    fields = []
    for name in names:
        field = meta.get_field(name)
        if not getattr(field, "concrete", False) or field.primary_key or getattr(field, "many_to_many", False):
            raise ValueError(f"bulk_update() can only update concrete, non-primary-key fields; {name!r} is not one.")
        fields.append(field)
    if any(obj.pk is None for obj in objs):
        raise ValueError("All bulk_update() objects must have a primary key set.")
    total = 0
    for batch in _batches(objs, batch_size):
        pk_column = table.c[pk.column]
        assignments = {
            field.column: case(
                *[(pk_column == obj.pk, field.get_prep_value(getattr(obj, field.attname))) for obj in batch],
                else_=table.c[field.column],
            )
            for field in fields
        }
        result = yield update(table).where(pk_column.in_([obj.pk for obj in batch])).values(assignments)
        total += result.rowcount
    return total


def bulk_update(queryset: QuerySet[Any], objs: list[Any], fields: Sequence[str], batch_size: int | None) -> int:
    if not objs:
        return 0
    alias = queryset._db or db_for_write(queryset.model)
    return int(_run(_bulk_update_plan(queryset.model, objs, fields, batch_size), alias, "bulk_update()"))


async def abulk_update(queryset: QuerySet[Any], objs: list[Any], fields: Sequence[str], batch_size: int | None) -> int:
    if not objs:
        return 0
    alias = queryset._db or db_for_write(queryset.model)
    return int(await _arun(_bulk_update_plan(queryset.model, objs, fields, batch_size), alias))
