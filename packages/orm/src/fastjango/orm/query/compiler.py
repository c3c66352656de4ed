"""From Django-style lookups to SQLAlchemy: field paths, joins and conditions.

``author__name__icontains="ann"`` is a path (``author`` → ``name``) ending in a
lookup (``icontains``). Each relation on a path adds a join once: following a
foreign key joins the target table (LEFT OUTER, so an OR with another
condition keeps rows whose key is NULL); a multi-valued relation (reverse
foreign key, many-to-many) gets a join per ``filter()`` call, so that
``filter(a).filter(b)`` may match different related rows, as Django does.
Inside ``exclude()`` and ``~Q`` a multi-valued path becomes ``NOT EXISTS``,
again Django's semantics, and a condition on a nullable column keeps rows
where it is NULL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, not_, or_, select, true
from sqlalchemy.orm import aliased

from fastjango.orm.exceptions import FieldDoesNotExist, FieldError
from fastjango.orm.fields.related import ForeignKey, ManyToManyField, ManyToManyReverse, ReverseRelation
from fastjango.orm.fields.scalar import JSONField
from fastjango.orm.query.expressions import Expression, OrderBy, Q, clause_of
from fastjango.orm.query.lookups import INTEGER_TRANSFORMS, LOOKUPS, RAW_VALUE_LOOKUPS, TRANSFORMS

if TYPE_CHECKING:
    from fastjango.orm.fields.base import Field
    from fastjango.orm.models.base import Model

__all__ = ["LOOKUP_SEP", "Compiler", "Join", "integer_range"]


LOOKUP_SEP = "__"


@dataclass
class Join:
    entity: Any  # an aliased model class
    onclause: ColumnElement[bool]
    multivalued: bool


@dataclass
class Resolved:
    """A path resolved to a column: the field at its end and the lookups/transforms left over."""

    field: Any
    column: ColumnElement[Any]
    rest: list[str]
    nullable: bool
    multivalued_prefix: tuple[str, ...] | None  # the path up to the first multi-valued relation


def integer_range(field: Any) -> tuple[int, int] | None:
    """The values an integer column (or a foreign key to one) can hold, as Django's backends give them."""
    from fastjango.orm.fields.scalar import IntegerField

    if isinstance(field, ForeignKey):
        field = field.target_field
    return field.range if isinstance(field, IntegerField) else None


def _outside_integer_range(field: Any, lookup: str, value: Any) -> Callable[[Any], ColumnElement[bool]] | None:
    """For ``id=10**30`` and the like: the condition's answer without sending a value the database refuses.

    As in Django 5: a comparison with an integer no row can hold matches no
    row, or every row with a value (``lt=10**30``), instead of a driver error.
    """
    bounds = integer_range(field)
    if bounds is None or type(value) is not int or lookup not in ("exact", "gt", "gte", "lt", "lte"):
        return None
    low, high = bounds
    if low <= value <= high:
        return None
    above = value > high
    if lookup == "exact" or (lookup in ("gt", "gte") and above) or (lookup in ("lt", "lte") and not above):
        return lambda column: false()
    return lambda column: column.is_not(None)


