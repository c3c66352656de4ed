"""Simple reads straight to the driver, skipping SQLAlchemy's ORM layer (sync and async).

Most reads an application makes are simple: one row by primary key, a page of
a table filtered by equality and ordered by its own columns. For those, the
ORM session, the statement's cache key and the ORM result layer cost several
times what the database driver does. A QuerySet of that shape is compiled once
per shape and dialect (by SQLAlchemy's own compiler, in the driver's
paramstyle), runs on a connection from the same pool (or, inside ``atomic()``,
on the block's own connection), and its rows become the same detached mapped
instances the ORM would have returned.

Everything else takes the ORM path, unchanged: joins, annotations, values(),
expressions, DISTINCT, locking, only()/defer(), models with SQLAlchemy
``load`` listeners or eager-loading relationships, and engines with
cursor-execution listeners besides fastjango's own (tracing instrumentation
sees every statement as before). Outside ``atomic()`` a driver error sends the
read down the ORM path too, which reports it the usual way (a read is safe to
repeat); inside, it is reported at once and the block must roll back.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Integer, and_, bindparam, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.util import await_only, greenlet_spawn

from fastjango.orm.db.connections import query_listeners
from fastjango.orm.db.execution import TransactionState, current_transaction, pool_error, resolve_database
from fastjango.orm.db.pool import lend_ready
from fastjango.orm.exceptions import FieldDoesNotExist
from fastjango.orm.fields.related import ForeignKey
from fastjango.orm.fields.scalar import JSONField
from fastjango.orm.query.compiler import integer_range
from fastjango.orm.query.expressions import Expression, Q

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect, Engine

    from fastjango.orm.db.connections import Database
    from fastjango.orm.models.base import Model
    from fastjango.orm.query.compiler import Compiler
    from fastjango.orm.query.queryset import QuerySet

__all__ = ["afetch_direct", "direct_equalities", "fetch_direct"]

#: Relationship loader strategies that load nothing when the parent row is read.
_LAZY_STRATEGIES = frozenset({"select", True, "raise", "raise_on_sql", "write_only", "dynamic"})
#: The driver fetches with its own prepared-statement cache; one plan per shape and dialect.
_MAX_PLANS_PER_DIALECT = 2000
_LIMIT, _OFFSET = "fj_limit", "fj_offset"

Processor = Callable[[Any], Any] | None


#: (model, filter keyword) -> (field, column name, integer range) if the keyword names an own column.
_equality_targets: dict[tuple[type[Any], str], tuple[Any, str, tuple[int, int] | None] | None] = {}


def _equality_target(model: type[Model], key: str) -> tuple[Any, str, tuple[int, int] | None] | None:
    cache_key = (model, key)
    try:
        return _equality_targets[cache_key]
    except KeyError:
        pass
    target = None
    name, _, lookup = key.partition("__")
    if lookup in ("", "exact"):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        column: str | None = getattr(model_field, "column", None)
        if (
            column is not None
            and column in model.__table__.c
            and getattr(model_field, "concrete", False)
            and not isinstance(model_field, JSONField)
        ):
            target = (model_field, column, integer_range(model_field))
    _equality_targets[cache_key] = target
    return target


def direct_equalities(compiler: Compiler, q: Q) -> tuple[tuple[str, Any], ...] | None:
    """``filter(a=1, b=x)`` as ``(("a", 1), ("b", x_pk))`` (column, value), if each is ``column = value``.

    Only keyword equalities on the queried model's own columns qualify, with a
    value the field prepares to a plain Python value; ``None`` (``IS NULL``),
    JSON documents, expressions, QuerySets and lookups other than ``exact``
    do not.
    """
    if q.negated or q.connector != Q.AND:
        return None
    model = compiler.model
    pairs = []
    for child in q.children:
        if type(child) is not tuple:
            return None
        key, value = child
        if value is None or isinstance(value, Expression | list | dict | set) or hasattr(value, "_as_subquery"):
            return None  # IS NULL, a document, an expression or a QuerySet
        target = _equality_target(model, key)
        if target is None:
            return None
        model_field, column, bounds = target
        prepared = compiler._prep(value, model_field)
        if prepared is None or isinstance(prepared, Expression) or hasattr(prepared, "__clause_element__"):
            return None
        if bounds is not None and type(prepared) is int and not bounds[0] <= prepared <= bounds[1]:
            return None  # matches nothing; the ORM path says so without asking the database
        pairs.append((column, prepared))
    return tuple(pairs)


@dataclass(eq=False)
class _Plan:
    """One compiled shape: its SQL and how to turn parameters in and rows out."""

    sql: str
    #: For each parameter of ``sql``: its index in the request's values (or -1 for a constant the
    #: dialect added, such as SQLite's ``OFFSET 0``), the constant, and its bind processor.
    parameters: list[tuple[int, Any, Processor]]
    #: The parameters' names for a named paramstyle (psycopg, PyMySQL); None when they are positional.
    names: tuple[str, ...] | None
    columns: list[Column[Any]]
    keys: list[str]
    pk_indexes: list[int]
    model: type[Model]
    dialect: Dialect
    #: (row index, processor) for the columns whose values the dialect converts; set by the first result.
    conversions: list[tuple[int, Callable[[Any], Any]]] | None = None
    identity_class: Any = None
    manager: Any = None
    state_class: Any = None

    def convert_with(self, type_codes: Sequence[Any]) -> None:
        conversions: list[tuple[int, Callable[[Any], Any]]] = []
        for index, (column, code) in enumerate(zip(self.columns, type_codes, strict=True)):
            processor = column.type.dialect_impl(self.dialect).result_processor(self.dialect, code)
            if processor is not None:
                conversions.append((index, processor))
        self.conversions = conversions

    def bind(self, values: Sequence[Any]) -> list[Any] | dict[str, Any]:
        bound = []
        for index, constant, process in self.parameters:
            value = constant if index < 0 else values[index]
            bound.append(value if process is None else process(value))
        return bound if self.names is None else dict(zip(self.names, bound, strict=True))

    def objects(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """Detached mapped objects, as SQLAlchemy's loader makes them for new rows (then detaches them)."""
        conversions = self.conversions
        assert conversions is not None
        keys, identity_class, model, manager = self.keys, self.identity_class, self.model, self.manager
        create, new_state = model.__new__, self.state_class
        pk_indexes = self.pk_indexes
        single_pk = pk_indexes[0] if len(pk_indexes) == 1 else None
        objects = []
        for row in rows:
            values: Sequence[Any] = row
            if conversions:
                values = list(row)
                for index, process in conversions:
                    values[index] = process(values[index])
            obj = create(model)
            state = new_state(obj, manager)
            namespace = obj.__dict__
            namespace["_sa_instance_state"] = state
            namespace.update(zip(keys, values, strict=True))
            identity = (values[single_pk],) if single_pk is not None else tuple([values[i] for i in pk_indexes])
            state.key = (identity_class, identity, None)
            objects.append(obj)
        return objects


