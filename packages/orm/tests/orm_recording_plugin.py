"""A plugin that records the ORM's lifecycle hooks (used by test_hooks.py and test_proxy_models.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from fastjango.core import hookimpl
from fastjango.core.project import Project, get_project, has_project, set_default_project

events: list[tuple[Any, ...]] = []
prepared: list[str] = []


@hookimpl
def fastjango_orm_class_prepared(model: type[Any]) -> None:
    prepared.append(model._meta.label)


@hookimpl
def fastjango_orm_pre_save(
    model: type[Any], instance: Any, created: bool, using: str, update_fields: Sequence[str] | None
) -> None:
    if model.__name__ == "Author":
        instance.name = instance.name.strip()  # a change made here is saved
    events.append(("pre_save", model.__name__, created, tuple(update_fields) if update_fields else None))


@hookimpl
def fastjango_orm_post_save(
    model: type[Any], instance: Any, created: bool, using: str, update_fields: Sequence[str] | None
) -> None:
    events.append(("post_save", model.__name__, created, instance.pk is not None))


@hookimpl
def fastjango_orm_pre_delete(model: type[Any], instance: Any, using: str) -> None:
    events.append(("pre_delete", model.__name__))


@hookimpl
def fastjango_orm_post_delete(model: type[Any], instance: Any, using: str) -> None:
    events.append(("post_delete", model.__name__, instance.pk))


@hookimpl
def fastjango_orm_m2m_changed(
    model: type[Any],
    instance: Any,
    action: str,
    reverse: bool,
    related_model: type[Any],
    pk_set: set[Any] | None,
    using: str,
) -> None:
    events.append(("m2m", action, reverse, related_model.__name__, len(pk_set) if pk_set is not None else None))


_projects: dict[str, Project] = {}


@contextmanager
def recording_project(backend: str) -> Iterator[Project]:
    """A project for ``backend`` with this plugin installed, the default project inside the block.

    One project per backend for the whole session; the recorded events start empty.
    """
    from fastjango.orm.testing.backends import TEST_BACKENDS

    project = _projects.get(backend)
    if project is None:
        project = _projects[backend] = Project(
            {
                "INSTALLED_PLUGINS": ["orm", "orm_recording_plugin"],
                "DATABASES": {"default": {"URL": TEST_BACKENDS[backend][0]}},
            }
        )
    previous = get_project() if has_project(load=False) else None
    set_default_project(project)
    events.clear()
    try:
        yield project
    finally:
        set_default_project(previous)
