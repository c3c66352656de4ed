"""What ``startproject``, ``startapp`` and ``startplugin`` share.

Templates ship as package data in ``fastjango/core/management/templates/``
and are read with :mod:`importlib.resources`, so they work from a wheel.
Every template file ends in ``-tpl`` (``settings.py-tpl``) so linters, type
checkers and pytest never take it for code; the suffix is dropped on render
and ``${name}`` placeholders are filled with :class:`string.Template`.

A command first *plans* every file (relative path to text), checks that none
of them would overwrite anything, and only then writes; a half-written
project is never left behind.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import keyword
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from string import Template

import click

from fastjango.core.__about__ import __version__
from fastjango.core.default_plugins.checks import SECRET_KEY_INSECURE_PREFIX
from fastjango.core.management._errors import CommandError

__all__ = [
    "Plan",
    "check_name",
    "compatible_core_range",
    "destination",
    "display_path",
    "python_list",
    "render",
    "report",
    "secret_key",
    "write_plan",
]

#: Relative path (POSIX style) of each file to create, and its text.
Plan = dict[PurePosixPath, str]

TEMPLATE_SUFFIX = "-tpl"
#: Files written with the executable bit, so ``./manage.py`` works as in Django.
EXECUTABLE_FILES = frozenset({"manage.py"})
_SKIPPED = frozenset({"__pycache__", ".DS_Store"})
_NAME = "'NAME'"
_IDENTIFIER_HELP = "a Python identifier (letters, digits and underscores, not starting with a digit)"


# -- names ------------------------------------------------------------------


def check_name(name: str, what: str, *, module: str | None = None) -> None:
    """Refuse a name that cannot be a Python package, or would shadow an importable module.

    ``module`` is the top-level package the command creates when it is not
    ``name`` itself (``startplugin audit`` creates ``fastjango_audit``).
    """
    if not name.isidentifier():
        suggestion = re.sub(r"\W", "_", name)
        hint = f", e.g. {suggestion!r}" if suggestion.isidentifier() and not keyword.iskeyword(suggestion) else ""
        message = f"{name!r} is not a valid {what} name; use {_IDENTIFIER_HELP}{hint}."
        raise click.BadParameter(message, param_hint=_NAME)
    if keyword.iskeyword(name):
        raise click.BadParameter(
            f"{name!r} is a Python keyword, so it cannot be a {what} name; choose another name.", param_hint=_NAME
        )
    package = module or name
    location = _existing_module(package)
    if location is not None:
        raise click.BadParameter(
            f"{package!r} conflicts with the name of an existing Python module{location}, so it cannot be used as "
            f"a {what} name; choose another name.",
            param_hint=_NAME,
        )


def _existing_module(name: str) -> str | None:
    """``None`` if no module ``name`` can be imported, else where it is (for the message).

    ``find_spec`` locates a top-level module without running it, so checking
    ``antigravity`` does not open a browser.
    """
    if name in sys.modules:
        origin = getattr(sys.modules[name], "__file__", None)
    else:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return ""
        if spec is None:
            return None
        origin = spec.origin
        if origin is None and spec.submodule_search_locations:
            origin = next(iter(spec.submodule_search_locations), None)
    if not origin or origin in ("built-in", "frozen"):
        return ""
    return f" (found at {origin})"


# -- where to write -----------------------------------------------------------


def destination(directory: str | None, default: str, command: str) -> tuple[Path, bool]:
    """The folder to write into, and whether the command must create it.

    As in Django: without ``directory``, ``./default`` is created and must not
    exist; a given ``directory`` must already exist.
    """
    if directory is None:
        target = Path.cwd() / default
        if target.exists() or target.is_symlink():
            raise CommandError(
                f"The folder {display_path(target)} already exists; {command} never overwrites anything. "
                "Choose another name, or pass an existing empty folder as DIRECTORY."
            )
        return target, True
    target = Path(directory).expanduser()
    if not target.exists():
        raise CommandError(
            f"The destination directory {directory!r} does not exist; create it first (mkdir {directory}), or leave "
            f"DIRECTORY out to create ./{default}."
        )
    if not target.is_dir():
        raise CommandError(f"The destination {directory!r} is a file, not a directory.")
    return target.resolve(), False


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is inside it, else absolute."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return str(path)
    return str(relative) if str(relative) != "." else "the current directory"


# -- rendering ----------------------------------------------------------------


def _template_root(kind: str) -> Traversable:
    return resources.files("fastjango.core.management") / "templates" / kind


def render(
    kind: str,
    context: Mapping[str, str],
    *,
    renames: Mapping[str, str] | None = None,
    prefix: PurePosixPath | None = None,
) -> Plan:
    """Render the template folder ``kind`` into a plan.

    ``renames`` maps template file or folder names to the names to write
    (``project_name`` to ``mysite``); ``prefix`` puts the whole tree in a
    subfolder of the destination.
    """
    plan: Plan = {}
    names = dict(renames or {})

    def walk(node: Traversable, relative: PurePosixPath) -> None:
        for child in sorted(node.iterdir(), key=lambda entry: entry.name):
            if child.name in _SKIPPED or child.name.endswith((".pyc", ".pyo")):
                continue
            name = names.get(child.name, child.name)
            if child.is_dir():
                walk(child, relative / name)
                continue
            name = name.removesuffix(TEMPLATE_SUFFIX)
            text = child.read_text(encoding="utf-8")
            plan[relative / name] = Template(text).safe_substitute(context)

    walk(_template_root(kind), prefix or PurePosixPath())
    return plan


def secret_key() -> str:
    """A random development key, marked so that ``check --deploy`` tells it apart from a real one."""
    return SECRET_KEY_INSECURE_PREFIX + secrets.token_urlsafe(38)


def python_list(items: Iterable[str]) -> str:
    """A list of strings as a Python literal, one item a line, formatted as ruff/black would."""
    lines = "".join(f"    {json.dumps(item)},\n" for item in items)
    return f"[\n{lines}]" if lines else "[]"


def compatible_core_range() -> str:
    """The fastjango-core versions a generated plugin accepts: this minor series (0.x) or major (1.x+)."""
    match = re.match(r"(\d+)\.(\d+)", __version__)
    major, minor = (int(match.group(1)), int(match.group(2))) if match else (0, 1)
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f">={major}.{minor},<{upper}"


# -- writing ------------------------------------------------------------------


def write_plan(root: Path, plan: Plan, *, create: bool, command: str) -> None:
    """Write every file of ``plan`` under ``root``, refusing to overwrite anything.

    On an error nothing stays behind: files and folders made so far are removed.
    """
    if not create:
        clashes = sorted({relative.parts[0] for relative in plan if _occupied(root / relative.parts[0])})
        if clashes:
            listed = ", ".join(clashes)
            raise CommandError(
                f"{display_path(root)} already contains {listed}; {command} never overwrites anything. Remove "
                "them, or choose an empty directory."
            )
    made_dirs: list[Path] = []
    written: list[Path] = []
    try:
        if create:
            root.mkdir()
            made_dirs.append(root)
        for relative in sorted(plan):
            target = root.joinpath(*relative.parts)
            for parent in reversed(target.relative_to(root).parents):
                folder = root / parent
                if not folder.exists():
                    folder.mkdir()
                    made_dirs.append(folder)
            with target.open("x", encoding="utf-8", newline="\n") as handle:
                written.append(target)
                handle.write(plan[relative])
            if relative.name in EXECUTABLE_FILES:
                target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    except OSError as exc:
        _undo(made_dirs, written, created_root=root if create else None)
        where = exc.filename or root
        raise CommandError(f"Could not write {where}: {exc.strerror or exc}.") from None


def _occupied(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _undo(made_dirs: list[Path], written: list[Path], *, created_root: Path | None) -> None:
    if created_root is not None and created_root in made_dirs:
        shutil.rmtree(created_root, ignore_errors=True)
        return
    for path in reversed(written):
        path.unlink(missing_ok=True)
    for folder in reversed(made_dirs):
        with contextlib.suppress(OSError):
            folder.rmdir()


# -- telling the user -----------------------------------------------------------


def report(what: str, root: Path, plan: Plan, next_steps: Iterable[str]) -> None:
    """Print what was created, where, and what to do next."""
    base = display_path(root)
    place = base if base == "the current directory" or Path(base).is_absolute() else f"./{base}"
    click.secho(f"Created {what} in {place}:", fg="green", bold=True)
    prefix = "" if base == "the current directory" else base.rstrip(os.sep) + "/"
    for relative in sorted(plan):
        click.echo(f"  {prefix}{relative}")
    steps = list(next_steps)
    if steps:
        click.echo()
        click.secho("Next steps:", bold=True)
        for step in steps:
            click.secho(f"  {step}", fg="cyan")
