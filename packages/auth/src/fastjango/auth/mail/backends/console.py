"""The ``console`` backend: each message is written to standard output (development)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from fastjango.auth.mail.backends.base import BaseEmailBackend
from fastjango.auth.mail.message import EmailMessage

__all__ = ["ConsoleEmailBackend"]

_lock = threading.Lock()


class ConsoleEmailBackend(BaseEmailBackend):
    """Prints messages (``stream=`` another file object) with a line of dashes between them."""

    def _stream(self) -> TextIO:
        stream: Any = self.options.get("stream") or sys.stdout  # looked up now: pytest's capture replaces it
        return stream  # type: ignore[no-any-return]

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        stream = self._stream()
        with _lock:  # messages from concurrent requests are not interleaved
            for message in messages:
                stream.write(message.message(self.default_from).as_string(maxheaderlen=0) + "\n")
                stream.write("-" * 79 + "\n")
            stream.flush()
        return len(messages)

    async def asend_messages(self, messages: Sequence[EmailMessage]) -> int:
        return self.send_messages(messages)
