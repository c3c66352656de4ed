"""Sending e-mail (password reset links and the like) through the backend ``EMAIL_BACKEND`` names.

.. code-block:: python

    from fastjango.auth.mail import asend_mail

    await asend_mail("Welcome", "Hello Ann", None, ["ann@example.com"], html="<p>Hello Ann</p>")

Backends: ``"smtp"`` (the standard library's smtplib; settings ``EMAIL_HOST``, ``EMAIL_PORT``,
``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``/``EMAIL_USE_SSL``,
``EMAIL_TIMEOUT``), ``"console"`` (standard output), ``"locmem"`` (:data:`outbox`, for tests)
and ``"file"`` (``EMAIL_FILE_PATH``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastjango.auth.mail.backends.base import BaseEmailBackend, get_backend
from fastjango.auth.mail.message import BadHeaderError, EmailMessage

__all__ = [
    "BadHeaderError",
    "BaseEmailBackend",
    "EmailMessage",
    "asend_mail",
    "asend_messages",
    "get_connection",
    "outbox",
    "send_mail",
    "send_messages",
]

#: Messages "sent" with the ``locmem`` backend, oldest first (clear it between tests).
outbox: list[EmailMessage] = []


def get_connection(backend: str | None = None, *, fail_silently: bool = False, **options: Any) -> BaseEmailBackend:
    """The active project's e-mail backend (``backend`` overrides ``EMAIL_BACKEND``)."""
    from fastjango.core.project import get_project

    return get_backend(get_project().settings, backend, fail_silently=fail_silently, **options)


def _message(
    subject: str, message: str, from_email: str | None, recipient_list: Sequence[str], html: str | None
) -> EmailMessage:
    return EmailMessage(subject, message, from_email, recipient_list, html=html)


def send_mail(
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: Sequence[str],
    *,
    html: str | None = None,
    fail_silently: bool = False,
    connection: BaseEmailBackend | None = None,
) -> int:
    """Send one message (``from_email=None``: ``DEFAULT_FROM_EMAIL``); returns 1 when sent, else 0."""
    backend = connection or get_connection(fail_silently=fail_silently)
    return backend.send_messages([_message(subject, message, from_email, recipient_list, html)])


async def asend_mail(
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: Sequence[str],
    *,
    html: str | None = None,
    fail_silently: bool = False,
    connection: BaseEmailBackend | None = None,
) -> int:
    """:func:`send_mail` for async code: SMTP talks from a worker thread, the event loop stays free."""
    backend = connection or get_connection(fail_silently=fail_silently)
    return await backend.asend_messages([_message(subject, message, from_email, recipient_list, html)])


def send_messages(messages: Sequence[EmailMessage], *, fail_silently: bool = False) -> int:
    """Send several messages over one connection; returns how many were sent."""
    return get_connection(fail_silently=fail_silently).send_messages(messages)


async def asend_messages(messages: Sequence[EmailMessage], *, fail_silently: bool = False) -> int:
    return await get_connection(fail_silently=fail_silently).asend_messages(messages)
