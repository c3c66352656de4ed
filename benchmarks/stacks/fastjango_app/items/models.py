"""The benchmark's table as fastjango models (the suite creates and fills the tables)."""

from __future__ import annotations

from fastjango.orm import Model, fields


class ItemFields(Model):
    name = fields.CharField(max_length=100)
    price = fields.DecimalField(max_digits=10, decimal_places=2)
    created = fields.DateTimeField(auto_now_add=True)
    active = fields.BooleanField(default=True)
    category = fields.CharField(max_length=50)

    class Meta:
        abstract = True


class Item(ItemFields):
    class Meta:
        db_table = "bench_item"


class CreatedItem(ItemFields):
    class Meta:
        db_table = "bench_item_created"
