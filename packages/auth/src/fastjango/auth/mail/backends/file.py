"""The ``file`` backend: each message is written to its own ``.eml`` file in ``EMAIL_FILE_PATH``."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from pathlib import Path

from fastjango.auth.mail.backends.base import BaseEmailBackend
from fastjango.auth.mail.message import EmailMessage
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = ["FileEmailBackend"]


class FileEmailBackend(BaseEmailBackend):
    """Writes ``<timestamp>-<random>.eml`` files, one per message (readable by any mail program)."""

    def _directory(self) -> Path:
        configured = self.options.get("file_path") or self.settings.EMAIL_FILE_PATH
        if not configured:
            raise ImproperlyConfigured("EMAIL_BACKEND = 'file' needs EMAIL_FILE_PATH, the directory to write to.")
        directory = Path(configured)
        if directory.exists() and not directory.is_dir():
            raise ImproperlyConfigured(f"EMAIL_FILE_PATH {str(directory)!r} exists and is not a directory.")
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        directory = self._directory()
        for message in messages:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            target = directory / f"{stamp}-{secrets.token_hex(6)}.eml"
            target.write_bytes(message.message(self.default_from).as_bytes())
        return len(messages)
