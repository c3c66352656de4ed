"""Every concrete model by ``app_label.ModelName``, and operations waiting for a model to exist.

A foreign key may name a model that is defined later (``ForeignKey("blog.Post")``):
its column and accessors are added by an operation that runs as soon as that
model is prepared, which is how Django resolves lazy references too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastjango.orm.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.orm.models.base import Model

__all__ = ["ModelRegistry", "models_registry", "resolve_reference"]

Operation = Callable[[type["Model"]], None]


class ModelRegistry:
    """Concrete models keyed by ``(app_label, model_name)``; model names are case-insensitive."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str], type[Model]] = {}
        self._pending: defaultdict[tuple[str, str], list[tuple[Operation, str]]] = defaultdict(list)

    def register(self, model: type[Model]) -> None:
        meta = model._meta
        key = (meta.app_label, meta.model_name)
        existing = self._models.get(key)
        if existing is not None and existing is not model:
            if existing.__module__ == model.__module__ and existing.__qualname__ == model.__qualname__:
                pass  # the same module imported again (a test re-importing, a reload): the newest wins
            else:
                raise ImproperlyConfigured(
                    f"Conflicting '{meta.model_name}' models in app '{meta.app_label}': "
                    f"{existing.__module__}.{existing.__qualname__} and {model.__module__}.{model.__qualname__}."
                )
        self._models[key] = model
        for operation, _ in self._pending.pop(key, []):
            operation(model)
        from fastjango.orm.hooks import class_prepared

        class_prepared(model)

    def get_model(self, app_label: str, model_name: str | None = None) -> type[Model]:
        """``get_model("blog", "Post")`` or ``get_model("blog.Post")``; LookupError when unknown."""
        if model_name is None:
            app_label, _, model_name = app_label.partition(".")
        try:
            return self._models[(app_label, model_name.lower())]
        except KeyError:
            raise LookupError(f"No model {app_label}.{model_name}.") from None

    def get_models(self, app_label: str | None = None) -> list[type[Model]]:
        return [model for (label, _), model in self._models.items() if app_label is None or label == app_label]

    def lazy_operation(self, app_label: str, model_name: str, operation: Operation, description: str) -> None:
        """Run ``operation(model)`` now if the model exists, or as soon as it is registered."""
        key = (app_label, model_name.lower())
        model = self._models.get(key)
        if model is not None:
            operation(model)
        else:
            self._pending[key].append((operation, description))

    def check_pending(self) -> None:
        """Raise if a model references one that was never defined (called before the first query)."""
        if not self._pending:
            return
        problems = [
            f"{description} refers to model '{label}.{name}', which is not defined "
            "(is its app in INSTALLED_APPS and its models module imported?)"
            for (label, name), operations in self._pending.items()
            for _, description in operations
        ]
        raise ImproperlyConfigured("; ".join(problems))

    def unregister(self, model: type[Model]) -> None:
        """Forget ``model`` (tests that define throw-away models)."""
        self._models.pop((model._meta.app_label, model._meta.model_name), None)


models_registry = ModelRegistry()


def resolve_reference(reference: Any, from_model: type[Model]) -> tuple[str, str] | type[Model]:
    """``"self"``, ``"Post"``, ``"blog.Post"`` or a class: a model class, or its ``(app_label, name)``."""
    if isinstance(reference, type):
        return reference
    if not isinstance(reference, str) or not reference:
        raise ImproperlyConfigured(
            f"{from_model.__name__}: a relation's target must be a model class or a string such as "
            f"'app_label.ModelName' or 'self', not {reference!r}."
        )
    if reference == "self":
        return from_model
    app_label, dot, name = reference.rpartition(".")
    if not dot:
        app_label = from_model._meta.app_label
    return app_label, name