def _order_columns(model: type[Model], ordering: Sequence[Any]) -> list[Any] | None:
    meta = model._meta
    table = model.__table__
    terms = []
    for term in ordering:
        if not isinstance(term, str) or term == "?":
            return None
        name = term.lstrip("-+")
        try:
            model_field = meta.get_field(name)
        except FieldDoesNotExist:
            return None
        column: str | None = getattr(model_field, "column", None)
        # Ordering by a foreign key's name orders by the related model's ordering: a join.
        if isinstance(model_field, ForeignKey) and name != model_field.attname:
            return None
        if column is None or column not in table.c or not getattr(model_field, "concrete", False):
            return None
        terms.append(table.c[column].desc() if term.startswith("-") else table.c[column].asc())
    return terms


def _build_plan(model: type[Model], shape: tuple[Any, ...], dialect: Dialect) -> _Plan | None:
    filter_columns, ordering, limited, offset = shape
    mapper = model.__mapper__
    table = model.__table__
    if mapper.inherits is not None or mapper.with_polymorphic or mapper.polymorphic_on is not None:
        return None
    if any(prop.lazy not in _LAZY_STRATEGIES for prop in mapper.relationships):
        return None
    if mapper.class_manager.STATE_ATTR != "_sa_instance_state":  # custom instrumentation: the ORM's way
        return None
    columns: list[Column[Any]] = []
    keys: list[str] = []
    for prop in mapper.column_attrs:
        if prop.deferred or len(prop.columns) != 1:
            return None
        column = prop.columns[0]
        if not isinstance(column, Column) or column.table is not table:
            return None
        columns.append(column)
        keys.append(prop.key)
    order = _order_columns(model, ordering)
    if order is None:
        return None
    statement = select(*columns)
    names = [f"fj_{index}" for index in range(len(filter_columns))]
    if names:
        conditions = [
            table.c[name] == bindparam(bind, type_=table.c[name].type)
            for name, bind in zip(filter_columns, names, strict=True)
        ]
        statement = statement.where(and_(*conditions) if len(conditions) > 1 else conditions[0])
    if order:
        statement = statement.order_by(*order)
    if limited:
        names.append(_LIMIT)
        statement = statement.limit(bindparam(_LIMIT, type_=Integer()))
    if offset:
        names.append(_OFFSET)
        statement = statement.offset(bindparam(_OFFSET, type_=Integer()))
    compiled = statement.compile(dialect=dialect)
    if compiled.positional:
        if compiled.positiontup is None:
            return None
        order, bind_names = list(compiled.positiontup), None
    else:
        if compiled.escaped_bind_names:  # names rendered differently from their keys: not a shape it knows
            return None
        order = list(compiled.binds)
        bind_names = tuple(order)
    index_of = {name: index for index, name in enumerate(names)}
    parameters: list[tuple[int, Any, Processor]] = []
    for name in order:
        parameter = compiled.binds[name]
        index = index_of.get(name, -1)
        if index < 0 and (parameter.required or parameter.callable is not None):
            return None  # a parameter this module did not put there and cannot fill: not a shape it knows
        processor = parameter.type.dialect_impl(dialect).bind_processor(dialect)
        parameters.append((index, parameter.value if index < 0 else None, processor))
    pk_columns: list[Any] = list(mapper.primary_key)
    return _Plan(
        sql=compiled.string,
        parameters=parameters,
        names=bind_names,
        columns=columns,
        keys=keys,
        pk_indexes=[columns.index(column) for column in pk_columns],
        model=model,
        dialect=dialect,
        identity_class=mapper._identity_class,
        manager=mapper.class_manager,
        state_class=mapper.class_manager._state_constructor,
    )


