"""What pagination classes and filter backends tell the OpenAPI schema about their query parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["QueryParameter"]


@dataclass(frozen=True)
class QueryParameter:
    """One query parameter of a list endpoint, as it appears in OpenAPI and /docs.

    ``annotation`` is a Python type (``int``, ``str``, ``bool``,
    ``datetime.date``, ``list[str]``, a ``Literal[...]``); the schema is
    generated from it by Pydantic. Backends return these from
    ``get_schema_parameters(view)``; the view also uses the names to refuse
    query parameters nobody declared.
    """

    name: str
    annotation: Any = str
    description: str | None = None
    required: bool = False
    default: Any = None