class Compiler:
    """Compiles lookups of one QuerySet; holds the joins they need."""

    def __init__(
        self, model: type[Model], annotations: dict[str, Expression] | None = None, entity: Any = None
    ) -> None:
        self.model = model
        self.entity = entity if entity is not None else model
        self.annotations = annotations or {}
        self.joins: dict[tuple[Any, ...], Join] = {}
        #: Which filter() call is being compiled; multi-valued joins are per call.
        self.call = 0
        self.resolved_annotations: dict[str, ColumnElement[Any]] = {}

    def clone(self) -> Compiler:
        # Every QuerySet method clones its compiler, so this skips __init__ (same attributes, copied).
        other = object.__new__(Compiler)
        other.model, other.entity, other.call = self.model, self.entity, self.call
        other.annotations = dict(self.annotations) if self.annotations else {}
        other.joins = dict(self.joins) if self.joins else {}
        other.resolved_annotations = {}
        return other

    # ------------------------------------------------------------------ paths
    def _join(self, key: tuple[Any, ...], build: Any) -> Any:
        join = self.joins.get(key)
        if join is None:
            entity, onclause, multivalued = build()
            join = self.joins[key] = Join(entity, onclause, multivalued)
        return join.entity

    def resolve(self, name: str, *, allow_lookups: bool = True) -> Resolved:
        parts = name.split(LOOKUP_SEP)
        model, entity = self.model, self.entity
        path: tuple[str, ...] = ()
        nullable = False
        multivalued_prefix: tuple[str, ...] | None = None
        index = 0
        while index < len(parts):
            part = parts[index]
            if part == "pk":
                assert model._meta.pk is not None
                part = model._meta.pk.name
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                if index == 0 and part in self.annotations:
                    column = self.resolve_annotation(part)
                    return Resolved(self.annotations[part].output_field(self), column, parts[1:], True, None)
                if index == 0:
                    choices = ", ".join(sorted({*model._meta.field_names, *self.annotations}))
                    raise FieldError(f"Cannot resolve keyword {part!r} into field. Choices are: {choices}.") from None
                break
            rest = parts[index + 1 :]
            if isinstance(field, ForeignKey):
                remote = field.remote_model
                assert remote is not None
                assert field.target_field is not None
                direct = not rest or rest[0] in LOOKUPS or rest[0] in TRANSFORMS
                if not direct and len(rest) >= 1 and rest[0] in (field.target_field.name, "pk"):
                    later = rest[1:]
                    if not later or later[0] in LOOKUPS or later[0] in TRANSFORMS:
                        direct, rest = True, later  # author__id=5 reads author_id, no join
                if direct:
                    column = self._column(entity, field)
                    return Resolved(field, column, rest, nullable or field.null, multivalued_prefix)
                path = (*path, part)
                source = entity

                def build_forward(source: Any = source, field: ForeignKey[Any] = field, remote: Any = remote) -> Any:
                    alias = aliased(remote)
                    target = field.target_field
                    assert target is not None
                    return alias, getattr(source, field.attname) == getattr(alias, target.attname), False

                entity = self._join(path, build_forward)
                nullable = nullable or field.null
                model = remote
            elif isinstance(field, ReverseRelation):
                path = (*path, part)
                if multivalued_prefix is None and field.multiple:
                    multivalued_prefix = path
                source = entity
                related = field.related_model
                fk = field.field
                key = (*path, self.call) if field.multiple else path

                def build_reverse(source: Any = source, fk: ForeignKey[Any] = fk, related: Any = related) -> Any:
                    alias = aliased(related)
                    target = fk.target_field
                    assert target is not None
                    return alias, getattr(alias, fk.attname) == getattr(source, target.attname), True

                entity = self._join(key, build_reverse)
                nullable = True
                model = related
                if not rest or rest[0] in LOOKUPS or rest[0] in TRANSFORMS:
                    pk = model._meta.pk
                    assert pk is not None
                    return Resolved(pk, getattr(entity, pk.attname), rest, True, multivalued_prefix)
            elif isinstance(field, ManyToManyField | ManyToManyReverse):
                m2m = field if isinstance(field, ManyToManyField) else field.field
                reverse = isinstance(field, ManyToManyReverse)
                through = m2m.through_model
                assert through is not None
                assert m2m.source_fk is not None
                assert m2m.target_fk is not None
                near_fk, far_fk = (m2m.target_fk, m2m.source_fk) if reverse else (m2m.source_fk, m2m.target_fk)
                far_model = m2m.model if reverse else m2m.remote_model
                assert far_model is not None
                path = (*path, part)
                if multivalued_prefix is None:
                    multivalued_prefix = path
                source = entity
                near_target = near_fk.target_field
                far_target = far_fk.target_field
                assert near_target is not None
                assert far_target is not None

                def build_through(
                    source: Any = source,
                    through: Any = through,
                    near_fk: ForeignKey[Any] = near_fk,
                    near_target: Field[Any] = near_target,
                ) -> Any:
                    alias = aliased(through)
                    return alias, getattr(alias, near_fk.attname) == getattr(source, near_target.attname), True

                through_alias = self._join((*path, "+through", self.call), build_through)

                def build_far(
                    through_alias: Any = through_alias,
                    far_model: Any = far_model,
                    far_fk: ForeignKey[Any] = far_fk,
                    far_target: Field[Any] = far_target,
                ) -> Any:
                    alias = aliased(far_model)
                    return alias, getattr(through_alias, far_fk.attname) == getattr(alias, far_target.attname), True

                entity = self._join((*path, self.call), build_far)
                nullable = True
                model = far_model
                if not rest or rest[0] in LOOKUPS or rest[0] in TRANSFORMS:
                    pk = model._meta.pk
                    assert pk is not None
                    return Resolved(pk, getattr(entity, pk.attname), rest, True, multivalued_prefix)
            else:
                column = self._column(entity, field)
                return Resolved(field, column, rest, nullable or field.null, multivalued_prefix)
            index += 1
        if index < len(parts):
            raise FieldError(
                f"Cannot resolve keyword {parts[index]!r} into field of {model.__name__}. "
                f"Choices are: {', '.join(sorted(model._meta.field_names))}."
            )
        raise FieldError(f"Cannot resolve {name!r} into a field.")

    def _column(self, entity: Any, field: Any) -> Any:
        """The column of ``field`` on ``entity``: the table's own Column for the queried model itself
        (a comparison on it builds several times faster than on the ORM attribute), else the alias's."""
        if entity is self.model:
            table = getattr(entity, "__table__", None)
            if table is not None:
                return table.c[field.column]
        return getattr(entity, field.attname)

    def resolve_annotation(self, name: str) -> ColumnElement[Any]:
        element = self.resolved_annotations.get(name)
        if element is None:
            element = self.resolved_annotations[name] = self.annotations[name].resolve(self)
        return element

    def resolve_ref(self, name: str) -> ColumnElement[Any]:
        """The column (or annotation) an ``F()`` names."""
        resolved = self.resolve(name, allow_lookups=False)
        if resolved.rest:
            raise FieldError(f"F({name!r}) must name a field, not a lookup ({LOOKUP_SEP.join(resolved.rest)}).")
        return resolved.column

    def field_of(self, name: str) -> Any:
        try:
            return self.resolve(name, allow_lookups=False).field
        except FieldError:
            return None

    # ------------------------------------------------------------------ conditions
    def compile_q(self, q: Q, negated: bool = False) -> ColumnElement[bool]:
        inner_negated = negated != q.negated
        clauses = []
        for child in q.children:
            if isinstance(child, Q):
                clauses.append(self.compile_q(child, inner_negated))
            elif isinstance(child, Expression):
                clauses.append(child.resolve(self))
            else:
                key, value = child
                clauses.append(self.compile_lookup(key, value, negated=inner_negated))
        if not clauses:
            combined: ColumnElement[bool] = true()
        elif len(clauses) == 1:
            combined = clauses[0]
        else:
            combined = and_(*clauses) if q.connector == Q.AND else or_(*clauses)
        return not_(combined) if q.negated else combined

    def compile_lookup(self, key: str, value: Any, *, negated: bool = False) -> ColumnElement[bool]:
        if negated and self._is_multivalued(key):
            return self._exists(key, value)
        resolved = self.resolve(key)
        lhs, rest, field = resolved.column, list(resolved.rest), resolved.field
        lookup_name = "exact"
        transformed = False
        if isinstance(field, JSONField) and rest:
            json_condition = self._json_lookup(clause_of(lhs), rest, value, key)
            if json_condition is not None:
                return json_condition
        while rest:
            name = rest.pop(0)
            if name in TRANSFORMS and (rest or name not in LOOKUPS):
                lhs = TRANSFORMS[name](lhs)
                transformed = transformed or name in INTEGER_TRANSFORMS
                if name in ("date", "time"):
                    field = None
                continue
            if name in LOOKUPS and not rest:
                lookup_name = name
                continue
            raise FieldError(f"Unsupported lookup {name!r} for {key!r}.")
        rhs = self._value(value, lookup_name, None if transformed else field)
        bounded = None if transformed else _outside_integer_range(field, lookup_name, rhs)
        bounds = None if transformed or lookup_name != "in" or not isinstance(rhs, list) else integer_range(field)
        if bounded is not None:
            condition = bounded(lhs)
        elif bounds is not None:
            # Django drops values no row can hold; nothing left matches nothing.
            low, high = bounds
            kept = [item for item in rhs if not (type(item) is int and not low <= item <= high)]
            condition = LOOKUPS["in"](lhs, kept) if kept else false()
        else:
            condition = LOOKUPS[lookup_name](lhs, rhs)
        if negated and lookup_name != "isnull" and resolved.nullable:
            # Django: exclude(x=1) keeps rows where x is NULL.
            condition = and_(condition, lhs.is_not(None))
        return condition

    def _json_lookup(self, column: Any, rest: list[str], value: Any, key: str) -> ColumnElement[bool] | None:
        """Lookups into a JSON document: ``data__has_key="a"``, ``data__a__b=1``, ``data__tags__0="x"``."""
        from fastjango.orm.query.json import has_key, json_compare, json_contains

        # Key and containment tests are never true of a SQL NULL document, and exclude() keeps
        # such rows (the IS NOT NULL inside the NOT), as Django does for a nullable column.
        if rest == ["has_key"]:
            return and_(column.is_not(None), has_key(column, str(value)))
        if rest in (["has_keys"], ["has_any_keys"]):
            if not isinstance(value, list | tuple | set | frozenset):
                raise FieldError(f"{key}= needs a list of keys, not {value!r}.")
            if not value:
                raise FieldError(f"{key}= needs at least one key.")
            combine = and_ if rest[0] == "has_keys" else or_
            return and_(column.is_not(None), combine(*(has_key(column, str(name)) for name in value)))
        if rest in (["contains"], ["contained_by"]):
            return json_contains(column, value, contained_by=rest[0] == "contained_by")
        if rest[0] in LOOKUPS:
            return None  # data__isnull=True and friends apply to the whole column
        path: list[str | int] = []
        while rest and rest[0] not in LOOKUPS:
            part = rest.pop(0)
            path.append(int(part) if part.isdigit() else part)
        lookup = rest.pop(0) if rest else "exact"
        if rest:
            raise FieldError(f"Unsupported lookup {'__'.join(rest)!r} for {key!r}.")
        return json_compare(column, path, lookup, value)

    def _is_multivalued(self, key: str) -> bool:
        probe = self.clone()
        probe.joins = {}
        return probe.resolve(key).multivalued_prefix is not None

    def _exists(self, key: str, value: Any) -> ColumnElement[bool]:
        """``key=value`` through a multi-valued relation, for a negation: EXISTS over the related rows.

        ``NOT EXISTS`` then excludes the rows that have *any* matching related
        row, which is what Django's ``exclude()`` means (a join would only drop
        the matching pairs).
        """
        pk = self.model._meta.pk
        assert pk is not None
        root = aliased(self.model)
        inner = Compiler(self.model, entity=root)
        condition = inner.compile_lookup(key, value)
        statement = select(getattr(root, pk.attname)).where(
            getattr(root, pk.attname) == getattr(self.entity, pk.attname), condition
        )
        return exists(inner.apply_joins(statement))

    def _value(self, value: Any, lookup: str, field: Any) -> Any:
        from fastjango.orm.models.base import Model
        from fastjango.orm.query.queryset import QuerySet

        if isinstance(value, Expression):
            # A mapped attribute (F("name") on the model itself) as a plain column expression, so
            # lookups that build on it (the LIKE patterns) see an expression, not text.
            return clause_of(value.resolve(self))
        if isinstance(value, QuerySet):
            return value._as_subquery()
        if lookup == "in":
            if isinstance(value, str) or not hasattr(value, "__iter__"):
                raise FieldError(f"__in needs a list, tuple, set or QuerySet, not {type(value).__name__}.")
            return [self._prep(item, field) for item in value]
        if lookup == "range":
            return [self._prep(item, field) for item in value]
        if lookup in RAW_VALUE_LOOKUPS:
            if lookup != "isnull" and isinstance(value, Model):
                return value.pk
            return value
        return self._prep(value, field)

    @staticmethod
    def _prep(value: Any, field: Any) -> Any:
        from fastjango.orm.models.base import Model

        if isinstance(value, Model):
            if isinstance(field, ForeignKey):
                return field.get_prep_value(value)
            return value.pk
        if isinstance(value, Expression) or field is None or value is None:
            return value
        try:
            return field.get_prep_value(value)
        except (TypeError, ValueError) as error:
            raise FieldError(str(error)) from error

    # ------------------------------------------------------------------ ordering
    def compile_order(self, term: Any) -> list[ColumnElement[Any]]:
        if isinstance(term, OrderBy):
            element = term.expression.resolve(self)
            if term.nulls_first or term.nulls_last:
                nulls = element.is_(None)
                return [
                    nulls.desc() if term.nulls_first else nulls.asc(),
                    element.desc() if term.descending else element.asc(),
                ]
            return [element.desc() if term.descending else element.asc()]
        if isinstance(term, Expression):
            return [term.resolve(self).asc()]
        if not isinstance(term, str):
            raise FieldError(f"order_by() takes field names or expressions, not {term!r}.")
        descending = term.startswith("-")
        name = term.lstrip("-+")
        resolved = self.resolve(name, allow_lookups=False)
        if resolved.rest:
            raise FieldError(f"Cannot order by {term!r}: {LOOKUP_SEP.join(resolved.rest)} is not a field.")
        field = resolved.field
        column = resolved.column
        if (
            isinstance(field, ForeignKey)
            and name.split(LOOKUP_SEP)[-1] == field.name
            and field.remote_model is not None
        ):
            # Ordering by a relation orders by the related model's own ordering, as in Django.
            remote_ordering = field.remote_model._meta.ordering
            if remote_ordering:
                terms: list[ColumnElement[Any]] = []
                for inner in remote_ordering:
                    inner_desc = inner.startswith("-") != descending
                    terms.extend(self.compile_order(("-" if inner_desc else "") + f"{name}__{inner.lstrip('-')}"))
                return terms
        return [column.desc() if descending else column.asc()]

    # ------------------------------------------------------------------ statements
    def apply_joins(self, statement: Select[Any]) -> Select[Any]:
        for join in self.joins.values():
            statement = statement.outerjoin(join.entity, join.onclause)
        return statement

    @property
    def has_multivalued_joins(self) -> bool:
        return any(join.multivalued for join in self.joins.values())