_plans: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], _Plan | None]] = weakref.WeakKeyDictionary()


def _plan_for(model: type[Model], shape: tuple[Any, ...], dialect: Dialect) -> _Plan | None:
    plans = _plans.get(dialect)
    if plans is None:
        plans = _plans[dialect] = {}
    key = (model, shape)
    try:
        return plans[key]
    except KeyError:
        pass
    if len(plans) >= _MAX_PLANS_PER_DIALECT:
        plans.clear()
    plan = plans[key] = _build_plan(model, shape, dialect)
    return plan


def _request(queryset: QuerySet[Any]) -> tuple[tuple[Any, ...], list[Any]] | None:
    """The shape of ``queryset`` and its parameter values, if it is simple enough to read directly."""
    qs = queryset
    if (
        qs._direct is None
        or qs._direct_clauses != len(qs._where)
        or qs._values is not None
        or qs._annotations
        or qs._select_related is not None
        or qs._distinct
        or qs._for_update is not None
        or qs._combinator is not None
        or qs._group_by is not None
        or qs._having
        or qs._deferred is not None
        or qs._compiler.joins
    ):
        return None
    ordering = qs._order if qs._order is not None else qs.model._meta.ordering
    values = [value for _, value in qs._direct]
    if qs._high is not None:
        values.append(qs._high - qs._low)
    if qs._low:
        values.append(qs._low)
    shape = (tuple(name for name, _ in qs._direct), tuple(ordering), qs._high is not None, bool(qs._low))
    return shape, values


def _quiet(engine: Engine) -> bool:
    """No cursor-execution listener on ``engine`` besides fastjango's own query announcer."""
    dispatch = engine.dispatch
    return len(dispatch.before_cursor_execute) <= 1 and not dispatch.after_cursor_execute


def _direct_read(
    queryset: QuerySet[Any], alias: str, engine_of: Callable[[Database], Engine]
) -> tuple[Engine, Database, str, tuple[Any, ...], list[Any]] | None:
    """Where and what to read directly: (engine, database, alias, shape, values); None for the ORM path."""
    request = _request(queryset)
    if request is None or queryset.model._sa_class_manager.dispatch.load:
        return None
    name, database = resolve_database(alias)
    engine = engine_of(database)
    if not _quiet(engine):
        return None
    shape, values = request
    return engine, database, name, shape, values


