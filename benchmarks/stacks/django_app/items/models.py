"""Models mapped onto the harness's tables; the harness creates them, so Django does not manage them."""

from __future__ import annotations

from django.db import models


class ItemFields(models.Model):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    created = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)
    category = models.CharField(max_length=50)

    class Meta:
        abstract = True


class Item(ItemFields):
    class Meta:
        managed = False
        db_table = "bench_item"


class CreatedItem(ItemFields):
    class Meta:
        managed = False
        db_table = "bench_item_created"
