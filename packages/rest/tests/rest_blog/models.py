"""Models of the rest tests' app (app label ``rest_blog``)."""

from __future__ import annotations

import decimal

from fastjango.orm import CASCADE, Model, TextChoices, fields


class Status(TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Author(Model):
    name = fields.CharField(max_length=50, unique=True)
    email = fields.EmailField(max_length=100, blank=True, default="")

    class Meta:
        app_label = "rest_blog"


class Post(Model):
    title = fields.CharField(max_length=20, help_text="Shown in lists.")
    body = fields.TextField(blank=True, default="")
    status = fields.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    rating = fields.PositiveSmallIntegerField(null=True)
    price = fields.DecimalField(max_digits=6, decimal_places=2, default=decimal.Decimal("0.00"))
    created = fields.DateTimeField(auto_now_add=True)
    author = fields.ForeignKey(Author, on_delete=CASCADE, related_name="posts")

    class Meta:
        app_label = "rest_blog"
        ordering = ["id"]


class Comment(Model):
    post = fields.ForeignKey(Post, on_delete=CASCADE, related_name="comments")
    name = fields.CharField(max_length=30)

    class Meta:
        app_label = "rest_blog"
        ordering = ["id"]
        unique_together = [("post", "name")]


class Tag(Model):
    name = fields.CharField(max_length=30, unique=True)
    slug = fields.CharField(max_length=30, unique=True)

    class Meta:
        app_label = "rest_blog"
        ordering = ["id"]


class Article(Model):
    """A post with tags (many-to-many), for the relation tests; Post itself stays as the other tests know it."""

    title = fields.CharField(max_length=50)
    author = fields.ForeignKey(Author, on_delete=CASCADE, related_name="articles", null=True, blank=True)
    tags = fields.ManyToManyField(Tag, related_name="articles", blank=True)

    class Meta:
        app_label = "rest_blog"
        ordering = ["id"]
