from __future__ import annotations

from items.models import CreatedItem, Item
from rest_framework import serializers

FIELDS = ["id", "name", "price", "created", "active", "category"]


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = FIELDS


class CreatedItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CreatedItem
        fields = FIELDS
