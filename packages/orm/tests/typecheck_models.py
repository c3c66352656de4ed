"""Static typing of models and queries, checked by ``mypy --strict`` in CI (hatch run dev:types).

Nothing here runs; each ``assert_type`` is a claim mypy verifies without a plugin.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, assert_type

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from fastjango.orm import Manager, Model, QuerySet, fields


class Writer(Model):
    name = fields.CharField(max_length=50)
    nickname = fields.CharField(max_length=50, null=True)
    age = fields.IntegerField(default=0)
    price = fields.DecimalField(max_digits=6, decimal_places=2)
    joined = fields.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "typecheck"


class ArticleQuerySet(QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(published=True)


class ArticleManager(Manager["Article"]):
    def get_queryset(self) -> ArticleQuerySet:
        return ArticleQuerySet(self.model)


class Article(Model):
    title = fields.CharField(max_length=100)
    published = fields.BooleanField(default=False)
    writer = fields.ForeignKey(Writer, on_delete=fields.CASCADE)
    editor = fields.ForeignKey(Writer, on_delete=fields.SET_NULL, null=True, related_name="edited")

    objects = ArticleManager()

    writer_id: int

    class Meta:
        app_label = "typecheck"


class SeniorWriter(Writer):
    """A proxy: Writer's table, its own class (and so its own QuerySet type)."""

    class Meta:
        proxy = True
        app_label = "typecheck"
        ordering = ["-age"]


async def check(writer: Writer, article: Article) -> None:
    assert_type(writer.name, str)
    assert_type(writer.nickname, str | None)
    assert_type(writer.age, int)
    assert_type(writer.price, decimal.Decimal)
    assert_type(writer.joined, datetime.datetime)
    assert_type(writer.id, int)
    assert_type(Writer.name, InstrumentedAttribute[str])
    assert_type(Writer.objects, Manager[Writer])
    assert_type(Writer.objects.filter(name="x"), QuerySet[Writer])
    assert_type(Writer.objects.filter(name="x").order_by("-age")[:10], QuerySet[Writer])
    assert_type(Writer.objects.get(pk=1), Writer)
    assert_type(await Writer.objects.aget(pk=1), Writer)
    assert_type(await Writer.objects.filter(age__gt=1).afirst(), Writer | None)
    assert_type(await Writer.objects.acount(), int)
    assert_type([w async for w in Writer.objects.all()], list[Writer])
    assert_type(article.writer, Writer)
    assert_type(article.editor, Writer | None)
    assert_type(article.writer_id, int)
    assert_type(SeniorWriter.objects.filter(age__gte=60), QuerySet[SeniorWriter])
    assert_type(await SeniorWriter.objects.aget(pk=1), SeniorWriter)
    assert_type(Article.objects, ArticleManager)
    assert_type(Article.objects.get_queryset().published(), ArticleQuerySet)
    statement = select(Writer).where(Writer.name == "x")
    assert_type(statement.whereclause is not None, bool)
    anything: Any = Writer.objects.values("name")
    del anything


class Label(Model):
    name = fields.CharField(max_length=20)

    class Meta:
        app_label = "typecheck"


class Labelled(Model):
    labels = fields.ManyToManyField(Label, blank=True)

    class Meta:
        app_label = "typecheck"


async def many_to_many_attributes_are_managers(item: Labelled, label: Label) -> None:
    from fastjango.orm.related import ManyRelatedManager

    assert_type(item.labels, ManyRelatedManager)
    await item.labels.aset([label])
