from __future__ import annotations

from typing import Any

from items.models import CreatedItem, Item
from items.pagination import PageOnlyPagination
from items.serializers import CreatedItemSerializer, ItemSerializer
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


@api_view(["GET"])
def hello(request: Request) -> Response:
    return Response({"message": "Hello, world!"})


class ItemViewSet(viewsets.ModelViewSet):
    """List and retrieve ``bench_item``; create into ``bench_item_created`` (see the harness's create scenario)."""

    queryset = Item.objects.order_by("id")
    serializer_class = ItemSerializer
    pagination_class = PageOnlyPagination

    def get_serializer_class(self) -> type[ItemSerializer] | type[CreatedItemSerializer]:
        return CreatedItemSerializer if self.action == "create" else ItemSerializer

    def get_queryset(self) -> Any:
        return CreatedItem.objects.all() if self.action == "create" else super().get_queryset()
