"""Migration files: Alembic revision scripts with Django's names, rendered by Alembic's own renderer."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic.autogenerate import render
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext

from fastjango.orm.__about__ import __version__

__all__ = ["MigrationSource", "name_for", "render_migration", "write_migration"]

_GENERATED_COMMENT = re.compile(r"^\s*# ### .* ###\s*$")
#: ``package.module.TypeName(`` in rendered code: a custom type the file must import.
_MODULE_REFERENCE = re.compile(r"(?<![\w.])([a-z_]\w*(?:\.[a-z_]\w*)+)\.[A-Z]\w*\(")
_RENDERER_NAMES = {"sa", "op", "batch_op", "mysql", "postgresql", "sqlite", "datetime"}
_EXTRA_IMPORTS = (
    ("Decimal(", "from decimal import Decimal"),
    ("UUID(", "from uuid import UUID"),
    ("datetime.", "import datetime"),
)


_BARE_TEXT = re.compile(r"(?<![.\w])Text\(")


class MigrationSource:
    """One migration about to be written: where, what it follows and what it does."""

    def __init__(
        self,
        app_label: str,
        name: str,
        *,
        down_revision: str | None,
        depends_on: tuple[str, ...],
        upgrade: ops.UpgradeOps,
        downgrade: ops.DowngradeOps,
        message: str,
    ) -> None:
        self.app_label = app_label
        self.name = name
        self.down_revision = down_revision
        self.depends_on = depends_on
        self.upgrade = upgrade
        self.downgrade = downgrade
        self.message = message

    @property
    def revision(self) -> str:
        return f"{self.app_label}_{self.name}"


def name_for(number: int, operations: Sequence[Any], first: bool) -> str:
    """Django-style name: ``0001_initial``, ``0002_post_slug``, ``0003_auto_20261130_1452``."""
    if first:
        return f"{number:04d}_initial"
    words: list[str] = []
    for operation in operations:
        if isinstance(operation, ops.CreateTableOp):
            words.append(operation.table_name)
        elif isinstance(operation, ops.DropTableOp):
            words.append(f"delete_{operation.table_name}")
        elif isinstance(operation, ops.ModifyTableOps):
            for inner in operation.ops:
                column = getattr(inner, "column_name", None) or getattr(getattr(inner, "column", None), "name", None)
                if column:
                    words.append(f"{operation.table_name}_{column}")
        elif hasattr(operation, "table_name") and hasattr(operation, "column"):
            words.append(f"{operation.table_name}_{operation.column.name}")
    suffix = "_".join(dict.fromkeys(words))
    if not suffix or len(suffix) > 52:
        suffix = "auto_" + datetime.datetime.now(datetime.UTC).strftime("%Y%m%d_%H%M")
    return f"{number:04d}_{suffix}"


def _body(container: ops.OpContainer, context: AutogenContext) -> str:
    code = render._render_cmd_body(container, context)  # what alembic.autogenerate.render_python_code uses
    lines = [line for line in code.splitlines() if not _GENERATED_COMMENT.match(line)]
    while lines and not lines[0].strip():
        lines.pop(0)
    text = "\n".join(lines).strip("\n") or "pass"
    return "    " + render._indent(text)  # _indent strips the first line's indentation


def render_migration(source: MigrationSource, migration_context: MigrationContext | None) -> str:
    """The Python source of ``source``'s migration file."""
    if migration_context is None:
        migration_context = MigrationContext.configure(dialect_name="sqlite")
    context = AutogenContext(
        migration_context,
        opts={
            "sqlalchemy_module_prefix": "sa.",
            "alembic_module_prefix": "op.",
            "render_as_batch": True,
            "user_module_prefix": None,
        },
    )
    upgrade = _body(source.upgrade, context)
    downgrade = _body(source.downgrade, context)
    imports = set(context.imports)
    for marker, line in _EXTRA_IMPORTS:
        if marker in upgrade or marker in downgrade:
            imports.add(line)
    if _BARE_TEXT.search(upgrade + downgrade):  # PostgreSQL's JSONB renders astext_type=Text() unprefixed
        imports.add("from sqlalchemy import Text")
    for module in _MODULE_REFERENCE.findall(upgrade + downgrade):  # custom column types, by full path
        if module.split(".")[0] not in _RENDERER_NAMES:
            imports.add(f"import {module}")
    first = source.down_revision is None
    lines = [
        f'"""{source.message}',
        "",
        f"Migration {source.name} of app {source.app_label!r}, made by fastjango-orm {__version__} on "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC.",
        '"""',
        "",
        *sorted(imports),
        "import sqlalchemy as sa",
        "from alembic import op",
        "",
        "import fastjango.orm.migrations  # noqa: F401  (op.run_python, op.add_column_filled)",
        "",
        f"revision = {source.revision!r}",
        f"down_revision = {source.down_revision!r}",
        f"branch_labels = {(source.app_label,)!r}" if first else "branch_labels = None",
        f"depends_on = {source.depends_on!r}" if source.depends_on else "depends_on = None",
        "",
        "",
        "def upgrade() -> None:",
        upgrade,
        "",
        "",
        "def downgrade() -> None:",
        downgrade,
        "",
    ]
    return "\n".join(lines)


def write_migration(directory: Path, source: MigrationSource, text: str) -> Path:
    """Write the file (and the folder's ``__init__.py``); the path written."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__init__.py").touch()
    path = directory / f"{source.name}.py"
    path.write_text(text)
    return path
