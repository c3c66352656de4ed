"""``Response(data, status=...)``: what API handlers return, rendered to JSON by orjson.

``data`` may hold anything JSON-like plus datetimes, UUIDs, decimals (as
strings, as DRF renders them), Pydantic models and dataclasses. Bytes that
are already JSON (a serializer's ``json()`` output) are spliced in unchanged
with :class:`RawJSON`, which is how list views avoid building dicts per row.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
from collections.abc import Mapping
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.background import BackgroundTask
from starlette.responses import Response as StarletteResponse

__all__ = ["RawJSON", "Response", "render_json"]

#: Pre-rendered JSON inserted verbatim into a response: ``Response({"results": RawJSON(body)})``.
RawJSON = orjson.Fragment

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.decode()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def render_json(data: Any) -> bytes:
    """``data`` as compact JSON bytes (UTF-8, as DRF's renderer with ``ensure_ascii=False``)."""
    if isinstance(data, bytes):
        return data
    return orjson.dumps(data, default=_default, option=_OPTIONS)


class Response(StarletteResponse):
    """A JSON response from ``data``, which stays readable as ``response.data`` (handy in tests)."""

    media_type = "application/json"

    def __init__(
        self,
        data: Any = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.data = data
        super().__init__(None if data is None else data, status, headers, content_type, background)

    @property
    def status_text(self) -> str:
        from http import HTTPStatus

        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    def render(self, content: Any) -> bytes | memoryview:
        if content is None:
            return b""
        return render_json(content)
