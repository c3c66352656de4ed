"""squashmigrations: one migration that does what an app's first N migrations did.

Each replaced migration's source goes into the new file whole, as a function
that returns its ``upgrade`` and ``downgrade``. Its data migrations, helpers
and imports keep working, and nothing is reinterpreted. The operations are
kept, not optimised (Django merges some; this does not). The replaced files
are deleted. Later migrations of the app, and other apps' ``depends_on``, are
pointed at the new one. A database whose app head is the last replaced
migration is moved onto the new one by the next ``migrate`` (the file lists
what it ``replaces``). A database stopped in the middle of the replaced range
must first be migrated with the original files.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from fastjango.orm.__about__ import __version__
from fastjango.orm.exceptions import ImproperlyConfigured
from fastjango.orm.migrations.loader import MigrationFile, Migrations, revision_id

__all__ = ["SquashPlan", "plan_squash", "write_squash"]


@dataclass
class SquashPlan:
    """The new file, the files it replaces, and the other files whose references change."""

    app_label: str
    name: str
    path: Path
    text: str
    replaced: list[MigrationFile]
    rewrites: dict[Path, str]

    @property
    def revision(self) -> str:
        return revision_id(self.app_label, self.name)


def _function(file: MigrationFile) -> str:
    source = file.path.read_text()
    if "from __future__" in source:
        source = re.sub(r"^from __future__ import .*$", "", source, flags=re.MULTILINE)
    body = textwrap.indent(source.rstrip() + "\n\nreturn upgrade, downgrade\n", "    ")
    return f"def _{file.name}():  # {file.path.name}, replaced\n{body}"


def plan_squash(migrations: Migrations, app_label: str, upto: str, name: str | None = None) -> SquashPlan:
    """What squashing ``app_label``'s migrations up to ``upto`` (included) would write."""
    migrations.app(app_label)
    last = migrations.find(app_label, upto)
    files = migrations.by_app[app_label]
    replaced = files[: files.index(last) + 1]
    if len(replaced) < 2:
        raise ImproperlyConfigured(f"Nothing to squash: {last.name} is {app_label}'s first migration.")
    heads = [file for file in replaced if not file.script.down_revision]
    if len(heads) != 1 or any(isinstance(file.script.down_revision, tuple | list) for file in replaced):
        raise ImproperlyConfigured(f"{app_label}'s migrations up to {last.name} are not one straight line.")
    squashed_name = f"{replaced[0].number:04d}_{name or f'squashed_{last.name}'}"
    revision = revision_id(app_label, squashed_name)
    replaced_ids = [file.revision for file in replaced]
    external = sorted(
        {
            dependency
            for file in replaced
            for dependency in _tuple(file.script.dependencies)
            if dependency not in replaced_ids
        }
    )
    functions = "\n\n".join(_function(file) for file in replaced)
    steps = ", ".join(f"_{file.name}()" for file in replaced)
    text = f'''"""Squashed: {app_label} {replaced[0].name} to {last.name}

Migration {squashed_name} of app {app_label!r}, made by fastjango-orm {__version__} with squashmigrations.
It does what the migrations it replaces did, in order; their sources follow.
"""

revision = {revision!r}
down_revision = None
branch_labels = ({app_label!r},)
depends_on = {tuple(external)!r}
#: Databases whose {app_label} head is the last of these move onto this migration at the next migrate.
replaces = {tuple(replaced_ids)!r}


{functions}


_STEPS = [{steps}]


def upgrade() -> None:
    for step_upgrade, _ in _STEPS:
        step_upgrade()


def downgrade() -> None:
    for _, step_downgrade in reversed(_STEPS):
        step_downgrade()
'''
    rewrites: dict[Path, str] = {}
    for other in migrations.by_revision.values():
        if other in replaced:
            continue
        source = other.path.read_text()
        changed = source
        for old in replaced_ids:
            changed = re.sub(rf"(['\"]){re.escape(old)}\1", repr(revision), changed)
        if changed != source:
            rewrites[other.path] = changed
    path = migrations.apps[app_label].directory / f"{squashed_name}.py"
    return SquashPlan(app_label, squashed_name, path, text, replaced, rewrites)


def write_squash(plan: SquashPlan) -> None:
    """Write the new file, point the others at it, delete the replaced files."""
    plan.path.write_text(plan.text)
    for path, text in plan.rewrites.items():
        path.write_text(text)
    for file in plan.replaced:
        if file.path != plan.path:
            file.path.unlink()


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)  # type: ignore[attr-defined]
