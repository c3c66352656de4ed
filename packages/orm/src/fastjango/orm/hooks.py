"""Calling the ORM's lifecycle hooks, only when some active plugin implements them."""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Sequence
from typing import Any

__all__ = [
    "acall_save_hooks",
    "await_results",
    "call_delete_hooks",
    "call_save_hooks",
    "class_prepared",
    "hook_caller",
    "m2m_hook_results",
    "watch_models",
]


def hook_caller(name: str) -> Any | None:
    """The project's hook caller for ``name``, or None when no plugin implements it (or no project)."""
    from fastjango.core.project import get_project, has_project

    if not has_project(load=False):
        return None
    caller = getattr(get_project().pm.hook, name, None)
    if caller is None or not caller.get_hookimpls():
        return None
    return caller


def _application_model(instance: Any) -> bool:
    """Hooks are for the application's models, not for models bound to one connection (historical ones)."""
    return type(instance)._meta.bound_alias is None


def call_save_hooks(stage: str, instance: Any, using: str, created: bool, update_fields: Sequence[str] | None) -> None:
    caller = hook_caller(f"fastjango_orm_{stage}_save")
    if caller is not None and _application_model(instance):
        caller(
            model=type(instance),
            instance=instance,
            created=created,
            using=using,
            update_fields=update_fields,
            asynchronous=False,
        )


async def acall_save_hooks(
    stage: str, instance: Any, using: str, created: bool, update_fields: Sequence[str] | None
) -> None:
    caller = hook_caller(f"fastjango_orm_{stage}_save")
    if caller is None or not _application_model(instance):
        return
    for result in caller(
        model=type(instance),
        instance=instance,
        created=created,
        using=using,
        update_fields=update_fields,
        asynchronous=True,
    ):
        if inspect.isawaitable(result):
            await result


def call_delete_hooks(stage: str, instance: Any, using: str, *, asynchronous: bool = False) -> list[Any]:
    caller = hook_caller(f"fastjango_orm_{stage}_delete")
    if caller is None or not _application_model(instance):
        return []
    return list(caller(model=type(instance), instance=instance, using=using, asynchronous=asynchronous))


def m2m_hook_results(
    through: type[Any],
    instance: Any,
    action: str,
    reverse: bool,
    related_model: type[Any],
    pk_set: set[Any] | None,
    using: str,
    *,
    asynchronous: bool = False,
) -> list[Any]:
    """Call ``fastjango_orm_m2m_changed`` (sender: the through model, as in Django); results may be awaitable."""
    caller = hook_caller("fastjango_orm_m2m_changed")
    if caller is None:
        return []
    return list(
        caller(
            model=through,
            instance=instance,
            action=action,
            reverse=reverse,
            related_model=related_model,
            pk_set=pk_set,
            using=using,
            asynchronous=asynchronous,
        )
    )


async def await_results(results: list[Any]) -> None:
    for result in results:
        if inspect.isawaitable(result):
            await result


def class_prepared(model: type[Any]) -> None:
    """Tell every live project's plugins that ``model`` exists (historic: late plugins hear it too)."""
    for pm in list(_plugin_managers):
        caller = getattr(pm.hook, "fastjango_orm_class_prepared", None)
        if caller is not None:
            caller.call_historic(kwargs={"model": model})


#: Plugin managers of projects that activated the ORM (weakly held: a dropped project goes away).
_plugin_managers: weakref.WeakSet[Any] = weakref.WeakSet()


def watch_models(pm: Any) -> None:
    """Replay every model defined so far to ``pm``'s plugins, then keep it told of new ones."""
    from fastjango.orm.models.registry import models_registry

    caller = getattr(pm.hook, "fastjango_orm_class_prepared", None)
    if caller is None:
        return
    _plugin_managers.add(pm)
    for model in models_registry.get_models():
        caller.call_historic(kwargs={"model": model})
