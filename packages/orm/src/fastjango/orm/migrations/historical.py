"""Historical models: the models a data migration works with, read from the tables as they are now.

A data migration must not import the application's models: they describe the
schema at the newest migration, not at this one. As in Django, it asks for
them instead::

    def forwards(apps, connection):
        Post = apps.get_model("blog", "Post")
        for post in Post.objects.filter(slug=""):
            post.slug = post.title.lower().replace(" ", "-")
            post.save()

``apps`` is a :class:`HistoricalApps` on the migration's connection. Each model
it gives is a real ``Model`` built from the table reflected on that connection,
with one plain field per column, and every query of it runs on that
connection, inside the migration's transaction. Differences from Django's
historical models: a foreign key is its plain column (``post.author_id``, no
``post.author``), and defaults, choices and validators are not carried over.
Like Django's, they have none of the current model's methods, managers or
``Meta.ordering``, and lifecycle hooks do not fire for them.
"""

from __future__ import annotations

import itertools
import keyword
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import MetaData, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.types import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Interval,
    Numeric,
    SmallInteger,
    String,
    Time,
    TypeEngine,
    Uuid,
)

from fastjango.orm.db.execution import bind_connection
from fastjango.orm.exceptions import NotSupportedError
from fastjango.orm.fields import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BinaryField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    Field,
    FloatField,
    IntegerField,
    JSONField,
    SmallAutoField,
    SmallIntegerField,
    TextField,
    TimeField,
    UUIDField,
)
from fastjango.orm.models.base import Model
from fastjango.orm.models.registry import models_registry

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.engine.interfaces import ReflectedColumn

__all__ = ["HistoricalApps"]

FieldFactory = Callable[..., Field[Any]]

#: Fields whose column does not say what it holds on every database (SQLite and MariaDB store a UUID
#: as CHAR(32) and a duration as BIGINT): the current model's field decides, when its type matches.
_AMBIGUOUS_FIELDS: tuple[type[Field[Any]], ...] = (UUIDField, DurationField)


class HistoricalApps:
    """The ``apps`` of a data migration: ``get_model()`` on the migration's own connection.

    Models are built on first request and cached; a new ``HistoricalApps``
    (the next migration's) reflects the tables again.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        #: The database alias of ``connection``: ``transaction.atomic(using=apps.alias)`` is a savepoint there.
        self.alias = bind_connection(connection, owner=self)
        self._models: dict[tuple[str, str], type[Model]] = {}

    def get_model(self, app_label: str, model_name: str | None = None) -> type[Model]:
        """``get_model("blog", "Post")`` or ``get_model("blog.Post")``; names are case-insensitive.

        The table is the current model's ``Meta.db_table`` when the application
        still has that model, else Django's default ``<app_label>_<modelname>``.
        LookupError when the database has no such table.
        """
        if model_name is None:
            app_label, _, model_name = app_label.partition(".")
        key = (app_label, model_name.lower())
        model = self._models.get(key)
        if model is None:
            model = self._models[key] = self._build(app_label, model_name)
        return model

    def _build(self, app_label: str, model_name: str) -> type[Model]:
        try:
            current: type[Model] | None = models_registry.get_model(app_label, model_name)
        except LookupError:
            current = None
        table = current._meta.db_table if current is not None else f"{app_label}_{model_name.lower()}"
        inspector = sa_inspect(self.connection)
        if not inspector.has_table(table):
            raise LookupError(_missing_table(app_label, model_name, table, inspector.get_table_names()))
        columns = inspector.get_columns(table)
        primary_key = inspector.get_pk_constraint(table)["constrained_columns"]
        if len(primary_key) != 1:
            raise NotSupportedError(
                f"Table {table!r} of {app_label}.{model_name} has "
                f"{'no primary key' if not primary_key else 'a composite primary key ' + ', '.join(primary_key)}; "
                "a historical model needs a one-column primary key. Use connection.execute() with SQL for it."
            )
        current_fields = {field.column: field for field in current._meta.concrete_fields} if current is not None else {}
        dialect = self.connection.dialect
        json_columns = _mariadb_json_columns(self.connection, table)
        name = current.__name__ if current is not None else model_name
        namespace: dict[str, Any] = {
            "__module__": f"{__name__}.{self.alias}",
            "__qualname__": name,
            "Meta": type("Meta", (), {"app_label": app_label, "db_table": table}),
            # Its own MetaData: the shared one (Alembic's target) must not see historical tables.
            "metadata": MetaData(),
            "_fj_bound_alias": self.alias,
            # The models keep their apps, and so their connection's alias, alive.
            "_fj_historical_apps": self,
        }
        for attribute, column in _attribute_names(columns):
            namespace[attribute] = _field_for(
                column,
                attribute,
                column["name"] == primary_key[0],
                column["name"] in json_columns,
                current_fields.get(column["name"]),
                dialect,
            )
        return cast("type[Model]", type(name, (Model,), namespace))


def _missing_table(app_label: str, model_name: str, table: str, tables: list[str]) -> str:
    prefix = f"{app_label}_"
    related = sorted(name for name in tables if name.startswith(prefix))
    existing = (
        f"the tables starting with {prefix!r} are: {', '.join(related)}"
        if related
        else f"no table starts with {prefix!r}"
    )
    return (
        f"No table {table!r} for model {app_label}.{model_name} at this point of the migrations ({existing}). "
        "Check the app label and model name, and that this migration depends on the one creating the table."
    )


def _mariadb_json_columns(connection: Connection, table: str) -> set[str]:
    """MariaDB stores JSON as LONGTEXT with a ``json_valid()`` CHECK: the columns that have one."""
    if not getattr(connection.dialect, "is_mariadb", False):
        return set()
    clauses = connection.execute(
        text(
            "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = :table"
        ),
        {"table": table},
    ).scalars()
    return {match.group(1) for clause in clauses if (match := re.fullmatch(r"json_valid\(`(.+)`\)", clause))}


def _attribute_names(columns: list[ReflectedColumn]) -> list[tuple[str, ReflectedColumn]]:
    """Each column's attribute name: the column name, unless Python or the model needs another one."""
    named: list[tuple[str, ReflectedColumn]] = []
    used: set[str] = set()
    for column in columns:
        # "__" would read as a lookup in filter(); a name of Model's (save, pk, objects) would hide it.
        name = re.sub(r"_{2,}", "_", re.sub(r"\W|^(?=\d)", "_", column["name"]))
        if keyword.iskeyword(name) or hasattr(Model, name) or name in ("Meta", "objects"):
            name = f"{name}_field"
        unique, number = name, itertools.count(2)
        while unique in used:
            unique = f"{name}_{next(number)}"
        used.add(unique)
        named.append((unique, column))
    return named


