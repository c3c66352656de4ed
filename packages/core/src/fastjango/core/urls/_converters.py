"""Django's path converters, mapped onto Starlette convertors and Python types.

``<int:pk>`` becomes ``{pk:int}`` in the Starlette route (so ``/posts/abc/``
does not match and is a 404, as in Django) and ``pk: int`` in the view's
signature when the view left it unannotated (so OpenAPI shows the type).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from starlette.convertors import CONVERTOR_TYPES, Convertor
from starlette.exceptions import HTTPException

__all__ = ["DjangoConverter", "PathConverter", "get_converter", "register_converter"]


class DjangoConverter(Protocol):
    """A Django-style converter class: ``regex``, ``to_python`` and ``to_url``."""

    regex: str

    def to_python(self, value: str) -> Any: ...

    def to_url(self, value: Any) -> str: ...


@dataclass(frozen=True)
class PathConverter:
    """What one converter name means: Starlette's convertor, the Python type, a schema pattern."""

    name: str
    python_type: type
    pattern: str | None = None

    @property
    def convertor(self) -> Convertor[Any]:
        return CONVERTOR_TYPES[self.name]


class _SlugConvertor(Convertor[str]):
    regex = "[-a-zA-Z0-9_]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        text = str(value)
        if not text:
            raise ValueError("a slug must not be empty")
        return text


_CONVERTERS: dict[str, PathConverter] = {
    "str": PathConverter("str", str),
    "int": PathConverter("int", int),
    "slug": PathConverter("slug", str, _SlugConvertor.regex),
    "uuid": PathConverter("uuid", uuid.UUID),
    "path": PathConverter("path", str),
}
CONVERTOR_TYPES.setdefault("slug", _SlugConvertor())


def get_converter(name: str) -> PathConverter:
    try:
        return _CONVERTERS[name]
    except KeyError:
        known = ", ".join(sorted(_CONVERTERS))
        raise LookupError(f"Unknown path converter {name!r}; known converters: {known}.") from None


def register_converter(converter: type[DjangoConverter] | DjangoConverter, type_name: str) -> None:
    """Register a Django-style converter under ``type_name`` for use as ``<type_name:arg>``.

    The converter's ``to_python`` return annotation (if any) becomes the
    parameter's type in OpenAPI; otherwise ``str``.
    """
    instance = converter() if isinstance(converter, type) else converter
    if type_name in _CONVERTERS:
        raise ValueError(f"Converter {type_name!r} is already registered.")

    class _Adapter(Convertor[Any]):
        regex = instance.regex

        def convert(self, value: str) -> Any:
            try:
                return instance.to_python(value)
            except ValueError:
                # Django treats ValueError from to_python as "no match": a 404, not a 500.
                raise HTTPException(status_code=404) from None

        def to_string(self, value: Any) -> str:
            return instance.to_url(value)

    CONVERTOR_TYPES[type_name] = _Adapter()
    returns = getattr(instance.to_python, "__annotations__", {}).get("return")
    python_type = returns if isinstance(returns, type) else str
    _CONVERTERS[type_name] = PathConverter(type_name, python_type, instance.regex)
