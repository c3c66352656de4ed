"""limit/offset pagination that answers with the bare page.

DRF's ``LimitOffsetPagination`` also runs ``COUNT(*)`` and wraps the page in
``{"count", "next", "previous", "results"}``. Every stack in the suite returns
the same bare list from one query, so this one does too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PageOnlyPagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        assert self.limit is not None
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data: Any) -> Response:
        return Response(data)
