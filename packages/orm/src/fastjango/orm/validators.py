"""Validators for ``Field(validators=[...])`` and ``full_clean()``: callables that raise ValidationError."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from fastjango.orm.exceptions import ValidationError

__all__ = [
    "EmailValidator",
    "MaxLengthValidator",
    "MaxValueValidator",
    "MinLengthValidator",
    "MinValueValidator",
    "RegexValidator",
    "URLValidator",
    "validate_email",
    "validate_slug",
]


class RegexValidator:
    """Accept strings that match ``regex`` (or that do not, with ``inverse_match``)."""

    def __init__(
        self, regex: str, message: str = "Enter a valid value.", code: str = "invalid", inverse_match: bool = False
    ) -> None:
        self.regex = re.compile(regex)
        self.message = message
        self.code = code
        self.inverse_match = inverse_match

    def __call__(self, value: Any) -> None:
        matched = isinstance(value, str) and self.regex.search(value) is not None
        if matched == self.inverse_match:
            raise ValidationError(self.message, code=self.code)

    # __eq__ without __hash__: Python sets __hash__ to None, so instances are unhashable.
    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, RegexValidator)
            and self.regex.pattern == other.regex.pattern
            and (self.message, self.code, self.inverse_match) == (other.message, other.code, other.inverse_match)
        )


class _LimitValidator:
    message = "Ensure this value is {comparison} {limit} (it is {shown})."
    comparison = ""
    code = ""

    def __init__(self, limit: Any, message: str | None = None) -> None:
        self.limit = limit
        if message is not None:
            self.message = message

    def measure(self, value: Any) -> Any:
        return value

    def fails(self, measured: Any) -> bool:
        raise NotImplementedError

    def __call__(self, value: Any) -> None:
        measured = self.measure(value)
        if self.fails(measured):
            raise ValidationError(
                self.message.format(comparison=self.comparison, limit=self.limit, shown=measured), code=self.code
            )

    # __eq__ without __hash__: Python sets __hash__ to None, so instances are unhashable.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.limit == self.limit


class MaxValueValidator(_LimitValidator):
    comparison = "less than or equal to"
    code = "max_value"

    def fails(self, measured: Any) -> bool:
        return bool(measured > self.limit)


class MinValueValidator(_LimitValidator):
    comparison = "greater than or equal to"
    code = "min_value"

    def fails(self, measured: Any) -> bool:
        return bool(measured < self.limit)


class MaxLengthValidator(_LimitValidator):
    message = "Ensure this value has at most {limit} characters (it has {shown})."
    code = "max_length"

    def measure(self, value: Any) -> int:
        return len(value)

    def fails(self, measured: Any) -> bool:
        return bool(measured > self.limit)


class MinLengthValidator(_LimitValidator):
    message = "Ensure this value has at least {limit} characters (it has {shown})."
    code = "min_length"

    def measure(self, value: Any) -> int:
        return len(value)

    def fails(self, measured: Any) -> bool:
        return bool(measured < self.limit)


class DecimalValidator:
    """At most ``max_digits`` digits in all, at most ``decimal_places`` of them after the point."""

    def __init__(self, max_digits: int | None, decimal_places: int | None) -> None:
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def __call__(self, value: Decimal) -> None:
        _sign, digit_tuple, exponent = value.as_tuple()
        if not isinstance(exponent, int):
            raise ValidationError("Enter a number.", code="invalid")
        digits = len(digit_tuple)
        if exponent >= 0:
            digits += exponent
            decimals = 0
        else:
            decimals = -exponent
            digits = max(digits, decimals)
        whole = digits - decimals
        if self.max_digits is not None and digits > self.max_digits:
            raise ValidationError(
                f"Ensure that there are no more than {self.max_digits} digits in total.", "max_digits"
            )
        if self.decimal_places is not None and decimals > self.decimal_places:
            raise ValidationError(
                f"Ensure that there are no more than {self.decimal_places} decimal places.", "max_decimal_places"
            )
        if self.max_digits is not None and self.decimal_places is not None:
            allowed_whole = self.max_digits - self.decimal_places
            if whole > allowed_whole:
                raise ValidationError(
                    f"Ensure that there are no more than {allowed_whole} digits before the decimal point.",
                    "max_whole_digits",
                )


# Deliberately modest: one @, a dot-separated domain of letters, digits and hyphens, no spaces.
# Deliverability is the mail server's business; this catches typing mistakes.
_EMAIL = re.compile(
    r"^[^@\s\"(),:;<>\[\\\]]+@(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|"
    r"^[^@\s\"(),:;<>\[\\\]]+@localhost$",
    re.IGNORECASE,
)


class EmailValidator:
    """An address of the form ``local@domain.tld`` (or ``@localhost``), at most 254 characters."""

    message = "Enter a valid email address."
    code = "invalid"

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value):
            raise ValidationError(self.message, code=self.code)

    # __eq__ without __hash__: Python sets __hash__ to None, so instances are unhashable.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, EmailValidator)


class URLValidator:
    """An absolute URL with one of ``schemes`` and a host."""

    message = "Enter a valid URL."
    code = "invalid"

    def __init__(self, schemes: tuple[str, ...] = ("http", "https", "ftp", "ftps")) -> None:
        self.schemes = schemes

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or any(char.isspace() for char in value):
            raise ValidationError(self.message, code=self.code)
        try:
            parts = urlsplit(value)
            port = parts.port  # raises ValueError for a port out of range
        except ValueError:
            raise ValidationError(self.message, code=self.code) from None
        del port
        if parts.scheme.lower() not in self.schemes or not parts.hostname:
            raise ValidationError(self.message, code=self.code)

    # __eq__ without __hash__: Python sets __hash__ to None, so instances are unhashable.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, URLValidator) and other.schemes == self.schemes


validate_email = EmailValidator()
validate_slug = RegexValidator(
    r"^[-a-zA-Z0-9_]+\Z",
    "Enter a valid slug consisting of letters, numbers, underscores or hyphens.",
    "invalid",
)