def _field_for(
    column: ReflectedColumn,
    attribute: str,
    primary_key: bool,
    is_json: bool,
    current: Field[Any] | None,
    dialect: Dialect,
) -> Field[Any] | MappedColumn[Any]:
    """The field for one reflected column, or a plain ``mapped_column`` of its type when no field fits."""
    reflected: TypeEngine[Any] = column["type"]
    options: dict[str, Any] = {"null": bool(column["nullable"]) and not primary_key, "primary_key": primary_key}
    options["blank"] = options["null"]
    if attribute != column["name"]:
        options["db_column"] = column["name"]
    factory = _factory(reflected, primary_key, is_json, current, dialect)
    if factory is None:
        return mapped_column(column["name"], reflected, primary_key=primary_key, nullable=options["null"])
    if factory is CharField:
        options["max_length"] = cast("String", reflected).length
    elif factory is DecimalField:
        numeric = cast("Numeric[Any]", reflected)
        options.update(max_digits=numeric.precision, decimal_places=numeric.scale)
    return factory(**options)


def _factory(
    reflected: TypeEngine[Any], primary_key: bool, is_json: bool, current: Field[Any] | None, dialect: Dialect
) -> FieldFactory | None:
    """The field class for a reflected column type (see the module docstring); None to keep the type."""
    if isinstance(current, _AMBIGUOUS_FIELDS) and _same_type(current.db_type(), reflected, dialect):
        return type(current)
    if isinstance(reflected, Boolean) or (isinstance(reflected, mysql.TINYINT) and reflected.display_width == 1):
        return BooleanField  # MariaDB reports a boolean as TINYINT(1)
    if isinstance(reflected, Integer):
        return _integer_factory(reflected, primary_key)
    if isinstance(reflected, Float):  # before Numeric, its base class
        return FloatField
    if isinstance(reflected, Numeric):
        return DecimalField if reflected.precision is not None and reflected.scale is not None else None
    if is_json or isinstance(reflected, JSON):
        return JSONField
    if isinstance(reflected, Uuid):
        return UUIDField
    if isinstance(reflected, Enum):  # a String too, with its own type
        return None
    simple: list[tuple[type[TypeEngine[Any]], FieldFactory]] = [
        (DateTime, DateTimeField),
        (Date, DateField),
        (Time, TimeField),
        (Interval, DurationField),
    ]
    for sa_type, field_class in simple:
        if isinstance(reflected, sa_type):
            return field_class
    if isinstance(reflected, String):
        return TextField if reflected.length is None else CharField
    if _python_type(reflected) is bytes:
        return BinaryField
    return None


def _integer_factory(reflected: Integer, primary_key: bool) -> FieldFactory:
    if isinstance(reflected, BigInteger):
        return BigAutoField if primary_key else BigIntegerField
    if isinstance(reflected, SmallInteger | mysql.TINYINT):
        return SmallAutoField if primary_key else SmallIntegerField
    return AutoField if primary_key else IntegerField


def _same_type(declared: TypeEngine[Any], reflected: TypeEngine[Any], dialect: Dialect) -> bool:
    """Do both types make the same column on this database (``CHAR(32)`` for a UUID on SQLite)?"""
    try:
        rendered = declared.compile(dialect), reflected.compile(dialect)
    except Exception:  # a type this dialect cannot render: not the same
        return False
    # MariaDB reports integer display widths (BIGINT(20)), which declared types do not render.
    return len({_DISPLAY_WIDTH.sub(r"\1", ddl) for ddl in rendered}) == 1


_DISPLAY_WIDTH = re.compile(r"^((?:TINY|SMALL|MEDIUM|BIG)?INT(?:EGER)?)\(\d+\)")


def _python_type(reflected: TypeEngine[Any]) -> type | None:
    try:
        return reflected.python_type
    except NotImplementedError:
        return None
