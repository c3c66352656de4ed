"""SQLAlchemy column types that make every database return the same Python values.

Django promises the same values whatever the database: an aware UTC
``datetime``, a ``timedelta``, a ``Decimal`` with its declared places. These
types close the gaps between SQLite, PostgreSQL and MariaDB, and stay out of
the way (no per-row Python work) where a driver already does the right thing.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Interval, Numeric
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["AwareDateTime", "DecimalType", "DurationType"]

UTC = datetime.UTC


class AwareDateTime(TypeDecorator[datetime.datetime]):
    """A point in time, always returned as an aware UTC datetime.

    PostgreSQL stores ``timestamp with time zone``; SQLite and MariaDB store
    the UTC wall time (microseconds kept: ``DATETIME(6)`` on MariaDB). A naive
    datetime given to a query or a save is taken to be UTC.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TIMESTAMP(timezone=True))
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime.datetime | None, dialect: Dialect) -> datetime.datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"Expected a datetime, got {type(value).__name__} {value!r}.")
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if dialect.name == "postgresql":
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime.datetime | None, dialect: Dialect) -> datetime.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.driver == "asyncpg":
            # asyncpg already returns aware datetimes in UTC: no per-row work at all.
            return None
        return super().result_processor(dialect, coltype)


class DurationType(TypeDecorator[datetime.timedelta]):
    """A ``timedelta``: PostgreSQL ``interval``, elsewhere a bigint of microseconds (as Django stores it)."""

    impl = BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Interval(native=True))
        return dialect.type_descriptor(BigInteger())

    def process_bind_param(self, value: datetime.timedelta | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime.timedelta | None:
        if value is None or isinstance(value, datetime.timedelta):
            return value
        return datetime.timedelta(microseconds=int(value))


class DecimalType(TypeDecorator[decimal.Decimal]):
    """A ``Decimal`` with ``scale`` places on every database.

    SQLite has no decimal type: values are stored as numbers and come back
    quantized to the declared places (the same trade Django makes there).
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int | None = None, scale: int | None = None) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = decimal.Decimal(1).scaleb(-scale) if scale is not None else None

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return float(value) if isinstance(value, decimal.Decimal) else value
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> decimal.Decimal | None:
        if value is None:
            return None
        if isinstance(value, decimal.Decimal):
            return value
        result = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
        return result.quantize(self._quantum) if self._quantum is not None else result

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            # The drivers of the server databases return Decimal already.
            return self.load_dialect_impl(dialect).result_processor(dialect, coltype)
        return super().result_processor(dialect, coltype)
