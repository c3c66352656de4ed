"""Operations fastjango adds to Alembic's: Python code with historical models, and filling new columns.

Both are ordinary Alembic operations (registered on ``alembic.op``), so a
migration file uses them as ``op.run_python(...)`` and ``op.add_column_filled(...)``
and ``sqlmigrate`` renders them like the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.operations import MigrateOperation, Operations, ops
from sqlalchemy.engine import Connection

__all__ = ["AddColumnFilledOp", "RunPythonOp", "run_python"]

DataMigration = Callable[[Any, Connection], None]


@Operations.register_operation("run_python")
class RunPythonOp(MigrateOperation):
    """Run ``code(apps, connection)`` with the models as the database has them at this point.

    ``apps.get_model("blog", "Post")`` is a model class built from the table as it
    is now (the historical model, as in Django), and its queries run on the
    migration's connection, inside its transaction. In ``sqlmigrate`` output the
    step appears as a comment, since Python has no SQL form.
    """

    def __init__(self, code: DataMigration) -> None:
        self.code = code

    @classmethod
    def run_python(cls, operations: Operations, code: DataMigration) -> None:
        """``op.run_python(forwards)`` in ``upgrade()``, ``op.run_python(backwards)`` in ``downgrade()``."""
        operations.invoke(cls(code))


@Operations.implementation_for(RunPythonOp)
def _run_python(operations: Operations, operation: RunPythonOp) -> None:
    context = operations.get_context()
    name = getattr(operation.code, "__qualname__", repr(operation.code))
    if context.as_sql:
        context.impl.static_output(f"-- Python code {name}(): not expressible in SQL, not shown")
        return
    from fastjango.orm.migrations.historical import HistoricalApps

    connection = operations.get_bind()
    operation.code(HistoricalApps(connection), connection)


def run_python(code: DataMigration) -> None:
    """Run a data migration step now (the same as ``op.run_python(code)``)."""
    from alembic import op

    op.run_python(code)  # type: ignore[attr-defined]


@Operations.register_operation("add_column_filled")
class AddColumnFilledOp(MigrateOperation):
    """Add a NOT NULL column to a table that may hold rows: nullable first, every row filled, then NOT NULL.

    Django asks for a one-off default in this case; the value is written into the
    migration as a Python literal and sent as a bound parameter, so the same
    file works on every database.
    """

    def __init__(self, table_name: str, column: sa.Column[Any], fill: Any) -> None:
        self.table_name = table_name
        self.column = column
        self.fill = fill

    @classmethod
    def add_column_filled(cls, operations: Operations, table_name: str, column: sa.Column[Any], fill: Any) -> None:
        """``op.add_column_filled("blog_post", sa.Column("rating", sa.Integer(), nullable=False), fill=0)``."""
        operations.invoke(cls(table_name, column, fill))

    def reverse(self) -> ops.ModifyTableOps:
        # Inside a table block, so SQLite gets the table rebuilt where it cannot drop the column.
        drop = ops.DropColumnOp.from_column_and_tablename(None, self.table_name, self.column)
        return ops.ModifyTableOps(self.table_name, [drop])


@Operations.implementation_for(AddColumnFilledOp)
def _add_column_filled(operations: Operations, operation: AddColumnFilledOp) -> None:
    column = operation.column
    name, type_ = column.name, column.type
    nullable_copy = column._copy()
    nullable_copy.nullable = True
    with operations.batch_alter_table(operation.table_name) as batch:
        batch.add_column(nullable_copy)
    table = sa.table(operation.table_name, sa.column(name, type_))
    operations.execute(table.update().values({name: sa.bindparam("fill", operation.fill, type_=type_)}))
    with operations.batch_alter_table(operation.table_name) as batch:
        batch.alter_column(name, existing_type=type_, nullable=False)


@renderers.dispatch_for(AddColumnFilledOp)
def _render_add_column_filled(context: AutogenContext, operation: AddColumnFilledOp) -> str:
    plain = renderers.dispatch(ops.AddColumnOp)(context, ops.AddColumnOp(operation.table_name, operation.column))
    assert plain.startswith("op.add_column(")
    assert plain.endswith(")")
    return f"op.add_column_filled({plain[len('op.add_column(') : -1]}, fill={operation.fill!r})"


@renderers.dispatch_for(RunPythonOp)
def _render_run_python(context: AutogenContext, operation: RunPythonOp) -> str:
    return f"op.run_python({operation.code.__name__})"
