"""The permissions of every model, created after ``migrate``.

Each model gets ``Meta.default_permissions`` (add, change, delete and view
unless it says otherwise) and the custom ones of ``Meta.permissions``:
``[("publish_post", "Can publish posts")]``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_PERMISSIONS", "create_permissions", "permission_codename"]

DEFAULT_PERMISSIONS = ("add", "change", "delete", "view")


def permission_codename(action: str, model: Any) -> str:
    """``"change_post"`` for ``("change", Post)``, as Django names them."""
    return f"{action}_{model._meta.model_name}"


def _wanted() -> dict[tuple[str, str], tuple[str, str]]:
    """``(app_label, codename) -> (model_name, human name)`` for every concrete model."""
    from fastjango.orm.models.registry import models_registry

    models = models_registry.get_models()
    automatic = {  # the join tables the ORM makes for many-to-many fields are nobody's to manage
        getattr(field, "through_model", None)
        for model in models
        for field in model._meta.get_fields(include_reverse=False)
        if getattr(field, "many_to_many", False) and getattr(field, "through", "") is None
    }
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for model in models:
        meta = model._meta
        if meta.abstract or model in automatic or meta.bound_alias is not None:
            continue
        if meta.swapped is not None:
            continue  # a swapped-out model is not used
        for action in getattr(meta, "default_permissions", DEFAULT_PERMISSIONS):
            wanted[(meta.app_label, permission_codename(action, model))] = (
                meta.model_name,
                f"Can {action} {meta.verbose_name}",
            )
        for codename, name in getattr(meta, "permissions", ()):
            wanted[(meta.app_label, codename)] = (meta.model_name, name)
    return wanted


def create_permissions(using: str = "default") -> int:
    """Create the missing permissions of every model (sync; ``migrate`` calls it). Returns how many."""
    from fastjango.auth.models import Permission

    existing = set(Permission.objects.using(using).values_list("app_label", "codename"))
    missing = [
        Permission(app_label=app_label, codename=codename, model=model_name, name=name)
        for (app_label, codename), (model_name, name) in sorted(_wanted().items())
        if (app_label, codename) not in existing
    ]
    for permission in missing:
        permission.save(using=using)
    return len(missing)


async def acreate_permissions(using: str = "default") -> int:
    """``create_permissions`` for async code (tests, start-up hooks)."""
    from fastjango.auth.models import Permission

    existing = {row async for row in Permission.objects.using(using).values_list("app_label", "codename")}
    missing = [
        Permission(app_label=app_label, codename=codename, model=model_name, name=name)
        for (app_label, codename), (model_name, name) in sorted(_wanted().items())
        if (app_label, codename) not in existing
    ]
    for permission in missing:
        await permission.asave(using=using)
    return len(missing)
