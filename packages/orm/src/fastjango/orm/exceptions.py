"""The ORM's exceptions, named as Django names them so ``except`` clauses port unchanged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Re-exported so that code catching database errors needs no SQLAlchemy import.
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

__all__ = [
    "DataError",
    "DatabaseError",
    "FieldDoesNotExist",
    "FieldError",
    "ImproperlyConfigured",
    "IntegrityError",
    "MultipleObjectsReturned",
    "NotLoadedError",
    "NotSupportedError",
    "ObjectDoesNotExist",
    "OperationalError",
    "PoolExhaustedError",
    "ProtectedError",
    "RestrictedError",
    "SynchronousOnlyOperation",
    "TransactionManagementError",
    "ValidationError",
]


class ObjectDoesNotExist(Exception):
    """The query matched no row; each model has its own subclass, ``Model.DoesNotExist``."""


class MultipleObjectsReturned(Exception):
    """``get()`` matched several rows; each model has its own subclass."""


class FieldError(Exception):
    """A lookup, ordering or expression names a field that does not exist or cannot be used so."""


class FieldDoesNotExist(FieldError):
    """``Model._meta.get_field()`` was asked for a field the model does not have."""


class ImproperlyConfigured(Exception):
    """The database settings or a model declaration are wrong; the message says which and how."""


class SynchronousOnlyOperation(Exception):
    """A synchronous database call was made from a thread running an event loop.

    It would block every other request served by that loop, so it is refused:
    use the ``a``-prefixed twin (``aget``, ``acount``, ``async for``), or run the
    synchronous code in a worker thread.
    """


class NotLoadedError(AttributeError):
    """A relation was read in async code before it was loaded.

    Loading it would need a query, which attribute access cannot await. Load it
    up front with ``select_related()`` / ``prefetch_related()``, or await
    ``instance.arelated("name")``.
    """


class DatabaseError(Exception):
    """A write did not do what it had to (``save(force_update=True)`` matched no row, ...)."""


class NotSupportedError(DatabaseError):
    """The query uses a feature the database cannot do (``distinct(*fields)`` outside PostgreSQL, ...)."""


class TransactionManagementError(Exception):
    """A transaction was used the wrong way (for instance, after a failed query inside ``atomic()``)."""


class PoolExhaustedError(OperationalError):
    """No database connection became free within the pool's timeout."""

    def __init__(self, message: str) -> None:
        Exception.__init__(self, message)
        self.statement = None
        self.params = None
        self.orig = None

    def __str__(self) -> str:
        return str(self.args[0])


class ProtectedError(IntegrityError):
    """Deleting these objects would delete objects that a ``PROTECT`` foreign key points from."""

    def __init__(self, message: str, protected_objects: Iterable[Any]) -> None:
        Exception.__init__(self, message)
        self.protected_objects = set(protected_objects)
        self.statement = None
        self.params = None
        self.orig = None

    def __str__(self) -> str:
        return str(self.args[0])


class RestrictedError(IntegrityError):
    """Deleting these objects would orphan objects that a ``RESTRICT`` foreign key points from."""

    def __init__(self, message: str, restricted_objects: Iterable[Any]) -> None:
        Exception.__init__(self, message)
        self.restricted_objects = set(restricted_objects)
        self.statement = None
        self.params = None
        self.orig = None

    def __str__(self) -> str:
        return str(self.args[0])


NON_FIELD_ERRORS = "__all__"


class ValidationError(Exception):
    """One or more values failed validation; ``message_dict`` maps field names to messages.

    Raised by ``full_clean()`` and by validators. A validator raises it with a
    single message; ``full_clean()`` collects them per field.
    """

    def __init__(self, message: str | list[str] | Mapping[str, list[str]], code: str | None = None) -> None:
        if isinstance(message, Mapping):
            self.error_dict: dict[str, list[str]] | None = {key: list(value) for key, value in message.items()}
            self.messages = [text for texts in self.error_dict.values() for text in texts]
        elif isinstance(message, list):
            self.error_dict = None
            self.messages = list(message)
        else:
            self.error_dict = None
            self.messages = [message]
        self.code = code
        super().__init__(self.message_dict if self.error_dict is not None else self.messages)

    @property
    def message_dict(self) -> dict[str, list[str]]:
        if self.error_dict is None:
            return {NON_FIELD_ERRORS: list(self.messages)}
        return self.error_dict

    def __str__(self) -> str:
        if self.error_dict is not None:
            return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in self.error_dict.items())
        return " ".join(self.messages)
