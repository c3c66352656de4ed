"""The ``smtp`` backend: the standard library's ``smtplib``, in a worker thread for async callers."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from typing import Any

from fastjango.auth.mail.backends.base import BaseEmailBackend
from fastjango.auth.mail.message import EmailMessage

__all__ = ["SmtpEmailBackend"]


class SmtpEmailBackend(BaseEmailBackend):
    """One connection per batch: connect (TLS as configured), log in if a user is set, send, quit.

    Options override the settings: ``host``, ``port``, ``username``, ``password``, ``use_tls``,
    ``use_ssl``, ``timeout``.
    """

    def _option(self, name: str, setting: str) -> object:
        return self.options[name] if name in self.options else getattr(self.settings, setting)

    def _connect(self) -> smtplib.SMTP:
        host = str(self._option("host", "EMAIL_HOST"))
        port = int(str(self._option("port", "EMAIL_PORT")))
        timeout = self._option("timeout", "EMAIL_TIMEOUT")
        # No timeout given: smtplib's own default (the socket module's, normally none).
        limits: dict[str, Any] = {} if timeout is None else {"timeout": float(str(timeout))}
        if self._option("use_ssl", "EMAIL_USE_SSL"):
            connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), **limits)
        else:
            connection = smtplib.SMTP(host, port, **limits)
        try:
            if not isinstance(connection, smtplib.SMTP_SSL) and self._option("use_tls", "EMAIL_USE_TLS"):
                connection.starttls(context=ssl.create_default_context())
            username = str(self._option("username", "EMAIL_HOST_USER") or "")
            if username:
                connection.login(username, str(self._option("password", "EMAIL_HOST_PASSWORD") or ""))
        except BaseException:
            connection.close()  # a refused STARTTLS or login: the socket must not outlive it
            raise
        return connection

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        sendable = [message for message in messages if message.recipients()]
        if not sendable:
            return 0
        sent = 0
        try:
            connection = self._connect()
        except (OSError, smtplib.SMTPException):
            if self.fail_silently:
                return 0
            raise
        try:
            for message in sendable:
                try:
                    connection.send_message(
                        message.message(self.default_from),
                        from_addr=message.sender(self.default_from),
                        to_addrs=message.recipients(),
                    )
                except (OSError, smtplib.SMTPException):
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            try:
                connection.quit()
            except (OSError, smtplib.SMTPException):
                connection.close()
        return sent
