"""What every e-mail backend is: ``send_messages`` and its async form ``asend_messages``."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.auth.mail.message import EmailMessage
    from fastjango.core.conf import Settings

__all__ = ["BaseEmailBackend", "get_backend"]


class BaseEmailBackend:
    """Sends messages somewhere; returns how many were sent. ``fail_silently`` swallows errors.

    Subclasses implement ``send_messages``; ``asend_messages`` runs it in a worker thread
    unless the subclass has a real async version.
    """

    def __init__(self, settings: Settings, fail_silently: bool = False, **options: Any) -> None:
        self.settings = settings
        self.fail_silently = fail_silently
        self.options = options

    @property
    def default_from(self) -> str:
        return str(self.settings.DEFAULT_FROM_EMAIL)

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        raise NotImplementedError

    async def asend_messages(self, messages: Sequence[EmailMessage]) -> int:
        return await anyio.to_thread.run_sync(self.send_messages, messages)


def get_backend(settings: Settings, backend: str | None = None, **options: Any) -> BaseEmailBackend:
    """An instance of the backend ``backend`` (default ``EMAIL_BACKEND``) names."""
    from fastjango.auth.mail.settings import EMAIL_BACKENDS

    name = backend or str(settings.EMAIL_BACKEND)
    path = EMAIL_BACKENDS.get(name, name)
    module_name, _, class_name = path.rpartition(".")
    try:
        backend_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ImproperlyConfigured(f"EMAIL_BACKEND: cannot import {name!r} ({error}).") from None
    instance: BaseEmailBackend = backend_class(settings, **options)
    return instance
