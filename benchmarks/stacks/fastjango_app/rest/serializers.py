"""Model serializers of the items, with the fields every stack answers with."""

from __future__ import annotations

from fastjango.rest import serializers
from stacks.fastjango_app.items.models import CreatedItem, Item

FIELDS = ["id", "name", "price", "created", "active", "category"]


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = FIELDS


class CreatedItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreatedItem
        fields = FIELDS
