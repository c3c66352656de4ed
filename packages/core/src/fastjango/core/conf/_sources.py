"""Where setting values come from: a settings module, ``configure()`` and the environment."""

from __future__ import annotations

import importlib
import json
import os
import sys
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic.fields import FieldInfo

from fastjango.core.exceptions import ImproperlyConfigured

__all__ = [
    "ENV_PREFIX",
    "SETTINGS_MODULE_ENV",
    "RawSettings",
    "env_names_for",
    "parse_env_value",
]

#: The environment variable that names the project's settings module.
SETTINGS_MODULE_ENV = "FASTJANGO_SETTINGS_MODULE"
#: Every setting ``NAME`` can be overridden by the environment variable ``FASTJANGO_NAME``.
ENV_PREFIX = "FASTJANGO_"


@dataclass
class RawSettings:
    """Setting values before validation, each remembered with where it came from.

    ``origin`` names the settings module (or ``configure()``) for messages.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    origin: str = "configure()"
    module_name: str | None = None

    @classmethod
    def from_module(cls, module_name: str) -> RawSettings:
        """Read the UPPER_CASE names of a settings module, as Django does."""
        # The current directory is on sys.path for `python manage.py`, not for
        # `fastjango-admin --settings`; add it so both find the project.
        if "" not in sys.path and os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                raise ImproperlyConfigured(
                    f"The settings module {module_name!r} could not be imported: no module named "
                    f"{exc.name!r}. Check {SETTINGS_MODULE_ENV} or --settings, and that the "
                    "project folder is the current directory or on PYTHONPATH."
                ) from exc
            raise
        return cls.from_namespace(vars(module), origin=f"settings module {module_name}", module_name=module_name)

    @classmethod
    def from_namespace(
        cls, namespace: Mapping[str, Any], *, origin: str, module_name: str | None = None
    ) -> RawSettings:
        raw = cls(origin=origin, module_name=module_name)
        for name, value in namespace.items():
            if name.isupper() and not name.startswith("_"):
                raw.values[name] = value
                raw.sources[name] = origin
        return raw

    def apply_environment(self, environ: Mapping[str, str], env_names: Mapping[str, tuple[str, ...]]) -> None:
        """Override values from the environment: ``FASTJANGO_<NAME>`` or a setting's own aliases.

        ``env_names`` maps setting names to the variables that may set them,
        most specific first. Values stay strings here; :func:`parse_env_value`
        turns them into the setting's type during validation.
        """
        for name, candidates in env_names.items():
            for variable in candidates:
                if variable in environ:
                    self.values[name] = EnvValue(environ[variable], variable)
                    self.sources[name] = f"environment variable {variable}"
                    break


@dataclass(frozen=True)
class EnvValue:
    """A raw string from the environment, parsed against the setting's type later."""

    text: str
    variable: str


def env_names_for(name: str, info: FieldInfo) -> tuple[str, ...]:
    """The environment variables that can set setting ``name``: its own aliases, then ``FASTJANGO_<NAME>``."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    aliases = extra.get("env") or ()
    names = [str(alias) for alias in aliases]  # type: ignore[union-attr]
    names.append(ENV_PREFIX + name)
    return tuple(names)


def parse_env_value(value: EnvValue, annotation: Any) -> Any:
    """Turn an environment string into something Pydantic can validate as ``annotation``.

    Lists, tuples and sets accept JSON (``["a", "b"]``) or comma-separated text
    (``a,b``); mappings and models take JSON; everything else stays a string,
    which Pydantic coerces (``"true"``, ``"1"``, ``"off"`` are booleans).
    """
    text = value.text.strip()
    kind = _container_kind(annotation)
    if kind == "sequence":
        if text.startswith("["):
            return _json(text, value)
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "mapping":
        return _json(text, value)
    return value.text


def _json(text: str, value: EnvValue) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(
            f"The environment variable {value.variable} is not valid JSON ({exc.msg} at "
            f"character {exc.pos}); write it as JSON, or as comma-separated values for a list."
        ) from exc


def _container_kind(annotation: Any) -> str | None:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds = {_container_kind(arg) for arg in typing.get_args(annotation) if arg is not type(None)}
        kinds.discard(None)
        return kinds.pop() if len(kinds) == 1 else None
    target = origin or annotation
    if isinstance(target, type):
        if issubclass(target, (list, tuple, set, frozenset)):
            return "sequence"
        if issubclass(target, dict) or hasattr(target, "model_fields"):
            return "mapping"
    return None
