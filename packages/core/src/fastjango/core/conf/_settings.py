"""Validated settings: one object per project, built from every plugin's schema."""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo

from fastjango.core.conf._sources import EnvValue, RawSettings, env_names_for, parse_env_value
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = ["Settings", "SettingsSchema", "SettingsWarning", "build_settings", "setting"]


class SettingsWarning(UserWarning):
    """A setting is set but no installed plugin uses it, and it looks like a typo."""


def setting(
    default: Any = ...,
    *,
    env: Sequence[str] = (),
    description: str | None = None,
    default_factory: Any = None,
) -> Any:
    """Declare one setting in a plugin's settings schema.

    ``env`` lists environment variables (besides ``FASTJANGO_<NAME>``) that
    override it, for 12-factor deployment: ``setting("", env=("SECRET_KEY",))``.
    """
    extra: dict[str, Any] = {"env": list(env)} if env else {}
    if default_factory is not None:
        return Field(default_factory=default_factory, description=description, json_schema_extra=extra)
    return Field(default, description=description, json_schema_extra=extra)


class SettingsSchema:
    """A plugin's settings model together with the plugin that declared it."""

    __slots__ = ("model", "plugin_name")

    def __init__(self, plugin_name: str, model: type[BaseModel]) -> None:
        self.plugin_name = plugin_name
        self.model = model


class Settings:
    """The project's settings, read as attributes: ``settings.DEBUG``.

    Declared settings are validated values; settings that no plugin declares
    (a project's own, as in Django) are kept as written. Assigning is reserved
    for tests (the ``settings`` fixture and ``override_settings``).
    """

    def __init__(
        self,
        values: dict[str, Any],
        *,
        sources: Mapping[str, str],
        declared: Mapping[str, str],
        module_name: str | None,
    ) -> None:
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_sources", dict(sources))
        object.__setattr__(self, "_declared", dict(declared))
        object.__setattr__(self, "SETTINGS_MODULE", module_name)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            hint = _did_you_mean(name, self._values)
            raise AttributeError(f"Setting {name!r} is not defined.{hint}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._values[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        """``getattr(settings, name, default)`` without the cost of a failed attribute lookup.

        For code that reads a setting on every request.
        """
        return self._values.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._values))

    def __repr__(self) -> str:
        return f"<Settings {self.SETTINGS_MODULE or 'configure()'}>"

    def source_of(self, name: str) -> str:
        """Where a setting's value came from: a module, an environment variable, or 'default'."""
        source: str = self._sources.get(name, "default")
        return source

    def declared_by(self, name: str) -> str | None:
        """The plugin whose schema declares ``name``, or ``None`` for a project's own setting."""
        plugin: str | None = self._declared.get(name)
        return plugin

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)


def build_settings(raw: RawSettings, schemas: Sequence[SettingsSchema], environ: Mapping[str, str]) -> Settings:
    """Validate raw values against every plugin's schema and return the project's settings.

    Every problem found is reported in one :class:`ImproperlyConfigured`, one
    line per setting, so a user fixes them all in one go.
    """
    declared: dict[str, str] = {}
    fields: dict[str, FieldInfo] = {}
    for schema in schemas:
        for name, info in schema.model.model_fields.items():
            if name in declared:
                raise ImproperlyConfigured(
                    f"Plugins {declared[name]!r} and {schema.plugin_name!r} both declare the setting "
                    f"{name}; one of them must rename it."
                )
            declared[name] = schema.plugin_name
            fields[name] = info

    raw.apply_environment(environ, {name: env_names_for(name, info) for name, info in fields.items()})

    values: dict[str, Any] = {}
    problems: list[str] = []
    for schema in schemas:
        given: dict[str, Any] = {}
        for name, info in schema.model.model_fields.items():
            if name not in raw.values:
                continue
            value = raw.values[name]
            if isinstance(value, EnvValue):
                try:
                    value = parse_env_value(value, info.annotation)
                except ImproperlyConfigured as exc:
                    problems.append(str(exc))
                    continue
            given[name] = value
        try:
            model = schema.model.model_validate(given)
        except ValidationError as exc:
            problems.extend(_describe(exc, raw))
            continue
        values.update({name: getattr(model, name) for name in schema.model.model_fields})

    if problems:
        raise ImproperlyConfigured("Invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))

    for name, value in raw.values.items():
        if name in declared:
            continue
        values[name] = value
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.85)
        if close:
            warnings.warn(
                f"Setting {name} (in {raw.sources.get(name, raw.origin)}) is not used by fastjango or any "
                f"installed plugin; did you mean {close[0]}?",
                SettingsWarning,
                stacklevel=2,
            )
    return Settings(values, sources=raw.sources, declared=declared, module_name=raw.module_name)


#: Setting names whose values are never echoed in an error message (they end up in logs and CI output).
_SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|PRIVATE|TOKEN|CREDENTIAL|API_KEY|SIGNING_KEY|_KEY$", re.IGNORECASE)
#: The password part of a URL (``postgresql://user:password@host``).
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s'\"]*:)[^@\s'\"]+@", re.IGNORECASE)


def _shown(name: str, path: tuple[Any, ...], value: Any) -> str:
    """How a wrong value appears in the error: secrets hidden, URL passwords masked."""
    if any(_SECRET_NAME.search(str(part)) for part in (name, *path)):
        return "<hidden>"
    if isinstance(value, dict) and name == "?":  # a whole-schema check: its input is every setting of the schema
        return "{" + ", ".join(sorted(map(str, value))) + "}"
    return _URL_PASSWORD.sub(r"\g<head>***@", repr(value))


def _describe(exc: ValidationError, raw: RawSettings) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False):
        location = error["loc"]
        name = str(location[0]) if location else "?"
        where = "".join(f"[{part!r}]" for part in location[1:])
        source = raw.sources.get(name, raw.origin)
        given = _shown(name, tuple(location[1:]), error.get("input"))
        lines.append(f"{name}{where} = {given} (from {source}): {error['msg']}.")
    return lines


def _did_you_mean(name: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.8)
    return f" Did you mean {close[0]}?" if close else ""
