"""The three Pydantic models of a serializer class: input, partial input (PATCH) and output.

Each serializer field becomes one Pydantic field whose alias is the
serializer field's name (the Python attribute name may differ, so a field
called ``json`` or ``model_id`` does not clash with ``BaseModel``). The
output model reads attributes (``from_attributes=True``) along the field's
``source``, so pydantic-core turns ORM instances into JSON without a Python
dict per row.
"""

from __future__ import annotations

import keyword
from typing import TYPE_CHECKING, Annotated, Any, Literal

import pydantic
from pydantic import AliasPath, BaseModel, BeforeValidator, ConfigDict

from fastjango.rest.serializers.fields import ChoiceField, ComputedField, Field, empty

if TYPE_CHECKING:
    from fastjango.rest.serializers._base import Serializer

__all__ = ["METHOD_PREFIX", "Mode", "attribute_name", "build_model"]

Mode = Literal["input", "partial", "output"]

#: The attribute a ComputedField's value is read from on the row wrapper (see ``_base._WithMethods``).
METHOD_PREFIX = "_fj_method_"


def attribute_name(name: str, index: int) -> str:
    """A Python attribute name for field ``name`` that cannot collide with ``BaseModel``'s own."""
    safe = name.isidentifier() and not keyword.iskeyword(name) and not name.startswith(("_", "model_"))
    return name if safe and not hasattr(BaseModel, name) else f"field_{index}"


def _schema_without(names: set[str]) -> Any:
    """A model ``json_schema_extra`` hiding the placeholder ``default: null`` of optional fields without a default."""

    def edit(schema: dict[str, Any], model: Any) -> None:
        for name, prop in schema.get("properties", {}).items():
            if name in names:
                prop.pop("default", None)

    return edit


def _title(name: str, field: Field) -> str:
    return field.label or name.replace("_", " ").capitalize()


def _nested_type(child: Serializer, mode: Mode) -> Any:
    model: Any = getattr(type(child), f"{mode}_model")
    if mode == "output":
        annotation: Any = Annotated[list[model], BeforeValidator(child.output_sources)] if child.many else model
        return annotation | None if child.allow_null else annotation
    annotation = list[model] if child.many else model
    return annotation | None if child.allow_null else annotation


def _input_field(name: str, field: Field, mode: Mode) -> tuple[Any, Any]:
    from fastjango.rest.serializers._base import Serializer

    annotation = _nested_type(field, mode) if isinstance(field, Serializer) else field.input_annotation()
    options: dict[str, Any] = {
        "alias": name,
        "title": _title(name, field),
        "description": field.help_text,
    }
    if mode == "partial" or (not field.required and field.default is empty):
        options["default"] = None
    elif field.default is not empty:
        if callable(field.default):
            options["default_factory"] = field.default
        else:
            options["default"] = field.default
    return annotation, pydantic.Field(**options)


def _output_field(name: str, field: Field) -> tuple[Any, Any]:
    from fastjango.rest.serializers._base import Serializer

    path: list[str] = [METHOD_PREFIX + name] if isinstance(field, ComputedField) else list(field.output_path)
    alias: Any = path[0] if len(path) == 1 else AliasPath(*path)
    if isinstance(field, Serializer):
        annotation = _nested_type(field, "output")
    else:
        annotation = field.output_annotation()
        if field.allow_null:
            annotation = annotation | None
    extra: dict[str, Any] = dict(field.json_schema_extra())
    if isinstance(field, ChoiceField):
        extra["enum"] = field.choices
    return annotation, pydantic.Field(
        validation_alias=alias,
        serialization_alias=name,
        title=_title(name, field),
        description=field.help_text,
        json_schema_extra=extra or None,
    )


def build_model(serializer: type[Serializer], mode: Mode) -> type[BaseModel]:
    """The ``mode`` model of ``serializer``: writable fields for input, readable ones for output."""
    definitions: dict[str, Any] = {}
    placeholders: set[str] = set()
    for index, (name, field) in enumerate(serializer._fields().items()):
        if mode == "output":
            if field.write_only:
                continue
            definitions[attribute_name(name, index)] = _output_field(name, field)
        else:
            if field.read_only:
                continue
            definitions[attribute_name(name, index)] = _input_field(name, field, mode)
            if mode == "partial" or (not field.required and field.default is empty):
                placeholders.add(name)
    suffix = {"input": "Input", "partial": "PartialInput", "output": "Output"}[mode]
    config = (
        ConfigDict(from_attributes=True, populate_by_name=False)
        if mode == "output"
        else ConfigDict(
            extra="forbid" if serializer.reject_unknown_fields else "ignore",
            populate_by_name=False,
            json_schema_extra=_schema_without(placeholders),
        )
    )
    base_name = serializer.__name__.removesuffix("Serializer") or serializer.__name__
    model: type[BaseModel] = pydantic.create_model(
        f"{base_name}{suffix}",
        __config__=config,
        __module__=serializer.__module__,
        **definitions,
    )
    return model
