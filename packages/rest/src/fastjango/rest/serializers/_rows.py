"""Rendering ORM rows to JSON without validating them first.

A serializer's output model validates what it reads (``from_attributes``)
and then serializes the result: two passes, and a model instance per row.
When every output field is a plain attribute of the row (no method fields,
no nested serializers, no dotted sources, no ``to_representation``
override), the validation pass adds nothing: the values came out of our own
database columns. Then each row's ``__dict__`` (where SQLAlchemy keeps the
loaded column values) goes straight to a pydantic-core serializer built from
the output model's own field schemas, so the JSON is the same byte for byte.

A row missing an attribute (deferred with ``only()``/``defer()``, expired)
or holding a value of an unexpected type falls back to the validating path,
so the output never changes, only its cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, SchemaSerializer
from pydantic_core import core_schema as cs

__all__ = ["RowRenderer", "row_renderer"]


@dataclass(frozen=True)
class RowRenderer:
    """Serializers for one row and for a list of rows, and the attributes each row must have."""

    attributes: frozenset[str]
    one: SchemaSerializer
    many: SchemaSerializer

    def _dicts(self, rows: Sequence[Any]) -> list[dict[str, Any]] | None:
        attributes = self.attributes
        dicts = []
        for row in rows:
            values = getattr(row, "__dict__", None)
            if values is None or not attributes.issubset(values):
                return None
            dicts.append(values)
        return dicts

    def render_many(self, rows: Sequence[Any]) -> bytes | None:
        """The rows as a JSON array, or ``None`` when one of them needs the validating path."""
        dicts = self._dicts(rows)
        if dicts is None:
            return None
        try:
            return self.many.to_json(dicts, by_alias=True, warnings="error")
        except PydanticSerializationError:
            return None

    def render_one(self, row: Any) -> bytes | None:
        dicts = self._dicts([row])
        if dicts is None:
            return None
        try:
            return self.one.to_json(dicts[0], by_alias=True, warnings="error")
        except PydanticSerializationError:
            return None


def row_renderer(output_model: type[BaseModel]) -> RowRenderer | None:
    """A renderer reading the attributes ``output_model`` validates from, or ``None`` if one is not plain."""
    schema: Any = output_model.__pydantic_core_schema__
    if schema.get("type") != "model" or schema["schema"].get("type") != "model-fields":
        return None
    fields: dict[str, cs.TypedDictField] = {}
    for attribute, field in schema["schema"]["fields"].items():
        source = field.get("validation_alias", attribute)
        if not isinstance(source, str) or source in fields or source.startswith("_"):
            return None
        fields[source] = cs.typed_dict_field(
            field["schema"], serialization_alias=field.get("serialization_alias") or attribute
        )
    row_schema = cs.typed_dict_schema(fields)
    return RowRenderer(frozenset(fields), SchemaSerializer(row_schema), SchemaSerializer(cs.list_schema(row_schema)))
