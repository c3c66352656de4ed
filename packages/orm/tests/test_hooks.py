"""The model lifecycle hooks, as a plugin implements them (the signals plugin will build on these)."""

from __future__ import annotations

from collections.abc import Iterator

import orm_recording_plugin as recorder
import pytest
from orm_test_models import Author, Book, Tag

from fastjango.core.project import Project
from fastjango.orm import Model, fields
from fastjango.orm.hooks import hook_caller
from fastjango.orm.models.registry import models_registry

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """This module's project also activates the recording plugin."""
    with recorder.recording_project(backend) as project:
        yield project


def test_save_hooks_run_around_inserts_and_updates() -> None:
    ann = Author.objects.create(name="  Ann  ")
    assert Author.objects.get(pk=ann.pk).name == "Ann"  # changed by the pre_save hook, and saved
    ann.email = "ann@example.com"
    ann.save(update_fields=["email"])
    assert recorder.events == [
        ("pre_save", "Author", True, None),
        ("post_save", "Author", True, True),
        ("pre_save", "Author", False, ("email",)),
        ("post_save", "Author", False, True),
    ]


def test_delete_hooks_run_for_every_object_of_a_cascade() -> None:
    ann = Author.objects.create(name="Ann")
    Book.objects.create(title="One", author=ann)
    recorder.events.clear()
    ann.delete()
    deleted = [event for event in recorder.events if event[0].endswith("delete")]
    assert ("pre_delete", "Author") in deleted and ("pre_delete", "Book") in deleted
    assert [event[0] for event in deleted].count("post_delete") == 2
    assert all(event[2] is not None for event in deleted if event[0] == "post_delete")


def test_many_to_many_changes_are_announced() -> None:
    ann = Author.objects.create(name="Ann")
    book = Book.objects.create(title="One", author=ann)
    tags = [Tag.objects.create(slug="a"), Tag.objects.create(slug="b")]
    recorder.events.clear()
    book.tags.add(*tags)
    book.tags.remove(tags[0])
    book.tags.clear()
    m2m = [event for event in recorder.events if event[0] == "m2m"]
    assert m2m == [
        ("m2m", "pre_add", False, "Tag", 2),
        ("m2m", "post_add", False, "Tag", 2),
        ("m2m", "pre_remove", False, "Tag", 1),
        ("m2m", "post_remove", False, "Tag", 1),
        ("m2m", "pre_clear", False, "Tag", None),
        ("m2m", "post_clear", False, "Tag", None),
    ]


def test_class_prepared_covers_models_defined_before_and_after(fastjango_project: Project, backend: str) -> None:
    assert "library.Author" in recorder.prepared  # defined before the project existed: replayed
    meta = type("Meta", (), {"app_label": f"hooks_{backend}"})
    late: type[Model] = type(
        f"Late{backend.title()}",
        (Model,),
        {"__module__": __name__, "Meta": meta, "name": fields.CharField(max_length=10)},
    )
    assert f"hooks_{backend}.Late{backend.title()}" in recorder.prepared
    # Throw the test model away, so that no later test database gets its table.
    models_registry.unregister(late)
    late.metadata.remove(late.__table__)


def test_projects_without_a_hook_plugin_do_not_call_hooks() -> None:
    assert hook_caller("fastjango_orm_pre_save") is not None
    plain = Project({"INSTALLED_PLUGINS": ["orm"], "DATABASES": {"default": {"URL": "sqlite:///unused.sqlite3"}}})
    with plain.activated():
        assert hook_caller("fastjango_orm_pre_save") is None
