"""``TextChoices`` and ``IntegerChoices``: enums whose members carry a human-readable label.

.. code-block:: python

    class Status(TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published"  # label "Published", from the name

    status = CharField(max_length=10, choices=Status, default=Status.DRAFT)

Members are ``str`` (or ``int``) values, so they compare equal to what the
database returns, and ``Status.choices`` is the ``[(value, label), ...]`` list.
"""

from __future__ import annotations

import enum
from typing import Any, cast

__all__ = ["Choices", "IntegerChoices", "TextChoices"]


class ChoicesType(enum.EnumType):
    """Reads ``NAME = value, "label"`` members and gives the class ``choices``, ``labels`` and ``values``."""

    def __new__(
        metacls,
        classname: str,
        bases: tuple[type, ...],
        classdict: Any,
        **kwds: Any,
    ) -> ChoicesType:
        labels: list[str] = []
        for key in classdict._member_names:
            value = classdict[key]
            if isinstance(value, list | tuple) and len(value) > 1 and isinstance(value[-1], str):
                *parts, label = value
                value = tuple(parts)
            else:
                label = key.replace("_", " ").title()
            labels.append(label)
            # Bypass _EnumDict's reuse check: the key is already a member name.
            dict.__setitem__(classdict, key, value)
        cls = super().__new__(metacls, classname, bases, classdict, **kwds)
        choices_class = cast("type[Choices]", cls)  # an instance of this metaclass is a Choices subclass
        for member, label in zip(choices_class.__members__.values(), labels, strict=False):
            member._label_ = label
        enum.unique(choices_class)  # raises ValueError for duplicate values
        return cls

    @property
    def choices(cls) -> list[tuple[Any, str]]:
        return [(member.value, member.label) for member in cast("type[Choices]", cls)]

    @property
    def labels(cls) -> list[str]:
        return [label for _, label in cls.choices]

    @property
    def values(cls) -> list[Any]:
        return [value for value, _ in cls.choices]


class Choices(enum.Enum, metaclass=ChoicesType):
    """Base of enumerated choices; use :class:`TextChoices` or :class:`IntegerChoices`."""

    _label_: str

    @property
    def label(self) -> str:
        return self._label_

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class TextChoices(str, Choices):
    """String choices; a member without a value takes its name."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> str:
        return name


class IntegerChoices(int, Choices):
    """Integer choices."""
