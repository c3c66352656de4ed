"""``Meta.indexes``: ``Index(fields=["-created", "title"], name="...")``, as in Django."""

from __future__ import annotations

from collections.abc import Sequence

from fastjango.orm.exceptions import ImproperlyConfigured

__all__ = ["Index"]


class Index:
    """A database index over ``fields`` (a leading ``-`` is accepted and ignored, as ordering is not portable)."""

    def __init__(self, *, fields: Sequence[str], name: str) -> None:
        if not fields:
            raise ImproperlyConfigured(f"Index {name!r} needs fields.")
        if not name:
            raise ImproperlyConfigured("An Index needs a name (it is how migrations refer to it).")
        self.fields = tuple(fields)
        self.name = name

    def __repr__(self) -> str:
        return f"<Index: {self.name} on {', '.join(self.fields)}>"
