"""The ``locmem`` backend: messages are appended to ``fastjango.auth.mail.outbox`` (for tests)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from fastjango.auth.mail.backends.base import BaseEmailBackend
from fastjango.auth.mail.message import EmailMessage

__all__ = ["LocmemEmailBackend"]


class LocmemEmailBackend(BaseEmailBackend):
    """Keeps sent messages in ``mail.outbox``, as Django's test outbox; nothing leaves the process."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        from fastjango.auth import mail

        sent = 0
        for message in messages:
            message.message(self.default_from)  # build it: the same errors as a real send
            kept = copy.copy(message)
            kept.from_email = message.sender(self.default_from)
            mail.outbox.append(kept)
            sent += 1
        return sent

    async def asend_messages(self, messages: Sequence[EmailMessage]) -> int:
        return self.send_messages(messages)
