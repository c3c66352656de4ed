"""The model base class and the registry of models."""

from fastjango.orm.models.base import Model, metadata
from fastjango.orm.models.options import Options
from fastjango.orm.models.registry import models_registry

__all__ = ["Model", "Options", "metadata", "models_registry"]
