"""``as_serializer(PydanticModel)``: a plain Pydantic model used where a serializer is expected.

The model is the input model as it is; the partial model makes every field
optional and the output model reads attributes. Its ``validate_<field>`` and
``validate`` hooks, errors, ``data`` and ``json()`` behave as for any
serializer.
"""

from __future__ import annotations

from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict

from fastjango.rest.serializers._base import Serializer
from fastjango.rest.serializers._models import Mode

__all__ = ["PydanticSerializer", "as_serializer", "dump_values"]


def dump_values(validated: BaseModel, partial: bool) -> dict[str, Any]:
    """The validated values of a model with no serializer fields: its fields by name, only those given when partial."""
    return validated.model_dump(exclude_unset=partial)


class PydanticSerializer(Serializer):
    """The base of serializers made by :func:`as_serializer`; ``pydantic_model`` is the wrapped class."""

    pydantic_model: type[BaseModel]

    @classmethod
    def _build_model(cls, mode: Mode) -> type[BaseModel]:
        source = cls.pydantic_model
        if mode == "input":
            return source
        if mode == "output":
            config = ConfigDict(**{**source.model_config, "from_attributes": True})
            return type(
                f"{source.__name__}Output", (source,), {"model_config": config, "__module__": source.__module__}
            )
        optional: dict[str, Any] = {
            name: (_optional(info.annotation), pydantic.Field(default=None, alias=info.alias, title=info.title))
            for name, info in source.model_fields.items()
        }
        model: type[BaseModel] = pydantic.create_model(
            f"{source.__name__}PartialInput", __config__=ConfigDict(extra="ignore"), **optional
        )
        return model


def _optional(annotation: Any) -> Any:
    return annotation | None


def as_serializer(model: type[BaseModel], *, name: str | None = None) -> type[PydanticSerializer]:
    """A serializer class for a plain Pydantic model: ``as_serializer(PostIn)(data=body).is_valid()``."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"as_serializer() takes a pydantic.BaseModel subclass, not {model!r}.")
    return type(name or f"{model.__name__}Serializer", (PydanticSerializer,), {"pydantic_model": model})
