"""The item viewset: list and retrieve ``bench_item``; create into ``bench_item_created``."""

from __future__ import annotations

from typing import Any

from fastjango.rest import viewsets
from stacks.fastjango_app.items.models import CreatedItem, Item
from stacks.fastjango_app.rest.pagination import PageOnlyPagination
from stacks.fastjango_app.rest.serializers import CreatedItemSerializer, ItemSerializer


class ItemViewSet(viewsets.ModelViewSet):
    """The benchmark's items."""

    # The harness's create scenario writes to a table of its own, as in the Django + DRF stack.
    queryset = Item.objects.order_by("id")
    serializer_class = ItemSerializer
    pagination_class = PageOnlyPagination

    def get_serializer_class(self) -> Any:
        return CreatedItemSerializer if self.action == "create" else ItemSerializer

    def get_queryset(self) -> Any:
        return CreatedItem.objects.all() if self.action == "create" else super().get_queryset()
