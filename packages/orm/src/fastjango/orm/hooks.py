"""Calling the ORM's lifecycle hooks, only when some active plugin implements them."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

__all__ = ["acall_save_hooks", "call_delete_hooks", "call_save_hooks", "hook_caller"]


def hook_caller(name: str) -> Any | None:
    """The project's hook caller for ``name``, or None when no plugin implements it (or no project)."""
    from fastjango.core.project import get_project, has_project

    if not has_project(load=False):
        return None
    caller = getattr(get_project().pm.hook, name, None)
    if caller is None or not caller.get_hookimpls():
        return None
    return caller


def call_save_hooks(stage: str, instance: Any, using: str, created: bool, update_fields: Sequence[str] | None) -> None:
    caller = hook_caller(f"fastjango_orm_{stage}_save")
    if caller is not None:
        caller(model=type(instance), instance=instance, created=created, using=using, update_fields=update_fields)


async def acall_save_hooks(
    stage: str, instance: Any, using: str, created: bool, update_fields: Sequence[str] | None
) -> None:
    caller = hook_caller(f"fastjango_orm_{stage}_save")
    if caller is None:
        return
    for result in caller(
        model=type(instance), instance=instance, created=created, using=using, update_fields=update_fields
    ):
        if inspect.isawaitable(result):
            await result


def call_delete_hooks(stage: str, instance: Any, using: str) -> list[Any]:
    caller = hook_caller(f"fastjango_orm_{stage}_delete")
    if caller is None:
        return []
    return list(caller(model=type(instance), instance=instance, using=using))
