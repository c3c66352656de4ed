"""The ORM's hook specification: model lifecycle events other plugins implement.

The signals plugin turns these into Django-style signals; any plugin may
implement them directly. When no active plugin implements a hook, the ORM does
not call it at all, so an unused hook costs nothing per save or delete.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pluggy

__all__ = ["hookspec"]

hookspec = pluggy.HookspecMarker("fastjango")


@hookspec(historic=True)
def fastjango_orm_class_prepared(model: type[Any]) -> None:
    """A model class was created and mapped (Django's ``class_prepared``).

    Called for each model already defined when the plugin is activated, then
    for each new one.
    """


@hookspec
def fastjango_orm_pre_save(
    model: type[Any],
    instance: Any,
    created: bool,
    using: str,
    update_fields: Sequence[str] | None,
    asynchronous: bool,
) -> None:
    """``instance`` is about to be inserted (``created``) or updated in database ``using``.

    Runs in the caller's thread; changes made to ``instance`` here are saved.
    ``asynchronous`` tells an async save (``asave()``) from a sync one: only then
    may the hook return an awaitable, which is awaited (a sync save ignores it).
    The same goes for the delete and many-to-many hooks below.
    """


@hookspec
def fastjango_orm_post_save(
    model: type[Any],
    instance: Any,
    created: bool,
    using: str,
    update_fields: Sequence[str] | None,
    asynchronous: bool,
) -> None:
    """``instance`` was inserted (``created``) or updated; inside ``atomic()`` the commit is still to come."""


@hookspec
def fastjango_orm_pre_delete(model: type[Any], instance: Any, using: str, asynchronous: bool) -> None:
    """``instance`` is about to be deleted (also each object a cascade deletes)."""


@hookspec
def fastjango_orm_post_delete(model: type[Any], instance: Any, using: str, asynchronous: bool) -> None:
    """``instance`` was deleted; its primary key value is still set."""


@hookspec
def fastjango_orm_m2m_changed(
    model: type[Any],
    instance: Any,
    action: str,
    reverse: bool,
    related_model: type[Any],
    pk_set: set[Any] | None,
    using: str,
    asynchronous: bool,
) -> None:
    """A many-to-many relation changed.

    ``action`` is pre_add, post_add, pre_remove, post_remove, pre_clear or post_clear.
    """


@hookspec
def fastjango_orm_pre_migrate(project: Any, using: str) -> None:
    """``migrate`` is about to run on database ``using`` (Django's ``pre_migrate``)."""


@hookspec
def fastjango_orm_post_migrate(project: Any, using: str, plan: Sequence[Any]) -> None:
    """``migrate`` finished on database ``using``; ``plan`` lists the steps taken (Django's ``post_migrate``).

    Each step has ``app_label``, ``name`` and ``backwards``. Plugins create
    permissions or clear caches here.
    """
