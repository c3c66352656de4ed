"""The scalar fields: one column each, Django's names and options.

Each class has two typing overloads of ``__new__`` so that type checkers see
``CharField(max_length=10)`` as ``CharField[str]`` and
``CharField(max_length=10, null=True)`` as ``CharField[str | None]``; at run
time they do not exist.
"""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, Unpack, cast, overload

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Double,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    Time,
    Uuid,
)
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import TypeEngine

from fastjango.orm import validators as v
from fastjango.orm.exceptions import ImproperlyConfigured, ValidationError
from fastjango.orm.fields.base import Field, FieldOptions, Validator
from fastjango.orm.fields.types import AwareDateTime, DecimalType, DurationType

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model

__all__ = [
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BinaryField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "FloatField",
    "GenericIPAddressField",
    "IntegerField",
    "JSONField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallAutoField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "URLField",
    "UUIDField",
]

_T = TypeVar("_T")


def _parent_init(parent: object, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Run the parent class's ``__init__``: its typing overloads name concrete value types, which a
    generic subclass's ``self`` cannot match, so the call goes through ``Any``."""
    cast("Any", parent).__init__(*args, **kwargs)


def _invalid(field: Field[Any], value: Any, expected: str) -> ValidationError:
    return ValidationError(f"{value!r} is not a valid {expected}.", "invalid")


# ---------------------------------------------------------------------------- integers


class IntegerField(Field[_T]):
    """A 32-bit integer."""

    empty_strings_allowed = False
    range: ClassVar[tuple[int, int]] = (-(2**31), 2**31 - 1)

    @overload
    def __init__(
        self: IntegerField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: IntegerField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Integer()

    def default_validators(self) -> list[Validator]:
        low, high = self.range
        return [v.MinValueValidator(low), v.MaxValueValidator(high)]

    def to_python(self, value: Any) -> Any:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        try:
            as_float = float(value)
            if not as_float.is_integer():
                raise ValueError
            return int(value) if isinstance(value, str) else int(as_float)
        except (TypeError, ValueError):
            raise _invalid(self, value, "integer") from None

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or isinstance(value, int):
            return value
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise ValueError(f"Field {self.name!r} expected a number but got {value!r}.") from error


class BigIntegerField(IntegerField[_T]):
    """A 64-bit integer."""

    range = (-(2**63), 2**63 - 1)

    @overload
    def __init__(
        self: BigIntegerField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: BigIntegerField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return BigInteger()


class SmallIntegerField(IntegerField[_T]):
    """A 16-bit integer."""

    range = (-(2**15), 2**15 - 1)

    @overload
    def __init__(
        self: SmallIntegerField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: SmallIntegerField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return SmallInteger()


class _Positive:
    """Adds the ``>= 0`` check constraint Django gives its positive integer fields."""

    column: str

    def table_constraints(self, table: Any) -> list[Any]:
        return [CheckConstraint(table.c[self.column] >= 0, name=f"{self.column}_gte_0")]


class PositiveIntegerField(_Positive, IntegerField[_T]):
    """A 32-bit integer that is 0 or more (a database check constraint)."""

    range = (0, 2**31 - 1)

    @overload
    def __init__(
        self: PositiveIntegerField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: PositiveIntegerField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)


class PositiveBigIntegerField(_Positive, BigIntegerField[_T]):
    """A 64-bit integer that is 0 or more."""

    range = (0, 2**63 - 1)

    @overload
    def __init__(
        self: PositiveBigIntegerField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: PositiveBigIntegerField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)


class PositiveSmallIntegerField(_Positive, SmallIntegerField[_T]):
    """A 16-bit integer that is 0 or more."""

    range = (0, 2**15 - 1)

    @overload
    def __init__(
        self: PositiveSmallIntegerField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: PositiveSmallIntegerField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)


class AutoField(IntegerField[_T]):
    """An integer primary key the database assigns (``id`` when no field is the primary key)."""

    @overload
    def __init__(
        self: AutoField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: AutoField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("primary_key", True)
        kwargs.setdefault("blank", True)
        if not kwargs["primary_key"]:
            raise ImproperlyConfigured(f"{type(self).__name__} must have primary_key=True.")
        _parent_init(super(), args, kwargs)

    def column_arguments(self) -> dict[str, Any]:
        return {"autoincrement": True}

    def rel_db_type(self) -> TypeEngine[Any]:
        """The type of a foreign key column pointing at this field."""
        return Integer()

    def validate(self, value: Any, instance: Model) -> None:
        pass  # the database assigns it


class BigAutoField(AutoField[_T]):
    """A 64-bit integer primary key the database assigns: the default ``id``."""

    range = (-(2**63), 2**63 - 1)

    @overload
    def __init__(
        self: BigAutoField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: BigAutoField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        # SQLite only autoincrements an INTEGER PRIMARY KEY (its rowid), which is 64-bit anyway.
        return BigInteger().with_variant(Integer(), "sqlite")

    def rel_db_type(self) -> TypeEngine[Any]:
        return BigInteger()


class SmallAutoField(AutoField[_T]):
    """A 16-bit integer primary key the database assigns."""

    range = (-(2**15), 2**15 - 1)

    @overload
    def __init__(
        self: SmallAutoField[int],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: SmallAutoField[int | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return SmallInteger().with_variant(Integer(), "sqlite")

    def rel_db_type(self) -> TypeEngine[Any]:
        return SmallInteger()


# ---------------------------------------------------------------------------- text


class CharField(Field[_T]):
    """A string of at most ``max_length`` characters (``VARCHAR``)."""

    @overload
    def __init__(
        self: CharField[str],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_length: int,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: CharField[str | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_length: int,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)
        if self.max_length is None or self.max_length <= 0:
            raise ImproperlyConfigured(f"{type(self).__name__} needs max_length, a positive integer.")

    def db_type(self) -> TypeEngine[Any]:
        return String(self.max_length)

    def default_validators(self) -> list[Validator]:
        return [v.MaxLengthValidator(self.max_length)]

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return str(value)


class TextField(Field[_T]):
    """Text of any length; ``max_length`` is checked by ``full_clean`` only."""

    @overload
    def __init__(
        self: TextField[str],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_length: int | None = None,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: TextField[str | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_length: int | None = None,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

    def default_validators(self) -> list[Validator]:
        return [v.MaxLengthValidator(self.max_length)] if self.max_length else []

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return str(value)


class EmailField(CharField[_T]):
    """An email address (``CharField`` with an email validator)."""

    @overload
    def __init__(
        self: EmailField[str],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_length: int = 254,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: EmailField[str | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_length: int = 254,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        _parent_init(super(), args, kwargs)

    def default_validators(self) -> list[Validator]:
        return [*super().default_validators(), v.validate_email]


class URLField(CharField[_T]):
    """An absolute URL (``CharField`` with a URL validator)."""

    @overload
    def __init__(
        self: URLField[str],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_length: int = 200,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: URLField[str | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_length: int = 200,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 200)
        _parent_init(super(), args, kwargs)

    def default_validators(self) -> list[Validator]:
        return [*super().default_validators(), v.URLValidator()]


class SlugField(CharField[_T]):
    """Letters, digits, hyphens and underscores; indexed."""

    @overload
    def __init__(
        self: SlugField[str],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_length: int = 50,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: SlugField[str | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_length: int = 50,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("db_index", True)
        _parent_init(super(), args, kwargs)

    def default_validators(self) -> list[Validator]:
        return [*super().default_validators(), v.validate_slug]


class GenericIPAddressField(Field[_T]):
    """An IPv4 or IPv6 address, stored as text."""

    @overload
    def __init__(
        self: GenericIPAddressField[str],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        protocol: str = "both",
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: GenericIPAddressField[str | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        protocol: str = "both",
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, protocol: str = "both", **kwargs: Any) -> None:
        kwargs["max_length"] = 39
        _parent_init(super(), args, kwargs)
        if protocol.lower() not in ("both", "ipv4", "ipv6"):
            raise ImproperlyConfigured("GenericIPAddressField protocol must be 'both', 'IPv4' or 'IPv6'.")
        self.protocol = protocol.lower()

    def db_type(self) -> TypeEngine[Any]:
        return String(39)

    def to_python(self, value: Any) -> Any:
        if value in (None, ""):
            return None if self.null else ""
        try:
            address = ipaddress.ip_address(str(value).strip())
        except ValueError:
            raise ValidationError(f"{value!r} is not a valid IP address.", "invalid") from None
        if self.protocol != "both" and f"ipv{address.version}" != self.protocol:
            raise ValidationError(f"{value!r} is not a valid {self.protocol.replace('ipv', 'IPv')} address.", "invalid")
        return str(address)


# ---------------------------------------------------------------------------- numbers


class FloatField(Field[_T]):
    """A double-precision float."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: FloatField[float],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: FloatField[float | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Double()

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, float):
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            raise _invalid(self, value, "number") from None


class DecimalField(Field[_T]):
    """A fixed-point ``Decimal`` (``NUMERIC(max_digits, decimal_places)``)."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: DecimalField[decimal.Decimal],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_digits: int,
        decimal_places: int,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: DecimalField[decimal.Decimal | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_digits: int,
        decimal_places: int,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)
        if max_digits <= 0 or decimal_places < 0 or decimal_places > max_digits:
            raise ImproperlyConfigured(
                "DecimalField needs max_digits > 0 and 0 <= decimal_places <= max_digits "
                f"(got max_digits={max_digits}, decimal_places={decimal_places})."
            )
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def db_type(self) -> TypeEngine[Any]:
        return DecimalType(self.max_digits, self.decimal_places)

    def default_validators(self) -> list[Validator]:
        return [v.DecimalValidator(self.max_digits, self.decimal_places)]

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, decimal.Decimal):
            return value
        try:
            if isinstance(value, float):
                return decimal.Decimal(repr(value))
            result = decimal.Decimal(str(value).strip())
        except (decimal.InvalidOperation, ValueError):
            raise _invalid(self, value, "decimal number") from None
        if not result.is_finite():
            raise _invalid(self, value, "decimal number")
        return result


class BooleanField(Field[_T]):
    """``True`` or ``False``."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: BooleanField[bool],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: BooleanField[bool | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Boolean(create_constraint=False)

    def to_python(self, value: Any) -> Any:
        if value is None and self.null:
            return None
        if value in (True, False):
            return bool(value)
        if value in ("t", "True", "true", "1"):
            return True
        if value in ("f", "False", "false", "0"):
            return False
        raise ValidationError(f"{value!r} must be either True or False.", "invalid")


# ---------------------------------------------------------------------------- time


class _AutoNow:
    """``auto_now`` (set on every save) and ``auto_now_add`` (set when created) for date/time fields."""

    attname: str

    def _init_auto_now(self, kwargs: dict[str, Any], auto_now: bool, auto_now_add: bool) -> None:
        self.auto_now = auto_now
        self.auto_now_add = auto_now_add
        if auto_now or auto_now_add:
            kwargs["editable"] = False
            kwargs["blank"] = True

    def now(self) -> Any:
        raise NotImplementedError

    def pre_save(self, instance: Model, add: bool) -> Any:
        if self.auto_now or (self.auto_now_add and add):
            value = self.now()
            setattr(instance, self.attname, value)
            return value
        return getattr(instance, self.attname)


class DateField(_AutoNow, Field[_T]):
    """A date; ``auto_now`` sets it on every save, ``auto_now_add`` on creation."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: DateField[datetime.date],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        auto_now: bool = False,
        auto_now_add: bool = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: DateField[datetime.date | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        auto_now: bool = False,
        auto_now_add: bool = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, auto_now: bool = False, auto_now_add: bool = False, **kwargs: Any) -> None:
        self._init_auto_now(kwargs, auto_now, auto_now_add)
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Date()

    def now(self) -> datetime.date:
        return datetime.datetime.now(datetime.UTC).date()

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise _invalid(self, value, "date (YYYY-MM-DD)") from None


class DateTimeField(_AutoNow, Field[_T]):
    """An aware UTC datetime; ``auto_now`` / ``auto_now_add`` as for ``DateField``."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: DateTimeField[datetime.datetime],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        auto_now: bool = False,
        auto_now_add: bool = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: DateTimeField[datetime.datetime | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        auto_now: bool = False,
        auto_now_add: bool = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, auto_now: bool = False, auto_now_add: bool = False, **kwargs: Any) -> None:
        self._init_auto_now(kwargs, auto_now, auto_now_add)
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return AwareDateTime()

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC)

    def to_python(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        if isinstance(value, datetime.date):
            return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC)
        try:
            parsed = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            raise _invalid(self, value, "datetime (ISO 8601)") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


class TimeField(_AutoNow, Field[_T]):
    """A time of day."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: TimeField[datetime.time],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        auto_now: bool = False,
        auto_now_add: bool = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: TimeField[datetime.time | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        auto_now: bool = False,
        auto_now_add: bool = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, auto_now: bool = False, auto_now_add: bool = False, **kwargs: Any) -> None:
        self._init_auto_now(kwargs, auto_now, auto_now_add)
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Time()

    def now(self) -> datetime.time:
        return datetime.datetime.now(datetime.UTC).time().replace(tzinfo=None)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.time):
            return value
        try:
            return datetime.time.fromisoformat(str(value))
        except ValueError:
            raise _invalid(self, value, "time (HH:MM[:SS])") from None


class DurationField(Field[_T]):
    """A ``timedelta`` (PostgreSQL ``interval``, elsewhere microseconds)."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: DurationField[datetime.timedelta],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: DurationField[datetime.timedelta | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return DurationType()

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime.timedelta):
            return value
        if isinstance(value, int | float):
            return datetime.timedelta(seconds=value)
        raise _invalid(self, value, "duration")


# ---------------------------------------------------------------------------- others


class UUIDField(Field[_T]):
    """A UUID (native on PostgreSQL, ``CHAR(32)`` elsewhere)."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: UUIDField[uuid.UUID],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: UUIDField[uuid.UUID | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 32
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return Uuid(as_uuid=True)

    def to_python(self, value: Any) -> Any:
        if value is None or isinstance(value, uuid.UUID):
            return value
        try:
            return uuid.UUID(int=value) if isinstance(value, int) else uuid.UUID(str(value))
        except (AttributeError, ValueError):
            raise _invalid(self, value, "UUID") from None

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, uuid.UUID):
            return value
        try:
            return uuid.UUID(str(value))
        except ValueError as error:
            raise ValueError(f"Field {self.name!r} expected a UUID but got {value!r}.") from error


class JSONField(Field[_T]):
    """A JSON document (``jsonb`` on PostgreSQL); lookups reach into keys."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: JSONField[Any],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: JSONField[Any | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        # none_as_null: Python None is SQL NULL, as in Django; JSON null is stored with JSON.NULL.
        return JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


class BinaryField(Field[_T]):
    """Raw bytes; not editable by default."""

    empty_strings_allowed = False

    @overload
    def __init__(
        self: BinaryField[bytes],
        verbose_name: str | None = None,
        *,
        null: Literal[False] = False,
        max_length: int | None = None,
        **options: Unpack[FieldOptions],
    ) -> None: ...
    @overload
    def __init__(
        self: BinaryField[bytes | None],
        verbose_name: str | None = None,
        *,
        null: Literal[True],
        max_length: int | None = None,
        **options: Unpack[FieldOptions],
    ) -> None: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        _parent_init(super(), args, kwargs)

    def db_type(self) -> TypeEngine[Any]:
        return LargeBinary(self.max_length).with_variant(mysql.LONGBLOB(), "mysql", "mariadb")

    def default_validators(self) -> list[Validator]:
        return [v.MaxLengthValidator(self.max_length)] if self.max_length else []

    def get_default(self) -> Any:
        default = super().get_default()
        return b"" if default == "" else default

    def to_python(self, value: Any) -> Any:
        if isinstance(value, memoryview):
            return bytes(value)
        return value