def _block(alias: str, is_async: bool) -> tuple[TransactionState, Connection] | None:
    """The open ``atomic()`` block for ``alias`` and its connection, if it can take a read of this kind.

    A block of the other kind, or one that must roll back, leaves the read to the
    ORM path, which raises the error that explains it.
    """
    state = current_transaction(alias)
    if state is None or state.is_async != is_async or state.needs_rollback:
        return None
    connection = state.async_connection().sync_connection if is_async else state.sync_connection()
    assert connection is not None  # an open block's connection has begun
    return state, connection


def fetch_direct(queryset: QuerySet[Any], alias: str) -> list[Any] | None:
    """The objects of ``queryset`` read straight through the sync driver, or None to take the ORM path."""
    read = _direct_read(queryset, alias, _sync_read_engine)
    if read is None:
        return None
    engine, database, name, shape, values = read
    if current_transaction(name) is not None:
        block = _block(name, is_async=False)
        return None if block is None else _read_in_block(*block, queryset.model, shape, values, name)
    try:
        return _read(engine, queryset.model, shape, values, name)
    except sa_exc.TimeoutError as error:
        raise pool_error(database) from error


async def afetch_direct(queryset: QuerySet[Any], alias: str) -> list[Any] | None:
    """The objects of ``queryset`` read straight through the async driver, or None to take the ORM path."""
    read = _direct_read(queryset, alias, _async_read_engine)
    if read is None:
        return None
    engine, database, name, shape, values = read
    if current_transaction(name) is not None:
        # Not shielded: when the caller is cancelled, the block rolls back on this connection.
        block = _block(name, is_async=True)
        if block is None:
            return None
        return await greenlet_spawn(_read_in_block, *block, queryset.model, shape, values, name)
    # Shielded: when the caller is cancelled (the client went away, a timeout), the read still
    # finishes in the background and gives its connection back in a known state; the caller is
    # released at once. (asyncpg would otherwise cancel the statement through a second connection.)
    reading: Awaitable[list[Any] | None]
    if engine.dialect.driver == "asyncpg":
        reading = _read_asyncpg(engine, queryset.model, shape, values, name)
    else:
        reading = greenlet_spawn(_read, engine, queryset.model, shape, values, name)
    task = asyncio.ensure_future(reading)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        task.add_done_callback(_forget)
        raise
    except sa_exc.TimeoutError as error:
        raise pool_error(database) from error


