"""setting_changed, class_prepared, pre_migrate and post_migrate, from core's and the ORM's hooks."""

from __future__ import annotations

from typing import Any

import pytest
from signals_testing import Connect, project_for

from fastjango.core.apps import AppConfig
from fastjango.core.project import Project
from fastjango.core.testing import override_settings
from fastjango.orm import Model, fields
from fastjango.orm.migrations.workflow import migrate
from fastjango.orm.models.registry import models_registry
from fastjango.signals import class_prepared, post_migrate, pre_migrate, setting_changed


def test_overriding_a_setting_sends_setting_changed_on_enter_and_on_restore(
    fastjango_project: Project, connect: Connect
) -> None:
    changes: list[tuple[str, Any, bool]] = []

    def on_change(sender: Any, setting: str, value: Any, enter: bool, **kwargs: Any) -> None:
        assert kwargs["settings"] is fastjango_project.settings
        changes.append((setting, value, enter))

    connect(setting_changed, on_change)
    with override_settings(DEBUG=True):
        assert changes == [("DEBUG", True, True)]
    assert changes == [("DEBUG", True, True), ("DEBUG", False, False)]


def test_class_prepared_is_sent_once_for_each_new_model(
    fastjango_project: Project, backend: str, connect: Connect
) -> None:
    prepared: list[str] = []
    connect(class_prepared, lambda sender, **kwargs: prepared.append(sender._meta.label))
    name = f"Late{backend.title()}"
    meta = type("Meta", (), {"app_label": "signals_late"})
    late: type[Model] = type(
        name, (Model,), {"__module__": __name__, "Meta": meta, "title": fields.CharField(max_length=10)}
    )
    try:
        assert prepared == [f"signals_late.{name}"]
        project_for(backend, ("orm", "signals", "signals_recording_plugin"))  # another project replays old models
        assert prepared == [f"signals_late.{name}"]
    finally:
        # Throw the test model away, so that no later test database gets its table.
        models_registry.unregister(late)
        late.metadata.remove(late.__table__)


@pytest.mark.usefixtures("transactional_db")
def test_migrate_sends_pre_and_post_migrate_once_per_app(fastjango_project: Project, connect: Connect) -> None:
    events: list[tuple[str, str, str]] = []

    def on_pre(sender: AppConfig, app_config: AppConfig, using: str, **kwargs: Any) -> None:
        assert sender is app_config and kwargs["project"] is fastjango_project
        events.append(("pre_migrate", app_config.label, using))

    def on_post(sender: AppConfig, app_config: AppConfig, using: str, plan: list[Any], **kwargs: Any) -> None:
        events.append(("post_migrate", app_config.label, using))

    blog = fastjango_project.apps.get_app_config("signals_blog")
    connect(pre_migrate, on_pre)
    connect(post_migrate, on_post, sender=blog)
    migrate(fastjango_project, alias="default", check_models=False)
    assert events == [("pre_migrate", "signals_blog", "default"), ("post_migrate", "signals_blog", "default")]
