"""Which relations a serializer's output reads, so views can load them with the rows.

Async code cannot load a relation on attribute access (the ORM raises
``NotLoadedError``), and sync code would pay a query per row. A serializer
knows every attribute path its output reads (``source="author.name"``, a
``SlugRelatedField``, a nested serializer): the relations along those paths
become ``select_related()`` lookups (to-one) and ``prefetch_related()``
lookups (to-many, and anything below one), which list and detail views
apply to their queryset. Many-to-many fields (``PrimaryKeyRelatedField(many=True)``)
and the nested serializers of ``Meta.depth`` are found the same way; method
fields and hyperlinks to the row itself read no relation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastjango.rest.serializers._base import Serializer

__all__ = ["RelatedLookups", "related_lookups"]

RelatedLookups = tuple[tuple[str, ...], tuple[str, ...]]


def related_lookups(serializer_class: type[Serializer]) -> RelatedLookups:
    """``(select_related, prefetch_related)`` lookups for the output of ``serializer_class``."""
    cached: RelatedLookups | None = serializer_class.__dict__.get("_fj_related_lookups")
    if cached is None:
        model = getattr(getattr(serializer_class, "Meta", None), "model", None)
        select: list[str] = []
        prefetch: list[str] = []
        if model is not None:
            _walk(serializer_class, model, "", False, select, prefetch)
        cached = (tuple(dict.fromkeys(select)), tuple(dict.fromkeys(prefetch)))
        serializer_class._fj_related_lookups = cached  # type: ignore[attr-defined]
    return cached


def _relation(model: Any, name: str) -> Any:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    if not getattr(field, "is_relation", False) or getattr(field, "name", name) != name:
        return None  # ``author_id`` names the column, which needs no join
    return field


def _target(field: Any) -> Any:
    return getattr(field, "remote_model", None) or getattr(field, "related_model", None)


def _walk(
    serializer_class: type[Serializer],
    model: Any,
    prefix: str,
    under_many: bool,
    select: list[str],
    prefetch: list[str],
) -> None:
    from fastjango.rest.serializers._base import Serializer

    for field in serializer_class._fields().values():
        if field.write_only:
            continue
        path = list(field.source_attrs) if isinstance(field, Serializer) else list(field.related_path)
        current, many, lookup, reached = model, under_many, prefix, True
        for name in path:
            relation = _relation(current, name)
            if relation is None:
                reached = False
                break
            many = many or bool(getattr(relation, "many_to_many", False) or getattr(relation, "multiple", False))
            lookup = f"{lookup}__{name}" if lookup else name
            (prefetch if many else select).append(lookup)
            current = _target(relation)
            if current is None:
                reached = False
                break
        if isinstance(field, Serializer) and reached and path:
            _walk(type(field), current, lookup, many or field.many, select, prefetch)
