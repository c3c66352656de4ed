"""An e-mail message: subject, text body, sender, recipients and an optional HTML alternative."""

from __future__ import annotations

import email.message
import email.policy
import email.utils
from collections.abc import Mapping, Sequence

__all__ = ["BadHeaderError", "EmailMessage"]


class BadHeaderError(ValueError):
    """A header value (subject, an address) contains a line break: it would let text add its own headers."""


def _check_header(name: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        raise BadHeaderError(
            f"The {name} header of an e-mail must be one line; {value[:60]!r} contains a line break "
            "(header injection). Remove line breaks from values taken from users."
        )
    return value


def _addresses(name: str, value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        raise TypeError(
            f'EmailMessage({name}=...) takes a list of addresses, not one string: write {name}=["{value}"].'
        )
    return [_check_header(name, str(address)) for address in value]


class EmailMessage:
    """What :func:`~fastjango.auth.mail.send_mail` sends; build one to add cc, bcc, reply-to or headers.

    ``from_email`` defaults to ``DEFAULT_FROM_EMAIL`` when sent. ``html`` adds an HTML
    alternative to the text ``body`` (multipart/alternative).
    """

    def __init__(
        self,
        subject: str = "",
        body: str = "",
        from_email: str | None = None,
        to: Sequence[str] | None = None,
        *,
        cc: Sequence[str] | None = None,
        bcc: Sequence[str] | None = None,
        reply_to: Sequence[str] | None = None,
        html: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.subject = _check_header("Subject", str(subject))
        self.body = body
        self.from_email = _check_header("From", from_email) if from_email else None
        self.to = _addresses("to", to)
        self.cc = _addresses("cc", cc)
        self.bcc = _addresses("bcc", bcc)
        self.reply_to = _addresses("reply_to", reply_to)
        self.html = html
        self.headers = {
            _check_header("header name", key): _check_header(key, str(value)) for key, value in (headers or {}).items()
        }

    def recipients(self) -> list[str]:
        """Every address the message goes to (to, cc and bcc)."""
        return [address for address in [*self.to, *self.cc, *self.bcc] if address]

    def sender(self, default: str) -> str:
        return self.from_email or default

    def message(self, default_from: str = "webmaster@localhost") -> email.message.EmailMessage:
        """The standard-library message, ready for SMTP (bcc is left out of the headers)."""
        msg = email.message.EmailMessage(policy=email.policy.SMTP)
        msg["Subject"] = self.subject
        msg["From"] = _check_header("From", self.sender(default_from))
        if self.to:
            msg["To"] = ", ".join(self.to)
        if self.cc:
            msg["Cc"] = ", ".join(self.cc)
        if self.reply_to:
            msg["Reply-To"] = ", ".join(self.reply_to)
        msg["Date"] = email.utils.formatdate(localtime=False)
        msg["Message-ID"] = email.utils.make_msgid()
        for name, value in self.headers.items():
            if name in msg:
                del msg[name]
            msg[name] = value
        msg.set_content(self.body)
        if self.html is not None:
            msg.add_alternative(self.html, subtype="html")
        return msg

    def __repr__(self) -> str:
        return f"<EmailMessage {self.subject!r} to {self.recipients()!r}>"
