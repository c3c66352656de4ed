"""The field base class: a typed declaration that becomes a SQLAlchemy column on the model.

A field is written as a class attribute (``title = CharField(max_length=100)``).
When the model class is created, the field turns into a SQLAlchemy
``mapped_column`` under the same name, so at run time ``Post.title`` is a
SQLAlchemy ``InstrumentedAttribute`` usable in ``select()``, and ``post.title`` is
the value. For type checkers the field is a descriptor with the same two faces:
``Field[str]`` gives ``str`` on instances and ``InstrumentedAttribute[str]`` on
the class, with no mypy plugin.

Custom field types subclass :class:`Field` and override :meth:`Field.db_type`
(the SQLAlchemy type) and, when values need converting or checking,
:meth:`Field.to_python`.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypedDict, TypeVar, overload

from sqlalchemy.orm import InstrumentedAttribute, MappedColumn, mapped_column
from sqlalchemy.types import TypeEngine

from fastjango.orm.exceptions import ValidationError

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model

__all__ = ["NOT_PROVIDED", "Field", "FieldOptions", "normalize_choices"]

_T = TypeVar("_T")


class _NotProvided:
    """The default of ``default=``: no default at all (``None`` is a real default)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_PROVIDED"


NOT_PROVIDED: Any = _NotProvided()

Validator = Callable[[Any], None]
#: ``(value, label)`` pairs (or named groups, ``(group_label, [(value, label), ...])``), or an Enum class.
Choices = Iterable[tuple[Any, str] | tuple[str, Iterable[tuple[Any, str]]]] | type[enum.Enum] | None


class FieldOptions(TypedDict, total=False):
    """The options every field accepts, as Django names them (typed for ``**options``)."""

    primary_key: bool
    unique: bool
    blank: bool
    db_index: bool
    default: Any
    editable: bool
    choices: Choices
    help_text: str
    db_column: str | None
    db_comment: str | None
    validators: Sequence[Validator]
    error_messages: dict[str, str] | None


def normalize_choices(choices: Choices) -> list[tuple[Any, str]] | None:
    """``[(value, label), ...]`` from a list of pairs, grouped pairs or an Enum class."""
    if choices is None:
        return None
    if isinstance(choices, type) and issubclass(choices, enum.Enum):
        return [(member.value, str(getattr(member, "label", member.name))) for member in choices]
    flat: list[tuple[Any, str]] = []
    for value, label in choices:
        if isinstance(label, list | tuple) and label and isinstance(label[0], list | tuple):
            flat.extend((inner_value, str(inner_label)) for inner_value, inner_label in label)  # a named group
        else:
            flat.append((value.value if isinstance(value, enum.Enum) else value, str(label)))
    return flat


