"""The API views: async QuerySets, as the fastjango docs teach. The URL conf gives each its response model."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from fastjango.orm import aget_object_or_404
from stacks.fastjango_app.items.models import CreatedItem, Item
from stacks.fastjango_app.items.schemas import ItemCreate


async def list_items(
    offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[Item]:
    return await Item.objects.order_by("id")[offset : offset + limit].alist()


async def read_item(item_id: int) -> Item:
    return await aget_object_or_404(Item, pk=item_id)


async def create_item(item: ItemCreate) -> CreatedItem:
    return await CreatedItem.objects.acreate(**item.model_dump())
