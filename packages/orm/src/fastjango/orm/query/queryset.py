"""``QuerySet``: Django's lazy, chainable query API, sync and async, compiled to SQLAlchemy ``select()``.

Every chaining method returns a new QuerySet; nothing runs until the QuerySet
is evaluated: iterated (``for`` / ``async for``), sliced with a step, turned
into a list, or asked for ``count()``, ``get()``, ``exists()``, ...  Each
evaluating method has an async twin with Django's name (``aget``, ``acount``,
``afirst``, ...). The SQLAlchemy statement behind a QuerySet is
:meth:`QuerySet.statement`.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from sqlalchemy import ColumnElement, Select, and_, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import iterate

from fastjango.orm.db.execution import aread_session, ensure_sync_allowed, read_session
from fastjango.orm.db.router import DEFAULT_DB_ALIAS
from fastjango.orm.deferred import mark_deferred
from fastjango.orm.exceptions import FieldError, TransactionManagementError
from fastjango.orm.query.compiler import Compiler
from fastjango.orm.query.direct import afetch_direct, direct_equalities, fetch_direct
from fastjango.orm.query.expressions import Expression, Q
from fastjango.orm.query.prefetch import prefetch_plan

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model

__all__ = ["MAX_GET_RESULTS", "QuerySet"]

_M = TypeVar("_M", bound="Model")

#: ``get()`` fetches at most this many rows to tell "several" from "one".
MAX_GET_RESULTS = 21
#: ``repr()`` shows at most this many objects.
REPR_OUTPUT_SIZE = 20


class Random(FunctionElement[float]):
    """``order_by("?")``: a random order on every database."""

    inherit_cache = True
    name = "random"


@compiles(Random)
def _random_default(element: Random, compiler: Any, **kw: Any) -> str:
    return "random()"


@compiles(Random, "mysql")
@compiles(Random, "mariadb")
def _random_mysql(element: Random, compiler: Any, **kw: Any) -> str:
    return "RAND()"


def _with_distinct_on(statement: Select[Any], columns: list[Any]) -> Select[Any]:
    """``SELECT DISTINCT ON (columns)``: SQLAlchemy 2.1's PostgreSQL extension, or 2.0's ``distinct(*columns)``."""
    try:
        from sqlalchemy.dialects.postgresql import distinct_on
    except ImportError:  # SQLAlchemy 2.0
        return statement.distinct(*columns)
    return statement.ext(distinct_on(*columns))


def _remember_database(objects: list[Any], alias: str) -> None:
    """Mark the objects ``select_related()`` joined in (at any depth) as read from ``alias`` too."""
    from fastjango.orm.models.base import Model

    pending = list(objects)
    while pending:
        obj = pending.pop()
        for value in list(obj.__dict__.values()):
            if isinstance(value, Model) and "_fj_db" not in value.__dict__:
                value.__dict__["_fj_db"] = alias
                pending.append(value)


class QuerySet(Generic[_M]):
    """A lazy database query for objects of one model; see the module docstring."""

    def __init__(self, model: type[_M], using: str | None = None) -> None:
        self.model = model
        self._db = using
        self._compiler = Compiler(model)
        #: WHERE conditions; a Q is an equality filter() left uncompiled (see _where_clauses()).
        self._where: list[ColumnElement[bool] | Q] = []
        #: The filters as (column, value) equalities while every one is that simple (see query/direct.py),
        #: and how many ``_where`` clauses they account for; None once any is not.
        self._direct: tuple[tuple[str, Any], ...] | None = ()
        self._direct_clauses = 0
        self._order: list[Any] | None = None  # None: the model's Meta.ordering
        self._low = 0
        self._high: int | None = None
        self._distinct = False
        self._distinct_fields: tuple[str, ...] = ()  # distinct(*fields): PostgreSQL's DISTINCT ON
        self._values: tuple[list[str], str] | None = None  # (names, "dict" | "tuple" | "flat" | "named")
        self._annotations: dict[str, Expression] = {}
        self._for_update: dict[str, Any] | None = None
        self._empty = False
        self._select_related: list[str] | None = None  # None: none; []: every non-null foreign key
        self._having: list[ColumnElement[bool]] = []
        #: only() / defer(): (field names, True for only)
        self._deferred: tuple[tuple[str, ...], bool] | None = None
        #: union / intersection / difference: (SQL operator, querysets, keep duplicates)
        self._combinator: tuple[str, list[QuerySet[Any]], bool] | None = None
        #: GROUP BY: None, "model" (every column of the model) or the names of values() fields.
        self._group_by: str | list[str] | None = None
        self._prefetch: list[Any] = []
        self._result_cache: list[Any] | None = None

    # ------------------------------------------------------------------ cloning
    def _clone(self) -> Self:
        # The hottest path of every query: a shallow copy of the attributes (not copy.copy(), several
        # times slower), then fresh copies of the mutable ones.
        clone = object.__new__(type(self))
        state = self.__dict__.copy()
        state["_compiler"] = self._compiler.clone()
        state["_where"] = list(self._where)
        state["_having"] = list(self._having) if self._having else []
        if isinstance(self._group_by, list):
            state["_group_by"] = list(self._group_by)
        if self._order is not None:
            state["_order"] = list(self._order)
        state["_annotations"] = dict(self._annotations) if self._annotations else {}
        if self._select_related is not None:
            state["_select_related"] = list(self._select_related)
        state["_prefetch"] = list(self._prefetch) if self._prefetch else []
        state["_result_cache"] = None
        clone.__dict__ = state
        return clone

    def _not_sliced(self, operation: str) -> None:
        if self._low or self._high is not None:
            raise TypeError(f"Cannot {operation} a query once a slice has been taken.")

    @property
    def db(self) -> str:
        """The database alias this QuerySet reads from."""
        from fastjango.orm.db.router import db_for_read

        return self._db or db_for_read(self.model)

    # ------------------------------------------------------------------ chaining
    def all(self) -> Self:
        return self._clone()

    def using(self, alias: str | None) -> Self:
        clone = self._clone()
        clone._db = alias
        return clone

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        """Rows matching every lookup (``filter(title__icontains="x", Q(a=1) | Q(b=2))``)."""
        return self._filter(Q(*args, **kwargs), negate=False, operation="filter")

    def exclude(self, *args: Any, **kwargs: Any) -> Self:
        """Rows not matching the lookups taken together (``NOT (a AND b)``), NULLs kept as Django keeps them."""
        return self._filter(Q(*args, **kwargs), negate=True, operation="exclude")

    def _filter(self, q: Q, *, negate: bool, operation: str) -> Self:
        self._not_sliced(operation)
        if self._combinator is not None:
            raise NotImplementedError(f"{operation}() after {self._combinator[0]}() is not supported (as in Django).")
        for child in q.children:
            if not isinstance(child, Q | tuple | Expression):
                raise TypeError(f"{operation}() arguments must be Q objects or expressions, not {child!r}.")
        clone = self._clone()
        if not q:
            return clone
        clone._compiler.call += 1
        if clone._direct is not None:
            equalities = None if negate else direct_equalities(clone._compiler, q)
            if equalities is not None:
                # Plain equalities on the model's own columns: the direct read path needs no SQLAlchemy
                # clause, so compiling one waits until a statement is built.
                clone._direct += equalities
                clone._direct_clauses += 1
                clone._where.append(q)
                return clone
            clone._direct = None
        clause = clone._compiler.compile_q(~q if negate else q)
        # A condition on an aggregate annotation belongs in HAVING, as Django puts it.
        (clone._having if self._refers_to_aggregate(q) else clone._where).append(clause)
        return clone

    def _where_clauses(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions as SQLAlchemy clauses, compiling the equalities filter() left as Q objects."""
        where = self._where
        for index, clause in enumerate(where):
            if isinstance(clause, Q):
                where[index] = self._compiler.compile_q(clause)
        return where  # type: ignore[return-value]

    def _refers_to_aggregate(self, q: Q) -> bool:
        for child in q.children:
            if isinstance(child, Q):
                if self._refers_to_aggregate(child):
                    return True
            elif isinstance(child, Expression):
                if child.contains_aggregate:
                    return True
            else:
                annotation = self._annotations.get(child[0].split("__", 1)[0])
                if annotation is not None and annotation.contains_aggregate:
                    return True
        return False

    def annotate(self, *args: Any, **kwargs: Any) -> Self:
        """Add a computed value to each object (or values() row): ``annotate(n=Count("books"))``.

        An aggregate groups the rows: by object, or by the values() fields when
        ``values()`` came first, as in Django.
        """
        self._not_sliced("annotate")
        clone = self._clone()
        named: dict[str, Expression] = {}
        for expression in args:
            if not hasattr(expression, "default_alias"):
                raise TypeError(f"annotate() takes positional aggregates only; name {expression!r} with a keyword.")
            named[expression.default_alias()] = expression
        named.update(kwargs)
        field_names = {
            name for field in self.model._meta.get_fields() for name in (field.name, getattr(field, "attname", None))
        }
        for name, expression in named.items():
            if not isinstance(expression, Expression):
                raise TypeError(
                    f"annotate({name}=...) needs an expression such as Count(), F() or Value(), not {expression!r}."
                )
            if name in field_names:
                raise ValueError(f"The annotation {name!r} conflicts with a field on the model.")
            clone._annotations[name] = expression
            clone._compiler.annotations[name] = expression
            if clone._values is not None:
                names, mode = clone._values
                clone._values = ([*names, name], mode)
            if expression.contains_aggregate and clone._group_by is None:
                if clone._values is not None:
                    clone._group_by = [n for n in clone._values[0] if n not in clone._annotations]
                else:
                    clone._group_by = "model"
        return clone

    def _aggregate_statement(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Select[Any], list[str]]:
        if self._combinator is not None:
            raise NotImplementedError(f"aggregate() after {self._combinator[0]}() is not supported (as in Django).")
        named: dict[str, Expression] = {}
        for expression in args:
            if not hasattr(expression, "default_alias"):
                raise TypeError(f"aggregate() takes positional aggregates only, not {expression!r}.")
            named[expression.default_alias()] = expression
        named.update(kwargs)
        if not named:
            raise TypeError("aggregate() needs at least one aggregate.")
        for name, expression in named.items():
            if not getattr(expression, "contains_aggregate", False):
                raise TypeError(f"{name!r} is not an aggregate expression.")
        if self._group_by is not None or self._low or self._high is not None or self._distinct:
            return self._aggregate_over_subquery(named), list(named)
        compiler = self._compiler.clone()
        columns = [expression.resolve(compiler).label(name) for name, expression in named.items()]
        statement = compiler.apply_joins(select(*columns).select_from(self.model))
        if self._where:
            statement = statement.where(*self._where_clauses())
        return statement, list(named)

    def _aggregate_over_subquery(self, named: dict[str, Expression]) -> Select[Any]:
        """Aggregate the rows of a grouped, sliced or distinct QuerySet, as Django does: over it as a subquery.

        The aggregates may name the model's fields and the QuerySet's
        annotations (``annotate(n=Count("books")).aggregate(Avg("n"))``); both
        are read from the subquery's columns. A field across a relation would
        need a join outside the subquery, which is refused with a clear error.
        """
        inner_qs = self._clone()
        inner_qs._select_related = None
        inner_qs._deferred = None
        inner_qs._prefetch = []
        sliced = bool(self._low or self._high is not None)
        inner = inner_qs._build(ordered=sliced).subquery()  # order only matters to pick a slice's rows
        # A fresh compiler: no joins of its own, the annotations read from the subquery.
        compiler = Compiler(self.model, dict(self._compiler.annotations))
        for name in self._annotations:
            compiler.resolved_annotations[name] = inner.c[name]
        adapter = ClauseAdapter(inner)
        columns = []
        for name, expression in named.items():
            adapted = adapter.traverse(expression.resolve(compiler))
            outside = [
                column for column in iterate(adapted) if isinstance(column, ColumnClause) and column.table is not inner
            ]
            if outside:
                raise NotImplementedError(
                    f"aggregate({name}=...) spans a relation, which is not supported over a grouped, sliced or "
                    "distinct QuerySet; annotate() the value first, then aggregate the annotation."
                )
            columns.append(adapted.label(name))
        return select(*columns).select_from(inner)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Aggregate values over the whole QuerySet: ``aggregate(Avg("price"), total=Sum("pages"))``."""
        statement, names = self._aggregate_statement(args, kwargs)
        if self._empty:
            return dict.fromkeys(names, None)
        ensure_sync_allowed("aggregate()")
        with read_session(self.db) as session:
            row = session.execute(statement).one()
        return dict(zip(names, row, strict=True))

    async def aaggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        statement, names = self._aggregate_statement(args, kwargs)
        if self._empty:
            return dict.fromkeys(names, None)
        async with aread_session(self.db) as session:
            row = (await session.execute(statement)).one()
        return dict(zip(names, row, strict=True))

    def none(self) -> Self:
        """A QuerySet that matches nothing and never queries."""
        clone = self._clone()
        clone._empty = True
        return clone

    def order_by(self, *fields: Any) -> Self:
        """Replace the ordering: field names (``"-created"``, ``"author__name"``), ``"?"`` or expressions."""
        self._not_sliced("reorder")
        clone = self._clone()
        clone._order = list(fields)
        return clone

    def reverse(self) -> Self:
        """The same rows in the opposite order."""
        clone = self._clone()
        terms = clone._effective_ordering() or [self._pk_name()]
        clone._order = [_flip(term) for term in terms]
        return clone

    def distinct(self, *fields: str) -> Self:
        """Each row once (``SELECT DISTINCT``); with field names, the first row of each group of them.

        ``distinct("author", ...)`` is PostgreSQL's ``DISTINCT ON``: order by the
        same columns first (``order_by("author_id", "-published")``; ``"author"``
        would follow Author's ``Meta.ordering``) to say which row of each group
        is kept. Other databases raise ``NotSupportedError``, as
        in Django.
        """
        if fields and (self._low or self._high is not None):
            raise TypeError("Cannot create distinct fields once a slice has been taken.")
        clone = self._clone()
        clone._distinct = True
        clone._distinct_fields = tuple(fields)
        return clone

    def values(self, *fields: str) -> QuerySet[Any]:
        """Dictionaries instead of objects: ``{"id": 1, "title": "..."}`` (all columns by default)."""
        return self._values_clone(list(fields), "dict")

    def values_list(self, *fields: str, flat: bool = False, named: bool = False) -> QuerySet[Any]:
        """Tuples instead of objects; ``flat=True`` with one field gives bare values, ``named=True`` namedtuples."""
        if flat and named:
            raise TypeError("values_list() takes flat or named, not both.")
        if flat and len(fields) != 1:
            raise TypeError("values_list(flat=True) needs exactly one field.")
        return self._values_clone(list(fields), "flat" if flat else ("named" if named else "tuple"))

    def _values_clone(self, fields: list[str], mode: str) -> QuerySet[Any]:
        clone = self._clone()
        if not fields:
            fields = [*[field.attname for field in self.model._meta.concrete_fields], *self._annotations]
        for name in fields:
            if name not in self._annotations:
                clone._compiler.resolve(name, allow_lookups=False)  # fail early on an unknown name
        clone._values = (fields, mode)
        return clone

    def only(self, *fields: str) -> Self:
        """Load just these fields (and the primary key); the others load on first access in sync code."""
        return self._defer_clone(fields, only=True)

    def defer(self, *fields: str | None) -> Self:
        """Do not load these fields until they are read (sync code); ``defer(None)`` clears it."""
        if fields == (None,):
            clone = self._clone()
            clone._deferred = None
            return clone
        names = tuple(name for name in fields if name is not None)
        previous = self._deferred
        if previous is not None and not previous[1]:
            names = (*previous[0], *names)
        return self._defer_clone(names, only=False)

    def _defer_clone(self, fields: tuple[str, ...], *, only: bool) -> Self:
        for name in fields:
            path, _, field_name = name.rpartition("__")
            model: Any = self.model
            if path:  # a field of a model select_related() joins in: author__name
                model = self._related_path(path, operation="only()/defer()")[-1].remote_model
            field = model._meta.get_field(field_name)
            if not getattr(field, "concrete", False) or getattr(field, "many_to_many", False):
                raise FieldError(f"{name!r} is not a column of {model.__name__}; only()/defer() take fields.")
            if field.primary_key and not only:
                raise FieldError("The primary key cannot be deferred.")
        clone = self._clone()
        clone._deferred = (tuple(fields), only)
        return clone

    def _deferred_plan(self) -> dict[str, list[str]]:
        """The attribute names left unloaded, per model: ``""`` for the queried one, else its select_related path.

        Django's rules: a field across a relation needs that relation in
        select_related(); only() must keep the foreign keys select_related()
        follows; a relation cannot be deferred and followed at once.
        """
        if self._deferred is None:
            return {}
        names, only = self._deferred
        joined = self._joined_paths()
        named: dict[str, set[str]] = {}
        for name in names:
            path, _, field_name = name.rpartition("__")
            if path and path not in joined:
                raise FieldError(
                    f"{'only' if only else 'defer'}({name!r}) names a field of a related model; add "
                    f"select_related({path!r}) so that model is loaded in the same query."
                )
            named.setdefault(path, set()).add(field_name)
        plan: dict[str, list[str]] = {}
        for path in ("", *joined):
            model: Any = self.model if not path else self._related_path(path)[-1].remote_model
            meta = model._meta
            chosen = {meta.get_field(name).attname for name in named.get(path, ())}
            # The foreign keys select_related() follows from this model: they must be loaded.
            depth = len(path.split("__")) if path else 0
            followed = {
                self._related_path(other)[depth].attname: other
                for other in joined
                if len(other.split("__")) == depth + 1 and (not path or other.startswith(f"{path}__"))
            }
            if only:
                if path and path not in named:
                    continue  # only() names nothing of this relation: all of it is loaded, as in Django
                # only("author__name") keeps author_id: the relation is named, so its key is implied.
                chosen |= {
                    key
                    for key, relation in followed.items()
                    if any(p == relation or p.startswith(f"{relation}__") for p in named)
                }
                clash = set(followed) - chosen
                unloaded = [f.attname for f in meta.concrete_fields if f.attname not in chosen and not f.primary_key]
            else:
                clash = chosen & set(followed)
                unloaded = sorted(chosen)
            if clash:
                field = next(f for f in meta.concrete_fields if f.attname in clash)
                hint = f"; add {field.name!r} to only()" if only else ""
                raise FieldError(
                    f"Field {model.__name__}.{field.name} cannot be both deferred and traversed using "
                    f"select_related() at the same time{hint}."
                )
            if unloaded:
                plan[path] = unloaded
        return plan

    def _deferred_attnames(self) -> list[str]:
        return self._deferred_plan().get("", [])

    def _joined_paths(self) -> list[str]:
        """Every relation path select_related() loads, prefixes included (``author``, ``author__publisher``)."""
        paths: list[str] = []
        for name in self._select_related_names():
            parts = name.split("__")
            for end in range(1, len(parts) + 1):
                prefix = "__".join(parts[:end])
                if prefix not in paths:
                    paths.append(prefix)
        return paths

    def select_related(self, *fields: str | None) -> Self:
        """Load these forward relations in the same query, with JOINs (``"author"``, ``"author__publisher"``).

        With no names: every non-null foreign key of the model. ``select_related(None)`` clears it.
        """
        clone = self._clone()
        if fields == (None,):
            clone._select_related = None
            return clone
        names = [name for name in fields if name is not None]
        for name in names:
            self._related_path(name)  # fail early on a wrong name
        clone._select_related = [*(clone._select_related or []), *names] if names else []
        return clone

    def prefetch_related(self, *lookups: Any) -> Self:
        """Load related objects with one extra query per relation (``"books"``, ``Prefetch(...)``)."""
        clone = self._clone()
        if lookups == (None,):
            clone._prefetch = []
            return clone
        clone._prefetch.extend(lookups)
        return clone

    def _related_path(self, name: str, operation: str = "select_related()") -> list[Any]:
        from fastjango.orm.fields.related import ForeignKey

        model: Any = self.model
        path = []
        for part in name.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldError:
                field = None
            if not isinstance(field, ForeignKey):
                choices = sorted(f.name for f in model._meta.fields if isinstance(f, ForeignKey))
                raise FieldError(
                    f"Invalid field name {part!r} in {operation} ({name!r}): it must be a foreign key or "
                    f"one-to-one field of {model.__name__}. Choices are: {', '.join(choices) or '(none)'}."
                )
            path.append(field)
            model = field.remote_model
        return path

    def _select_related_names(self) -> list[str]:
        """The paths given to select_related(); with none given, every non-null foreign key."""
        from fastjango.orm.fields.related import ForeignKey

        names = self._select_related
        if names is None:
            return []
        return names or [f.name for f in self.model._meta.fields if isinstance(f, ForeignKey) and not f.null]

    def _relation_option(self, path: str, joined: bool) -> Any:
        """A SQLAlchemy loader option along ``path``: JOINed loads, or only a way to its model's options."""
        from sqlalchemy.orm import defaultload, joinedload

        option: Any = None
        for field in self._related_path(path):
            attribute = getattr(field.model, field.name)
            if joined:
                option = (joinedload if option is None else option.joinedload)(attribute, innerjoin=not field.null)
            else:
                option = defaultload(attribute) if option is None else option.defaultload(attribute)
        return option

    def _joined_loads(self) -> list[Any]:
        return [self._relation_option(name, joined=True) for name in self._select_related_names()]

    def _defer_options(self, path: str, names: list[str]) -> list[Any]:
        """SQLAlchemy options leaving ``names`` unloaded on the model at ``path`` (``""``: the queried one)."""
        from sqlalchemy.orm import defer as sa_defer

        if not path:
            return [sa_defer(getattr(self.model, name)) for name in names]
        option = self._relation_option(path, joined=False)
        target = self._related_path(path)[-1].remote_model
        return [option.defer(getattr(target, name)) for name in names]

    def select_for_update(self, nowait: bool = False, skip_locked: bool = False, of: Sequence[str] = ()) -> Self:
        """Lock the selected rows until the end of the transaction (``SELECT ... FOR UPDATE``)."""
        if nowait and skip_locked:
            raise ValueError("nowait and skip_locked cannot be used together.")
        clone = self._clone()
        clone._for_update = {"nowait": nowait, "skip_locked": skip_locked, "of": tuple(of)}
        return clone

    # ------------------------------------------------------------------ statement
    def _pk_name(self) -> str:
        pk = self.model._meta.pk
        assert pk is not None
        return pk.name

    def _effective_ordering(self) -> list[Any]:
        return list(self._order) if self._order is not None else list(self.model._meta.ordering)

    @property
    def ordered(self) -> bool:
        """Does this QuerySet have an ordering (explicit or from ``Meta.ordering``)?"""
        return bool(self._effective_ordering())

    def statement(self) -> Select[Any]:
        """The SQLAlchemy ``Select`` this QuerySet runs (the escape hatch to SQLAlchemy)."""
        return self._build()

    def _columns(self) -> list[Any]:
        assert self._values is not None
        names, _ = self._values
        columns = []
        for name in names:
            if name in self._annotations:
                columns.append(self._compiler.resolve_annotation(name).label(name))
            else:
                columns.append(self._compiler.resolve_ref(name).label(name))
        return columns

    def _build(self, *, ordered: bool = True) -> Select[Any]:
        if self._combinator is not None:
            return self._build_combined(ordered=ordered)
        compiler = self._compiler
        if self._values is not None:
            statement: Select[Any] = select(*self._columns())
        else:
            annotations = [compiler.resolve_annotation(name).label(name) for name in self._annotations]
            statement = select(self.model, *annotations)
            loads = self._joined_loads()
            for path, names in self._deferred_plan().items():
                loads.extend(self._defer_options(path, names))
            if loads:
                statement = statement.options(*loads)
        order_terms: list[Any] = []
        if ordered:
            for term in self._effective_ordering():
                if term == "?":
                    order_terms.append(Random())
                else:
                    order_terms.extend(compiler.compile_order(term))
        distinct_on = self._distinct_on() if self._distinct_fields else []
        # Ordering and DISTINCT ON may add joins too, so joins are applied last.
        if compiler.joins:  # an explicit FROM only when joins need one to start from
            statement = compiler.apply_joins(statement.select_from(self.model))
        if self._where:
            where = self._where_clauses()
            statement = statement.where(and_(*where) if len(where) > 1 else where[0])
        if self._group_by == "model":
            statement = statement.group_by(*self.model.__table__.c)
        elif isinstance(self._group_by, list):
            statement = statement.group_by(*[compiler.resolve_ref(name) for name in self._group_by])
        if self._having:
            statement = statement.having(and_(*self._having))
        if order_terms:
            statement = statement.order_by(*order_terms)
        if distinct_on:
            statement = _with_distinct_on(statement, distinct_on)
        elif self._distinct:
            statement = statement.distinct()
        if self._high is not None:
            statement = statement.limit(self._high - self._low)
        if self._low:
            statement = statement.offset(self._low)
        if self._for_update is not None:
            statement = statement.with_for_update(
                nowait=self._for_update["nowait"], skip_locked=self._for_update["skip_locked"]
            )
        return statement

    def _distinct_on(self) -> list[Any]:
        from fastjango.orm.db.connections import get_databases
        from fastjango.orm.exceptions import NotSupportedError

        vendor = get_databases()[self.db].vendor
        if vendor != "postgresql":
            raise NotSupportedError(
                f"distinct({', '.join(map(repr, self._distinct_fields))}) needs DISTINCT ON, which only PostgreSQL "
                f"has (database {self.db!r} is {vendor}); use distinct() without fields, or values().annotate()."
            )
        return [self._compiler.resolve_ref(name) for name in self._distinct_fields]

    def _build_combined(self, *, ordered: bool) -> Select[Any]:
        from sqlalchemy import except_, except_all, intersect, intersect_all, union, union_all
        from sqlalchemy.orm import aliased

        assert self._combinator is not None
        kind, parts, keep_all = self._combinator
        operators = {
            ("union", False): union,
            ("union", True): union_all,
            ("intersection", False): intersect,
            ("intersection", True): intersect_all,
            ("difference", False): except_,
            ("difference", True): except_all,
        }
        compound = operators[(kind, keep_all)](*[part._build(ordered=False) for part in parts]).subquery()
        if self._values is not None:
            statement: Select[Any] = select(*compound.c)
            by_name = {column.key: column for column in compound.c}
        else:
            entity = aliased(self.model, compound)
            statement = select(entity)
            by_name = {field.name: getattr(entity, field.attname) for field in self.model._meta.concrete_fields}
            by_name.update(
                {field.attname: getattr(entity, field.attname) for field in self.model._meta.concrete_fields}
            )
            by_name["pk"] = getattr(entity, self._pk_name())
        if ordered:
            terms = []
            for term in self._effective_ordering():
                if not isinstance(term, str) or term.lstrip("-") not in by_name:
                    raise FieldError(
                        f"A combined QuerySet ({kind}) can only be ordered by its own columns, not {term!r}."
                    )
                column = by_name[term.lstrip("-")]
                terms.append(column.desc() if term.startswith("-") else column.asc())
            if terms:
                statement = statement.order_by(*terms)
        if self._high is not None:
            statement = statement.limit(self._high - self._low)
        if self._low:
            statement = statement.offset(self._low)
        return statement

    def _combine(self, kind: str, others: tuple[QuerySet[Any], ...], keep_all: bool) -> Self:
        candidates: list[QuerySet[Any]] = [self, *others]
        if any(qs._combinator is not None for qs in candidates):
            raise NotImplementedError("Combining an already combined QuerySet is not supported yet.")
        for part in candidates:
            if part._low or part._high is not None or part._prefetch or part._select_related is not None:
                raise TypeError(f"{kind}() takes QuerySets without slicing, select_related or prefetch_related.")
        clone = self._clone()
        parts: list[QuerySet[Any]] = [part._clone() for part in candidates]
        for part in parts:
            part._order = []
        clone._combinator = (kind, parts, keep_all)
        clone._order = []
        return clone

    def union(self, *others: QuerySet[Any], all: bool = False) -> Self:  # noqa: A002
        """Rows of this QuerySet or any of ``others`` (``UNION``; ``all=True`` keeps duplicates)."""
        return self._combine("union", others, all)

    def intersection(self, *others: QuerySet[Any]) -> Self:
        """Rows in this QuerySet and in every one of ``others`` (``INTERSECT``)."""
        return self._combine("intersection", others, False)

    def difference(self, *others: QuerySet[Any]) -> Self:
        """Rows in this QuerySet and in none of ``others`` (``EXCEPT``)."""
        return self._combine("difference", others, False)

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        """Stream the rows without caching them, fetching ``chunk_size`` (2000) at a time.

        The connection stays checked out until the iteration ends. With
        ``prefetch_related()``, each chunk gets its own prefetch queries.
        """
        ensure_sync_allowed("iterator()")
        size = self._chunk_size(chunk_size)
        self._check_for_update()
        statement = self._build()
        alias = self.db
        with read_session(alias, autocommit=False) as session:  # server-side cursors need a transaction
            result = session.execute(self._streamed(statement, size))
            for partition in result.partitions(size):
                rows = [row[0] for row in partition] if self._plain_rows() else partition
                objects = self._postprocess(rows, alias)
                self._prefetch_chunk(objects)
                yield from objects

    async def aiterator(self, chunk_size: int | None = None) -> AsyncIterator[_M]:
        """``iterator()`` for async code: ``async for obj in qs.aiterator(): ...``."""
        size = self._chunk_size(chunk_size)
        self._check_for_update()
        statement = self._build()
        alias = self.db
        async with aread_session(alias, autocommit=False) as session:  # server-side cursors need a transaction
            partitions = await self._apartitions(session, statement, size)
            async for partition in partitions:
                rows = [row[0] for row in partition] if self._plain_rows() else partition
                objects = self._postprocess(rows, alias)
                await self._aprefetch_chunk(objects)
                for obj in objects:
                    yield obj

    def _streams(self) -> bool:
        """Can this database stream rows while the same connection runs other queries?

        A MariaDB connection cannot, so there the rows are read at once and handed out in
        chunks (Django does the same there).
        """
        from fastjango.orm.db.connections import get_databases

        return get_databases()[self.db].vendor not in ("mysql", "mariadb")

    async def _apartitions(self, session: Any, statement: Select[Any], size: int) -> AsyncIterator[Sequence[Any]]:
        if not self._streams():
            buffered = await session.execute(statement)  # see _streamed()

            async def chunks() -> AsyncIterator[Sequence[Any]]:
                for partition in buffered.partitions(size):
                    yield partition

            return chunks()
        streamed = await session.stream(statement.execution_options(yield_per=size))
        return streamed.partitions(size)  # type: ignore[no-any-return]

    def _streamed(self, statement: Select[Any], size: int) -> Select[Any]:
        return statement.execution_options(yield_per=size) if self._streams() else statement

    def _chunk_size(self, chunk_size: int | None) -> int:
        if chunk_size is not None and chunk_size <= 0:
            raise ValueError("chunk_size must be a positive integer.")
        return chunk_size or 2000

    def _plain_rows(self) -> bool:
        return self._values is None and not self._annotations

    def _prefetch_chunk(self, objects: list[Any]) -> None:
        """Run ``prefetch_related()`` for freshly loaded objects (synchronously)."""
        if self._prefetch and self._values is None and objects:
            plan = prefetch_plan(objects, self._prefetch)
            try:
                queryset = next(plan)
                while True:
                    queryset = plan.send(queryset._fetch_all())
            except StopIteration:
                pass

    async def _aprefetch_chunk(self, objects: list[Any]) -> None:
        """``_prefetch_chunk()`` for async code."""
        if self._prefetch and self._values is None and objects:
            plan = prefetch_plan(objects, self._prefetch)
            try:
                queryset = next(plan)
                while True:
                    queryset = plan.send(await queryset._afetch_all())
            except StopIteration:
                pass

    def _as_subquery(self) -> Any:
        """This QuerySet as the right-hand side of ``__in``: its primary keys, or its single values() column."""
        if self._values is not None:
            if len(self._values[0]) != 1:
                raise FieldError("A values() QuerySet used in __in must select exactly one field.")
            return self._build(ordered=self._high is not None)
        return self.values_list("pk", flat=True)._build(ordered=self._high is not None)

    def _check_for_update(self) -> None:
        if self._for_update is None:
            return
        from fastjango.orm.db.execution import current_transaction

        if current_transaction(self.db) is None:
            raise TransactionManagementError("select_for_update() can only be used inside atomic().")

    # ------------------------------------------------------------------ evaluation
    def _postprocess(self, rows: Sequence[Any], alias: str) -> list[Any]:
        """Objects or values from the rows; ``alias`` is the database they were read from."""
        if self._values is None and self._deferred is not None:
            objects = self._postprocess_objects(rows, alias)
            for path, names in self._deferred_plan().items():
                mark_deferred(self._related_objects(objects, path) if path else objects, names)
            return objects
        return self._postprocess_objects(rows, alias) if self._values is None else self._postprocess_values(rows)

    def _related_objects(self, objects: list[Any], path: str) -> list[Any]:
        """The distinct objects select_related() loaded at ``path`` under ``objects``."""
        current = objects
        for field in self._related_path(path):
            found: dict[int, Any] = {}
            for obj in current:
                related = obj.__dict__.get(field.name)
                if related is not None:
                    found[id(related)] = related
            current = list(found.values())
        return current

    def _postprocess_objects(self, rows: Sequence[Any], alias: str) -> list[Any]:
        if not self._annotations:
            objects = list(rows)
        else:
            names = list(self._annotations)
            objects = []
            for row in rows:
                obj = row[0]
                for index, name in enumerate(names, 1):
                    obj.__dict__[name] = row[index]
                objects.append(obj)
        if alias != DEFAULT_DB_ALIAS:
            # Django's instance._state.db: save() and delete() go back where the object came from.
            # "default" is what the router falls back to anyway, so the usual case pays nothing.
            for obj in objects:
                obj.__dict__["_fj_db"] = alias
            if self._select_related is not None:
                _remember_database(objects, alias)
        return objects

    def _postprocess_values(self, rows: Sequence[Any]) -> list[Any]:
        assert self._values is not None
        names, mode = self._values
        if mode == "dict":
            return [dict(zip(names, row, strict=True)) for row in rows]
        if mode == "flat":
            return [row[0] for row in rows]
        if mode == "named":
            row_class = _row_class(names)
            return [row_class(*row) for row in rows]
        return [tuple(row) for row in rows]

    def _fetch_all(self) -> list[Any]:
        if self._result_cache is None:
            if self._empty:
                self._result_cache = []
            else:
                ensure_sync_allowed(f"Evaluating a {self.model.__name__} QuerySet")
                self._check_for_update()
                alias = self.db
                direct = fetch_direct(self, alias)
                if direct is not None:
                    results = self._postprocess_objects(direct, alias)
                else:
                    statement = self._build()
                    with read_session(alias) as session:
                        if self._plain_rows():
                            rows: Sequence[Any] = session.scalars(statement).all()
                        else:
                            rows = session.execute(statement).all()
                    results = self._postprocess(rows, alias)
                self._prefetch_chunk(results)
                self._result_cache = results
        return self._result_cache

    async def _afetch_all(self) -> list[Any]:
        if self._result_cache is None:
            if self._empty:
                self._result_cache = []
            else:
                self._check_for_update()
                alias = self.db
                direct = await afetch_direct(self, alias)
                if direct is not None:
                    results = self._postprocess_objects(direct, alias)
                else:
                    statement = self._build()
                    async with aread_session(alias) as session:
                        if self._plain_rows():
                            rows: Sequence[Any] = (await session.scalars(statement)).all()
                        else:
                            rows = (await session.execute(statement)).all()
                    results = self._postprocess(rows, alias)
                await self._aprefetch_chunk(results)
                self._result_cache = results
        return self._result_cache

    def __iter__(self) -> Iterator[_M]:
        return iter(self._fetch_all())

    async def __aiter__(self) -> AsyncIterator[_M]:
        for item in await self._afetch_all():
            yield item

    def __len__(self) -> int:
        return len(self._fetch_all())

    def __bool__(self) -> bool:
        return bool(self._fetch_all())

    async def alist(self) -> list[_M]:
        """The QuerySet's objects as a list, for async code (``[obj async for obj in qs]`` works too)."""
        return list(await self._afetch_all())

    @overload
    def __getitem__(self, key: int) -> _M: ...

    @overload
    def __getitem__(self, key: slice) -> Self: ...

    def __getitem__(self, key: int | slice) -> _M | Self | list[_M]:
        if not isinstance(key, int | slice):
            raise TypeError(f"QuerySet indices must be integers or slices, not {type(key).__name__}.")
        if (isinstance(key, int) and key < 0) or (
            isinstance(key, slice) and ((key.start or 0) < 0 or (key.stop is not None and key.stop < 0))
        ):
            raise ValueError("Negative indexing is not supported.")
        if self._result_cache is not None:
            return self._result_cache[key]  # an object, or a list of them for a slice
        if isinstance(key, slice):
            if key.step not in (None, 1):
                return list(self._sliced(key.start, key.stop))[:: key.step]
            return self._sliced(key.start, key.stop)
        result = list(self._sliced(key, key + 1))
        if not result:
            raise IndexError("QuerySet index out of range.")
        return result[0]

    def _sliced(self, start: int | None, stop: int | None) -> Self:
        clone = self._clone()
        low = clone._low + (start or 0)
        high = clone._high
        if stop is not None:
            high = clone._low + stop if high is None else min(high, clone._low + stop)
        clone._low = low
        clone._high = max(low, high) if high is not None else None
        return clone

    def __repr__(self) -> str:
        if self._result_cache is None:
            try:
                ensure_sync_allowed("repr()")
            except Exception:
                return f"<QuerySet of {self.model.__name__} (not evaluated in async code)>"
        items = list(self[: REPR_OUTPUT_SIZE + 1]) if self._result_cache is None else self._result_cache
        shown = [repr(item) for item in items[:REPR_OUTPUT_SIZE]]
        if len(items) > REPR_OUTPUT_SIZE:
            shown.append("...(remaining elements truncated)...")
        return f"<QuerySet [{', '.join(shown)}]>"

    # ------------------------------------------------------------------ single objects
    def _get_clone(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Self:
        clone = self.filter(*args, **kwargs) if (args or kwargs) else self._clone()
        if not clone._for_update and clone._high is None and clone._low == 0:
            clone._order = []
            clone._high = MAX_GET_RESULTS
        return clone

    def _get_result(self, rows: list[_M]) -> _M:
        if len(rows) == 1:
            return rows[0]
        if not rows:
            raise self.model.DoesNotExist(f"{self.model.__name__} matching query does not exist.")
        count = "more than 20" if len(rows) >= MAX_GET_RESULTS else str(len(rows))
        raise self.model.MultipleObjectsReturned(
            f"get() returned more than one {self.model.__name__} -- it returned {count}!"
        )

    def get(self, *args: Any, **kwargs: Any) -> _M:
        """The one object matching the lookups.

        ``Model.DoesNotExist`` or ``Model.MultipleObjectsReturned`` otherwise.
        """
        return self._get_result(list(self._get_clone(args, kwargs)))

    async def aget(self, *args: Any, **kwargs: Any) -> _M:
        return self._get_result(await self._get_clone(args, kwargs)._afetch_all())

    def _first_clone(self, reverse: bool) -> Self:
        clone = self if self.ordered else self.order_by(self._pk_name())
        if reverse:
            clone = clone.reverse()
        return clone._sliced(0, 1)

    def first(self) -> _M | None:
        """The first object (by the ordering, else by primary key), or None."""
        rows = list(self._first_clone(False))
        return rows[0] if rows else None

    async def afirst(self) -> _M | None:
        rows = await self._first_clone(False)._afetch_all()
        return rows[0] if rows else None

    def last(self) -> _M | None:
        """The last object (by the ordering, else by primary key), or None."""
        rows = list(self._first_clone(True))
        return rows[0] if rows else None

    async def alast(self) -> _M | None:
        rows = await self._first_clone(True)._afetch_all()
        return rows[0] if rows else None

    def _latest_clone(self, fields: tuple[str, ...], reverse: bool) -> Self:
        names: Sequence[str] | str | None = fields or self.model._meta.get_latest_by
        if not names:
            raise ValueError("earliest() and latest() need field names or Meta.get_latest_by.")
        if isinstance(names, str):
            names = [names]
        clone = self.order_by(*names)
        if reverse:
            clone = clone.reverse()
        clone = clone._sliced(0, 1)
        clone._high = 1
        return clone

    def earliest(self, *fields: str) -> _M:
        return self._get_result(list(self._latest_clone(fields, False)))

    async def aearliest(self, *fields: str) -> _M:
        return self._get_result(await self._latest_clone(fields, False)._afetch_all())

    def latest(self, *fields: str) -> _M:
        return self._get_result(list(self._latest_clone(fields, True)))

    async def alatest(self, *fields: str) -> _M:
        return self._get_result(await self._latest_clone(fields, True)._afetch_all())

    # ------------------------------------------------------------------ aggregates of the whole set
    def _count_statement(self) -> Select[Any]:
        if (
            self._distinct
            or self._high is not None
            or self._low
            or self._values is not None
            or self._group_by is not None
            or self._having
            or self._combinator is not None
        ):
            inner = self._build(ordered=False).subquery()
            return select(func.count()).select_from(inner)
        statement = self._compiler.apply_joins(select(func.count()).select_from(self.model))
        if self._where:
            statement = statement.where(*self._where_clauses())
        return statement

    def count(self) -> int:
        """The number of rows, computed by the database (``len()`` of a cached result if there is one)."""
        if self._result_cache is not None:
            return len(self._result_cache)
        if self._empty:
            return 0
        ensure_sync_allowed("count()")
        with read_session(self.db) as session:
            return int(session.execute(self._count_statement()).scalar_one())

    async def acount(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        if self._empty:
            return 0
        async with aread_session(self.db) as session:
            return int((await session.execute(self._count_statement())).scalar_one())

    def _exists_statement(self) -> Select[Any]:
        statement = self._compiler.apply_joins(select(literal(1)).select_from(self.model))
        if self._where:
            statement = statement.where(*self._where_clauses())
        if self._low or self._high is not None or self._group_by is not None or self._having or self._combinator:
            inner = self._build(ordered=False).subquery()
            statement = select(literal(1)).select_from(inner)
        return statement.limit(1)

    def exists(self) -> bool:
        """Is there at least one row? (A cheap ``SELECT 1 ... LIMIT 1``.)"""
        if self._result_cache is not None:
            return bool(self._result_cache)
        if self._empty:
            return False
        ensure_sync_allowed("exists()")
        with read_session(self.db) as session:
            return session.execute(self._exists_statement()).first() is not None

    async def aexists(self) -> bool:
        if self._result_cache is not None:
            return bool(self._result_cache)
        if self._empty:
            return False
        async with aread_session(self.db) as session:
            return (await session.execute(self._exists_statement())).first() is not None

    def contains(self, obj: _M) -> bool:
        """Is ``obj`` one of this QuerySet's rows?"""
        self._check_contains(obj)
        if self._result_cache is not None:
            return obj in self._result_cache
        return self.filter(pk=obj.pk).exists()

    async def acontains(self, obj: _M) -> bool:
        self._check_contains(obj)
        if self._result_cache is not None:
            return obj in self._result_cache
        return await self.filter(pk=obj.pk).aexists()

    def _check_contains(self, obj: Any) -> None:
        if self._values is not None:
            raise TypeError("contains() cannot be used after values() or values_list().")
        if not isinstance(obj, self.model._meta.concrete_model):
            raise TypeError(f"contains() expects a {self.model.__name__} instance, got {type(obj).__name__}.")
        if obj.pk is None:
            raise ValueError("contains() cannot be used on an unsaved object.")

    def in_bulk(self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk") -> dict[Any, _M]:
        """``{value: object}`` for the objects whose ``field_name`` is in ``id_list`` (all when None)."""
        queryset, key = self._in_bulk_clone(id_list, field_name)
        if queryset is None:
            return {}
        return {getattr(obj, key): obj for obj in queryset}

    async def ain_bulk(self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk") -> dict[Any, _M]:
        queryset, key = self._in_bulk_clone(id_list, field_name)
        if queryset is None:
            return {}
        return {getattr(obj, key): obj for obj in await queryset._afetch_all()}

    def _in_bulk_clone(self, id_list: Iterable[Any] | None, field_name: str) -> tuple[Self | None, str]:
        self._not_sliced("use in_bulk() on")
        meta = self.model._meta
        field = meta.pk if field_name == "pk" else meta.get_field(field_name)
        assert field is not None
        if field_name != "pk" and not field.unique:
            raise ValueError(f"in_bulk()'s field_name must be a unique field; {field_name!r} is not.")
        if id_list is None:
            return self._clone(), field.attname
        ids = list(id_list)
        if not ids:
            return None, field.attname
        return self.filter(**{f"{field_name}__in": ids}), field.attname

    # ------------------------------------------------------------------ writes
    def create(self, **kwargs: Any) -> _M:
        """Make an object from ``kwargs``, save it, return it."""
        obj = self.model(**kwargs)
        obj.save(force_insert=True, using=self._db)
        return obj

    async def acreate(self, **kwargs: Any) -> _M:
        obj = self.model(**kwargs)
        await obj.asave(force_insert=True, using=self._db)
        return obj

    def get_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> tuple[_M, bool]:
        """``(object, created)``: the object matching ``kwargs``, or a new one from ``kwargs`` and ``defaults``."""
        from fastjango.orm import transaction
        from fastjango.orm.exceptions import IntegrityError

        try:
            return self.get(**kwargs), False
        except self.model.DoesNotExist:
            params = self._create_params(kwargs, defaults)
            try:
                with transaction.atomic(using=self.db):
                    return self.create(**params), True
            except IntegrityError:
                try:
                    return self.get(**kwargs), False
                except self.model.DoesNotExist:
                    pass
                raise

    async def aget_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> tuple[_M, bool]:
        from fastjango.orm import transaction
        from fastjango.orm.exceptions import IntegrityError

        try:
            return await self.aget(**kwargs), False
        except self.model.DoesNotExist:
            params = self._create_params(kwargs, defaults)
            try:
                async with transaction.atomic(using=self.db):
                    return await self.acreate(**params), True
            except IntegrityError:
                try:
                    return await self.aget(**kwargs), False
                except self.model.DoesNotExist:
                    pass
                raise

    def update_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[_M, bool]:
        """Update the object matching ``kwargs`` with ``defaults``, or create it; ``(object, created)``."""
        from fastjango.orm import transaction

        with transaction.atomic(using=self.db):
            obj, created = self.select_for_update().get_or_create(
                create_defaults if create_defaults is not None else defaults, **kwargs
            )
            if created:
                return obj, True
            for name, value in (defaults or {}).items():
                setattr(obj, name, value() if callable(value) else value)
            obj.save(using=self.db)
        return obj, False

    async def aupdate_or_create(
        self,
        defaults: dict[str, Any] | None = None,
        create_defaults: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[_M, bool]:
        from fastjango.orm import transaction

        async with transaction.atomic(using=self.db):
            obj, created = await self.select_for_update().aget_or_create(
                create_defaults if create_defaults is not None else defaults, **kwargs
            )
            if created:
                return obj, True
            for name, value in (defaults or {}).items():
                setattr(obj, name, value() if callable(value) else value)
            await obj.asave(using=self.db)
        return obj, False

    def _create_params(self, lookup: dict[str, Any], defaults: dict[str, Any] | None) -> dict[str, Any]:
        params = {key: value for key, value in lookup.items() if "__" not in key}
        for key, value in (defaults or {}).items():
            params[key] = value() if callable(value) else value
        invalid = [
            name
            for name in params
            if name != "pk"
            and name
            not in {
                *(field.name for field in self.model._meta.get_fields(include_reverse=False)),
                *(field.attname for field in self.model._meta.fields),
            }
        ]
        if invalid:
            raise FieldError(
                f"Invalid field name(s) for model {self.model.__name__}: {', '.join(repr(n) for n in sorted(invalid))}."
            )
        return params

    def update(self, **kwargs: Any) -> int:
        """Set columns on every matching row in one UPDATE; the number of rows matched."""
        from fastjango.orm.persistence import update_queryset

        self._not_sliced("update")
        return update_queryset(self, kwargs)

    async def aupdate(self, **kwargs: Any) -> int:
        from fastjango.orm.persistence import aupdate_queryset

        self._not_sliced("update")
        return await aupdate_queryset(self, kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        """Delete the matching rows and, following ``on_delete``, what refers to them."""
        from fastjango.orm.deletion import delete_objects

        self._check_delete()
        return delete_objects(list(self._clone()), using=self._db)

    async def adelete(self) -> tuple[int, dict[str, int]]:
        from fastjango.orm.deletion import adelete_objects

        self._check_delete()
        return await adelete_objects(await self._clone()._afetch_all(), using=self._db)

    def _check_delete(self) -> None:
        self._not_sliced("delete")
        if self._values is not None:
            raise TypeError("Cannot call delete() after values() or values_list().")
        if self._distinct:
            raise TypeError("Cannot call delete() after distinct().")

    def bulk_create(
        self,
        objs: Iterable[_M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Sequence[str] | None = None,
        unique_fields: Sequence[str] | None = None,
    ) -> list[_M]:
        """Insert many objects in few statements; primary keys are set where the database returns them."""
        from fastjango.orm.persistence import bulk_insert

        return bulk_insert(
            self, list(objs), batch_size, ignore_conflicts, update_conflicts, update_fields, unique_fields
        )

    async def abulk_create(
        self,
        objs: Iterable[_M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Sequence[str] | None = None,
        unique_fields: Sequence[str] | None = None,
    ) -> list[_M]:
        from fastjango.orm.persistence import abulk_insert

        return await abulk_insert(
            self, list(objs), batch_size, ignore_conflicts, update_conflicts, update_fields, unique_fields
        )

    def bulk_update(self, objs: Iterable[_M], fields: Sequence[str], batch_size: int | None = None) -> int:
        """Write ``fields`` of each object in few UPDATE statements; the number of rows matched."""
        from fastjango.orm.persistence import bulk_update

        return bulk_update(self, list(objs), fields, batch_size)

    async def abulk_update(self, objs: Iterable[_M], fields: Sequence[str], batch_size: int | None = None) -> int:
        from fastjango.orm.persistence import abulk_update

        return await abulk_update(self, list(objs), fields, batch_size)


def _flip(term: Any) -> Any:
    from fastjango.orm.query.expressions import Combinable, OrderBy

    if isinstance(term, str):
        if term == "?":
            return term
        return term[1:] if term.startswith("-") else f"-{term}"
    if isinstance(term, OrderBy):
        return OrderBy(term.expression, not term.descending, term.nulls_last, term.nulls_first)
    if isinstance(term, Combinable):
        return term.desc()
    if isinstance(term, Expression):
        return OrderBy(term, descending=True)  # what desc() gives, for an expression without it
    return term


def _row_class(names: list[str]) -> Callable[..., tuple[Any, ...]]:
    """The namedtuple class of ``values_list(named=True)`` rows (a field name that is not valid becomes ``_<n>``)."""
    return namedtuple("Row", names, rename=True)
