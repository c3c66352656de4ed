"""The ORM's settings: ``DATABASES`` as in Django, ``DATABASE_URL`` for deployments, routers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fastjango.core.conf import setting

__all__ = ["DatabaseSettings", "OrmSettings", "PoolSettings"]


class PoolSettings(BaseModel):
    """Connection pool of one database (SQLAlchemy's ``QueuePool`` options)."""

    model_config = ConfigDict(extra="forbid")

    SIZE: int = Field(default=5, ge=1, description="Connections kept open.")
    MAX_OVERFLOW: int = Field(
        default=10, ge=0, description="Extra connections opened under load, closed when returned."
    )
    TIMEOUT: float = Field(default=10.0, gt=0, description="Seconds to wait for a free connection before failing.")
    RECYCLE: int = Field(default=1800, ge=-1, description="Seconds after which a connection is replaced; -1 never.")
    PRE_PING: bool = Field(
        default=False,
        description=(
            "Test each connection before use (one more round trip per query): a restarted server then costs no "
            "error at all. Off, the first query to meet a dead connection fails and the whole pool is renewed."
        ),
    )


class DatabaseSettings(BaseModel):
    """One entry of ``DATABASES``: Django's keys, or ``URL`` with a SQLAlchemy URL."""

    model_config = ConfigDict(extra="forbid")

    ENGINE: str = Field(
        default="sqlite",
        description="sqlite, postgresql, mysql or mariadb (Django's backend paths are accepted too).",
    )
    NAME: str = Field(
        default="", description="Database name; for SQLite the file path (relative to the working directory)."
    )
    USER: str = ""
    PASSWORD: str = ""
    HOST: str = ""
    PORT: int | str | None = None
    URL: str | None = Field(default=None, description="A SQLAlchemy or 12-factor URL; replaces ENGINE, NAME, USER, ...")
    OPTIONS: dict[str, Any] = Field(default_factory=dict, description="Extra driver connect arguments.")
    ATOMIC_REQUESTS: bool = Field(
        default=False,
        description=(
            "Run each request's view in one transaction on this database, committed before the response is sent "
            "and rolled back when the view raises; opt a view out with transaction.non_atomic_requests."
        ),
    )
    POOL: PoolSettings = Field(default_factory=PoolSettings)
    TEST: dict[str, Any] = Field(default_factory=dict, description='Test database options, e.g. {"NAME": "..."}.')

    @field_validator("ENGINE")
    @classmethod
    def _known_engine(cls, value: str) -> str:
        from fastjango.orm.db.urls import ENGINE_ALIASES

        if value not in ENGINE_ALIASES:
            raise ValueError(f"unknown ENGINE {value!r}; use one of sqlite, postgresql, mysql, mariadb")
        return value


def _default_databases() -> dict[str, DatabaseSettings]:
    return {"default": DatabaseSettings(ENGINE="sqlite", NAME="db.sqlite3")}


class OrmSettings(BaseModel):
    """Settings read by fastjango-orm."""

    model_config = ConfigDict(extra="forbid")

    DATABASES: dict[str, DatabaseSettings] = setting(
        default_factory=_default_databases,
        description="Databases by alias; 'default' is required. SQLite file db.sqlite3 unless set.",
    )
    DATABASE_URL: str | None = setting(
        None,
        env=("DATABASE_URL",),
        description="A URL that replaces DATABASES['default'] (postgresql://user:pass@host/name, sqlite:///path).",
    )
    DATABASE_ROUTERS: list[str] = setting(
        default_factory=list, description="Dotted paths of router classes, consulted in order."
    )

    @field_validator("DATABASES")
    @classmethod
    def _has_default(cls, value: dict[str, DatabaseSettings]) -> dict[str, DatabaseSettings]:
        if "default" not in value:
            raise ValueError("DATABASES needs a 'default' entry")
        return value