def _read_in_block(
    state: TransactionState,
    connection: Connection,
    model: type[Model],
    shape: tuple[Any, ...],
    values: list[Any],
    alias: str,
) -> list[Any] | None:
    """Inside ``atomic()``: the statement on the block's own connection, in its transaction.

    Through the DB-API cursor (SQLAlchemy's adapter for the async drivers, which
    starts the driver's transaction if this is the block's first statement). An
    error cannot be retried on the ORM path here, since the transaction may be
    aborted: it is reported as SQLAlchemy reports it, and the block must roll
    back, as after a failed ORM query.
    """
    dialect = connection.dialect
    plan = _plan_for(model, shape, dialect)
    if plan is None:
        return None
    parameters = plan.bind(values)
    cursor = connection.connection.cursor()
    try:
        rows = _cursor_rows(cursor, plan, parameters, alias)
    except Exception as error:
        state.needs_rollback = True
        if isinstance(error, dialect.loaded_dbapi.Error):
            raise sa_exc.DBAPIError.instance(
                plan.sql, parameters, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        raise
    finally:
        cursor.close()
    return plan.objects(rows)


def _sync_read_engine(database: Database) -> Engine:
    return database.sync_read_engine


def _async_read_engine(database: Database) -> Engine:
    return database.async_read_engine.sync_engine


def _forget(read: asyncio.Future[Any]) -> None:
    """Done callback of a read nobody waits for any more: take its outcome so asyncio does not log it."""
    if not read.cancelled():
        read.exception()


def _announce(alias: str, sql: str) -> None:
    for listener in query_listeners:
        listener(alias, sql)


def _read(
    engine: Engine, model: type[Model], shape: tuple[Any, ...], values: list[Any], alias: str
) -> list[Any] | None:
    """A pooled connection, the statement, the connection back; None to take the ORM path.

    Async reads run it in one greenlet, so checkout, statement and return cost one spawn.
    """
    raw = engine.raw_connection()
    try:
        plan = _plan_for(model, shape, engine.dialect)
        if plan is None:
            return None
        driver = engine.dialect.driver
        if driver == "asyncpg":
            rows = await_only(_asyncpg_fetch(raw, plan, values, alias))
        elif driver == "psycopg":
            rows = _psycopg_rows(engine, raw, plan, values, alias)
        else:
            rows = _dbapi_rows(engine, raw, plan, values, alias)
    finally:
        raw.close()
    return None if rows is None else plan.objects(rows)


async def _read_asyncpg(
    engine: Engine, model: type[Model], shape: tuple[Any, ...], values: list[Any], alias: str
) -> list[Any] | None:
    """``_read`` for asyncpg, without a greenlet when the pool has a ready connection idle.

    Then checkout and return are plain calls (the return does no I/O: no transaction
    was begun on the connection, and pools with return listeners are not lent from)
    and only the statement awaits. Otherwise, the whole read runs in the greenlet.
    """
    raw = lend_ready(engine) if _quiet_pool(engine) else None
    if raw is None:
        return await greenlet_spawn(_read, engine, model, shape, values, alias)
    try:
        plan = _plan_for(model, shape, engine.dialect)
        if plan is None:
            return None
        rows = await _asyncpg_fetch(raw, plan, values, alias)
    finally:
        raw.close()
    return None if rows is None else plan.objects(rows)


def _quiet_pool(engine: Engine) -> bool:
    """No pool listener that runs on a connection's return (and might do I/O there)."""
    dispatch = engine.pool.dispatch
    return not (dispatch.checkin or dispatch.reset)


async def _asyncpg_fetch(raw: Any, plan: _Plan, values: list[Any], alias: str) -> Sequence[Any] | None:
    """asyncpg's own ``fetch`` (its prepared-statement cache), skipping SQLAlchemy's DB-API adapter."""
    connection = raw.driver_connection
    try:
        parameters = plan.bind(values)
        if plan.conversions is None:
            prepared = await connection.prepare(plan.sql)
            plan.convert_with([attribute.type.oid for attribute in prepared.get_attributes()])
        _announce(alias, plan.sql)
        rows: Sequence[Any] = await connection.fetch(plan.sql, *parameters)
    except Exception:
        if connection.is_closed():
            raw.invalidate()
        return None  # the ORM path runs it again and reports what went wrong, the usual way
    return rows


def _psycopg_rows(engine: Engine, raw: Any, plan: _Plan, values: list[Any], alias: str) -> Sequence[Any] | None:
    """psycopg in autocommit for the read, as the ORM path reads outside ``atomic()``.

    A pooled connection is not in autocommit (SQLAlchemy sets it per checkout for the
    ORM path, not for a raw connection), so psycopg would send BEGIN before the SELECT
    and the pool a ROLLBACK after it. The flag is client-side; it is put back before the
    connection returns to the pool.
    """
    connection = raw.driver_connection
    if connection.autocommit:
        return _dbapi_rows(engine, raw, plan, values, alias)
    try:
        connection.autocommit = True
    except Exception:
        return None  # in a transaction, which a pooled connection never is: the ORM path
    try:
        return _dbapi_rows(engine, raw, plan, values, alias)
    finally:
        if not connection.closed:
            try:
                connection.autocommit = False
            except Exception:
                raw.invalidate()  # never back to the pool in autocommit


def _cursor_rows(cursor: Any, plan: _Plan, parameters: Any, alias: str) -> Sequence[Any]:
    """Run the plan on a DB-API cursor; the first result also fixes the plan's type conversions."""
    _announce(alias, plan.sql)
    cursor.execute(plan.sql, parameters)
    rows: Sequence[Any] = cursor.fetchall()
    if plan.conversions is None:
        plan.convert_with([column[1] for column in cursor.description])
    return rows


def _dbapi_rows(engine: Engine, raw: Any, plan: _Plan, values: list[Any], alias: str) -> Sequence[Any] | None:
    """A DB-API cursor: sqlite3, psycopg and PyMySQL, or aiosqlite and asyncmy through SQLAlchemy's adapter."""
    cursor = raw.cursor()
    try:
        rows = _cursor_rows(cursor, plan, plan.bind(values), alias)
    except Exception as error:
        if isinstance(error, engine.dialect.loaded_dbapi.Error) and engine.dialect.is_disconnect(
            error, raw.dbapi_connection, cursor
        ):
            raw.invalidate()
        return None  # the ORM path runs it again and reports what went wrong, the usual way
    finally:
        cursor.close()
    return rows
