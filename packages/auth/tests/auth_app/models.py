"""Models of the auth tests' app (app label ``auth_app``): something to hold permissions on."""

from __future__ import annotations

from fastjango.orm import Model, fields


class Article(Model):
    title = fields.CharField(max_length=50)

    class Meta:
        app_label = "auth_app"
        permissions = (("publish_article", "Can publish articles"),)


class Note(Model):
    """A model that asks for fewer default permissions (``Meta.default_permissions``)."""

    text = fields.CharField(max_length=50)

    class Meta:
        app_label = "auth_app"
        default_permissions = ("add", "view")
