"""``DATABASES`` as it applies: ``DATABASE_URL`` from the environment replaces the default entry."""

from __future__ import annotations

from typing import Any

from fastjango.orm.settings import DatabaseSettings

__all__ = ["effective_databases"]


def effective_databases(settings: Any) -> dict[str, DatabaseSettings]:
    databases: dict[str, DatabaseSettings] = dict(settings.DATABASES)
    url = settings.DATABASE_URL
    if url:
        base = databases.get("default") or DatabaseSettings()
        databases["default"] = base.model_copy(update={"URL": url})
    return databases