class Field(Generic[_T]):
    """One model field: its column, its Python values and its validation (see the module docstring)."""

    #: Does an empty string count as a value for this field (CharField), or as "blank" (IntegerField)?
    empty_strings_allowed: ClassVar[bool] = True
    #: Is this field's value stored in this model's table (False for many-to-many)?
    concrete: ClassVar[bool] = True
    is_relation: ClassVar[bool] = False
    many_to_many: ClassVar[bool] = False
    #: Counter giving fields their declaration order across a class body and its bases.
    _creation_counter: ClassVar[int] = 0

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid_choice": "Value {value!r} is not a valid choice.",
        "null": "This field cannot be null.",
        "blank": "This field cannot be blank.",
        "unique": "{model_name} with this {field_label} already exists.",
    }

    name: str
    attname: str
    column: str
    model: type[Model]

    def __init__(
        self,
        verbose_name: str | None = None,
        *,
        primary_key: bool = False,
        max_length: int | None = None,
        unique: bool = False,
        blank: bool = False,
        null: bool = False,
        db_index: bool = False,
        default: Any = NOT_PROVIDED,
        editable: bool = True,
        choices: Choices = None,
        help_text: str = "",
        db_column: str | None = None,
        db_comment: str | None = None,
        validators: Sequence[Validator] = (),
        error_messages: dict[str, str] | None = None,
    ) -> None:
        self.verbose_name = verbose_name
        self.primary_key = primary_key
        self.max_length = max_length
        self.unique = unique or primary_key
        self.blank = blank
        self.null = null
        self.db_index = db_index
        self.default = default
        self.editable = editable
        self.choices = normalize_choices(choices)
        self.help_text = help_text
        self.db_column = db_column
        self.db_comment = db_comment
        self._validators = list(validators)
        self.error_messages = {**self._all_error_messages(), **(error_messages or {})}
        Field._creation_counter += 1
        self.creation_counter = Field._creation_counter

    @classmethod
    def _all_error_messages(cls) -> dict[str, str]:
        messages: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            messages.update(getattr(klass, "default_error_messages", {}))
        return messages

    # ------------------------------------------------------------------ typing faces
    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> InstrumentedAttribute[_T]: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

        def __get__(self, instance: object | None, owner: Any) -> InstrumentedAttribute[_T] | _T: ...

        def __set__(self, instance: object, value: _T) -> None: ...

    # ------------------------------------------------------------------ set-up
    def clone(self) -> Field[_T]:
        """A fresh copy for a subclass of an abstract model (each concrete model owns its fields)."""
        return copy.copy(self)

    def set_attributes_from_name(self, name: str) -> None:
        self.name = name
        self.attname = name
        self.column = self.db_column or name
        if self.verbose_name is None:
            self.verbose_name = name.replace("_", " ")

    def db_type(self) -> TypeEngine[Any]:
        """The SQLAlchemy type of the column; the extension point of custom fields."""
        raise NotImplementedError(f"{type(self).__name__} must define db_type().")

    def column_arguments(self) -> dict[str, Any]:
        """Extra keyword arguments for ``mapped_column`` (server defaults, autoincrement, ...)."""
        return {}

    def table_constraints(self, table: Any) -> list[Any]:
        """Constraints this field adds to its model's table (a ``CHECK`` for positive integers, ...)."""
        return []

    def make_column(self) -> MappedColumn[Any]:
        """The ``mapped_column`` this field becomes on its model."""
        return mapped_column(
            self.column,
            self.db_type(),
            primary_key=self.primary_key,
            nullable=self.null,
            unique=self.unique and not self.primary_key,
            index=self.db_index and not self.unique,
            comment=self.db_comment,
            **self.column_arguments(),
        )

    def contribute_to_class(self, cls: type[Model], name: str) -> None:
        """Attach to ``cls`` as ``name``: the model's metaclass calls this for each field."""
        self.set_attributes_from_name(name)
        self.model = cls
        setattr(cls, self.attname, self.make_column())

    # ------------------------------------------------------------------ values
    @property
    def validators(self) -> list[Validator]:
        return [*self.default_validators(), *self._validators]

    def default_validators(self) -> list[Validator]:
        return []

    def has_default(self) -> bool:
        return self.default is not NOT_PROVIDED

    def get_default(self) -> Any:
        """The value a new instance starts with: ``default`` (called if callable), else None or ''."""
        if self.has_default():
            return self.default() if callable(self.default) else self.default
        if not self.empty_strings_allowed or self.null:
            return None
        return ""

    def to_python(self, value: Any) -> Any:
        """Convert ``value`` to this field's Python type or raise ValidationError (used by ``full_clean``)."""
        return value

    def get_prep_value(self, value: Any) -> Any:
        """The value as the database column takes it (used for filters and saves)."""
        if isinstance(value, enum.Enum):
            return value.value
        return value

    def pre_save(self, instance: Model, add: bool) -> Any:
        """The value to store, read just before saving (``auto_now`` fields change it here)."""
        return getattr(instance, self.attname)

    def validate(self, value: Any, instance: Model) -> None:
        """Check choices, null and blank; raise ValidationError with this field's messages."""
        if not self.editable:
            return
        if (
            self.choices is not None
            and value not in self.empty_values
            and value not in {choice for choice, _ in self.choices}
        ):
            raise ValidationError(self.error_messages["invalid_choice"].format(value=value), "invalid_choice")
        if value is None and not self.null:
            raise ValidationError(self.error_messages["null"], "null")
        if not self.blank and value in self.empty_values:
            raise ValidationError(self.error_messages["blank"], "blank")

    empty_values: ClassVar[tuple[Any, ...]] = (None, "", [], (), {})

    def run_validators(self, value: Any) -> None:
        if value in self.empty_values:
            return
        messages: list[str] = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as error:
                messages.extend(error.messages)
        if messages:
            raise ValidationError(messages)

    def clean(self, value: Any, instance: Model) -> Any:
        """Convert, validate and run validators; the cleaned value."""
        value = self.to_python(value)
        self.validate(value, instance)
        self.run_validators(value)
        return value

    def value_from_object(self, instance: Model) -> Any:
        return getattr(instance, self.attname)

    def __repr__(self) -> str:
        where = f"{self.model.__name__}.{self.name}" if hasattr(self, "model") else "unbound"
        return f"<{type(self).__name__}: {where}>"
