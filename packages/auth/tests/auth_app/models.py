"""Models of the auth tests' app (app label ``auth_app``): something to hold permissions on."""

from __future__ import annotations

from fastjango.orm import Model, fields


class Article(Model):
    title = fields.CharField(max_length=50)

    class Meta:
        app_label = "auth_app"
