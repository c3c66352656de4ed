"""``ValidationError`` and the translation of pydantic-core's errors into DRF's shape and wording.

DRF reports ``{"field": ["message"], "non_field_errors": [...]}``, with
nested serializers as nested dicts and ``many=True`` children as lists of
dicts (``{}`` for a valid child). Clients written against DRF read that
shape, so pydantic's flat list of ``loc`` tuples is folded into it here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pydantic

__all__ = ["NON_FIELD_ERRORS", "ErrorDetail", "ValidationError", "errors_from_pydantic", "merge_errors", "put_error"]

#: The key of errors that belong to no single field (``validate(attrs)``, unique-together checks).
NON_FIELD_ERRORS = "non_field_errors"

#: ``{"field": ["message"]}``, nested dicts for nested serializers, lists for ``many=True``.
ErrorDetail = dict[Any, Any] | list[Any]


class ValidationError(Exception):
    """Raised by ``validate_<field>``, ``validate`` and validators; ``.detail`` holds DRF-shaped errors.

    ``ValidationError("message")`` or ``ValidationError(["a", "b"])`` from a
    field hook belongs to that field; from ``validate(attrs)`` it goes to
    ``non_field_errors``. ``ValidationError({"field": ["message"]})`` names
    the fields itself.
    """

    def __init__(self, detail: str | Sequence[str] | Mapping[str, Any] | list[Any]) -> None:
        if isinstance(detail, str):
            self.detail: Any = [detail]
        elif isinstance(detail, Mapping):
            self.detail = {key: [value] if isinstance(value, str) else value for key, value in detail.items()}
        else:
            self.detail = list(detail)
        super().__init__(self.detail)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _null(error: Any) -> bool:
    return error.get("input", "") is None and error["type"] not in {"missing", "literal_error"}


def _message(error: Any) -> str:
    """DRF's sentence for one pydantic-core error, else pydantic's own message."""
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "This field is required."
    if _null(error):
        return "This field may not be null."
    messages: dict[str, str] = {
        "extra_forbidden": "Unknown field.",
        "string_too_long": "Ensure this field has no more than {max_length} characters.",
        "string_too_short": "Ensure this field has at least {min_length} characters.",
        "string_type": "Not a valid string.",
        "int_parsing": "A valid integer is required.",
        "int_type": "A valid integer is required.",
        "int_from_float": "A valid integer is required.",
        "float_parsing": "A valid number is required.",
        "float_type": "A valid number is required.",
        "decimal_parsing": "A valid number is required.",
        "decimal_type": "A valid number is required.",
        "decimal_max_digits": "Ensure that there are no more than {max_digits} digits in total.",
        "decimal_max_places": "Ensure that there are no more than {decimal_places} decimal places.",
        "decimal_whole_digits": "Ensure that there are no more than {whole_digits} digits before the decimal point.",
        "greater_than_equal": "Ensure this value is greater than or equal to {ge}.",
        "less_than_equal": "Ensure this value is less than or equal to {le}.",
        "greater_than": "Ensure this value is greater than {gt}.",
        "less_than": "Ensure this value is less than {lt}.",
        "bool_parsing": "Must be a valid boolean.",
        "bool_type": "Must be a valid boolean.",
        "uuid_parsing": "Must be a valid UUID.",
        "uuid_type": "Must be a valid UUID.",
        "too_short": "Ensure this field has at least {min_length} elements.",
        "too_long": "Ensure this field has no more than {max_length} elements.",
    }
    if kind in messages:
        return messages[kind].format(**ctx)
    if kind.startswith("datetime_"):
        return (
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        )
    if kind.startswith("date_"):
        return "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
    if kind.startswith("time_"):
        return "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."
    if kind.startswith("timedelta_"):
        return "Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu]."
    if kind == "literal_error":
        return f'"{value}" is not a valid choice.'
    if kind in {"list_type", "tuple_type", "set_type"}:
        return f'Expected a list of items but got type "{_type_name(value)}".'
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"Invalid data. Expected a dictionary, but got {_type_name(value)}."
    return str(error["msg"])


def put_error(tree: Any, loc: Sequence[str | int], message: str) -> Any:
    """Insert ``message`` at ``loc`` into ``tree`` (created as needed) and return the tree."""
    if not loc:
        if isinstance(tree, dict):
            tree.setdefault(NON_FIELD_ERRORS, []).append(message)
            return tree
        tree = tree if isinstance(tree, list) and all(isinstance(item, str) for item in tree) else []
        tree.append(message)
        return tree
    head, rest = loc[0], loc[1:]
    # A list of nested serializers is reported as a list of dicts; any other indexed value
    # (a ListField's items) as a dict keyed by position, as DRF does.
    if isinstance(head, int) and rest and isinstance(rest[0], str):
        if not isinstance(tree, list):
            tree = []
        while len(tree) <= head:
            tree.append({})
        tree[head] = put_error(tree[head], rest, message)
        return tree
    if not isinstance(tree, dict):
        tree = {}
    tree[head] = put_error(tree.get(head, []), rest, message)
    return tree


def _pad(tree: Any, data: Any) -> Any:
    """Give every list of child errors one entry per submitted child (``{}`` for the valid ones)."""
    if isinstance(tree, list) and tree and isinstance(tree[0], dict) and isinstance(data, list):
        tree = tree + [{} for _ in range(len(data) - len(tree))]
        return [_pad(item, data[i] if i < len(data) else None) for i, item in enumerate(tree)]
    if isinstance(tree, dict) and isinstance(data, Mapping):
        return {key: _pad(value, data.get(key)) for key, value in tree.items()}
    return tree


def errors_from_pydantic(error: pydantic.ValidationError, data: Any, *, many: bool = False) -> ErrorDetail:
    """DRF's error tree for ``error``, raised while validating ``data``."""
    tree: Any = [] if many else {}
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if many and (not loc or not isinstance(loc[0], int)):
            return {NON_FIELD_ERRORS: [_message(item)]}
        if many and len(loc) == 1:
            loc = (*loc, NON_FIELD_ERRORS)
        tree = put_error(tree, loc, _message(item))
    return _pad(tree, data)  # type: ignore[no-any-return]


def merge_errors(into: dict[str, Any], key: str, detail: Any) -> None:
    """Add ``detail`` (a list of messages or a nested tree) under ``key``."""
    current = into.get(key)
    if isinstance(current, list) and isinstance(detail, list) and all(isinstance(m, str) for m in current + detail):
        current.extend(detail)
    else:
        into[key] = detail
