"""System checks of the ORM: relations whose target model was never defined."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastjango.core.checks import CheckMessage, Error

__all__ = ["check_models"]


def check_models(project: Any) -> Iterable[CheckMessage]:
    from fastjango.orm.models.registry import models_registry

    for (app_label, name), operations in models_registry._pending.items():
        for _, description in operations:
            yield Error(
                f"{description} refers to model '{app_label}.{name}', which is not defined.",
                hint="Check the spelling, and that the model's app is in INSTALLED_APPS.",
                id="orm.E001",
            )
