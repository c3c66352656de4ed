"""limit/offset pagination that answers with the bare page.

fastjango-rest's ``LimitOffsetPagination`` also runs ``COUNT(*)`` and wraps the
page in ``{"count", "next", "previous", "results"}``. Every stack in the suite
returns the same bare list from one query, so this one does too, like the
Django + DRF stack's ``PageOnlyPagination``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, RootModel

from fastjango.rest.pagination import LimitOffsetPagination, PageData
from fastjango.rest.request import Request
from fastjango.rest.response import Response

__all__ = ["PageOnlyPagination"]

_PAGE_MODELS: dict[type[BaseModel], type[BaseModel]] = {}


class PageOnlyPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        if self._prepare(request) is None:
            return None
        return [obj async for obj in queryset[self.offset : self.offset + self.limit]]

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        if self._prepare(request) is None:
            return None
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data: PageData) -> Response:
        return Response(data)

    def get_paginated_response_model(self, item_model: type[BaseModel]) -> type[BaseModel]:
        """OpenAPI: the answer is the bare array of items, not an envelope."""
        model = _PAGE_MODELS.get(item_model)
        if model is None:
            name = item_model.__name__.removesuffix("Output") or item_model.__name__
            base: type[BaseModel] = RootModel[list[item_model]]  # type: ignore[valid-type]
            model = _PAGE_MODELS[item_model] = type(f"{name}Page", (base,), {"__doc__": f"A page of {name} items."})
        return model
