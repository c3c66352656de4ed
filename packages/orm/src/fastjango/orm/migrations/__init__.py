"""Migrations: Django's makemigrations/migrate workflow, one Alembic branch per app.

A migration file is an Alembic revision script in ``<app>/migrations/``; this
package registers fastjango's extra operations on ``alembic.op``
(``op.run_python`` for data migrations, ``op.add_column_filled`` for new NOT NULL
columns) when a migration imports it. The commands live in ``commands.py``;
the guide is docs/orm/migrations.md.
"""

from fastjango.orm.migrations.operations import AddColumnFilledOp, RunPythonOp, run_python

__all__ = ["AddColumnFilledOp", "RunPythonOp", "run_python"]
