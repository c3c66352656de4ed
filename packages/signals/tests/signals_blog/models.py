"""Models of the signals tests' app (app label ``signals_blog``)."""

from __future__ import annotations

from fastjango.orm import CASCADE, Model, fields


class Post(Model):
    title = fields.CharField(max_length=100)
    slug = fields.CharField(max_length=100, blank=True, default="")

    class Meta:
        app_label = "signals_blog"


class Comment(Model):
    post = fields.ForeignKey(Post, on_delete=CASCADE, related_name="comments")
    body = fields.CharField(max_length=200)

    class Meta:
        app_label = "signals_blog"


class Label(Model):
    name = fields.CharField(max_length=30)
    posts = fields.ManyToManyField(Post, related_name="labels")

    class Meta:
        app_label = "signals_blog"
