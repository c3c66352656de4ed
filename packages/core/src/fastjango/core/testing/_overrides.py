"""Changing settings for one test and restoring them afterwards."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from fastjango.core.conf import Settings

__all__ = ["SettingsOverride", "override_settings"]

_MISSING = object()
F = TypeVar("F", bound=Callable[..., Any])


class SettingsOverride:
    """Records every setting changed through it and puts the old values back on :meth:`restore`.

    Assign attributes to override (``settings.DEBUG = True``), ``del`` to hide
    a setting. Plugins hear about each change through ``fastjango_setting_changed``.
    """

    def __init__(self, settings: Settings, on_change: Callable[[str, Any, bool], None] | None = None) -> None:
        object.__setattr__(self, "_settings", settings)
        object.__setattr__(self, "_saved", {})
        object.__setattr__(self, "_on_change", on_change)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._settings, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._remember(name)
        setattr(self._settings, name, value)
        self._notify(name, value, True)

    def __delattr__(self, name: str) -> None:
        self._remember(name)
        if name in self._settings:
            delattr(self._settings, name)
        self._notify(name, _MISSING, True)

    def _remember(self, name: str) -> None:
        if name not in self._saved:
            self._saved[name] = getattr(self._settings, name) if name in self._settings else _MISSING

    def _notify(self, name: str, value: Any, enter: bool) -> None:
        if self._on_change is not None:
            self._on_change(name, None if value is _MISSING else value, enter)

    def restore(self) -> None:
        for name, value in reversed(list(self._saved.items())):
            if value is _MISSING:
                if name in self._settings:
                    delattr(self._settings, name)
            else:
                setattr(self._settings, name, value)
            self._notify(name, value, False)
        self._saved.clear()


class override_settings:  # noqa: N801 - Django's name
    """Override settings of the active project in a ``with`` block or for a decorated test.

    ``with override_settings(DEBUG=True): ...`` or ``@override_settings(DEBUG=True)``
    on a function or coroutine function. Values are restored afterwards, even
    when the block raises.
    """

    def __init__(self, **options: Any) -> None:
        self.options = options

    @contextmanager
    def _applied(self) -> Iterator[SettingsOverride]:
        from fastjango.core.project import get_project

        project = get_project()
        override = SettingsOverride(project.settings, _notifier(project))
        try:
            for name, value in self.options.items():
                setattr(override, name, value)
            yield override
        finally:
            override.restore()

    def __enter__(self) -> SettingsOverride:
        self._context = self._applied()
        return self._context.__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self._context.__exit__(*exc_info)

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with self._applied():
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._applied():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def _notifier(project: Any) -> Callable[[str, Any, bool], None]:
    def notify(name: str, value: Any, enter: bool) -> None:
        project.pm.hook.fastjango_setting_changed(settings=project.settings, name=name, value=value, enter=enter)

    return notify
