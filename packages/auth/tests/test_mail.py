"""Sending e-mail: a real SMTP server on 127.0.0.1 (aiosmtpd), the console, file and in-memory backends."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage as StdlibMessage
from pathlib import Path
from typing import Any

import pytest

from fastjango.auth import mail
from fastjango.auth.mail import BadHeaderError, EmailMessage, asend_mail, get_connection, send_mail
from fastjango.auth.models import User
from fastjango.core.urls import include, path

urlpatterns = [path("accounts/", include("fastjango.auth.urls"))]


class Inbox:
    """An aiosmtpd handler keeping what the server received: envelope and parsed message."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], StdlibMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, StdlibMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Auth:
    def __init__(self) -> None:
        self.logins: list[str] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"mail-secret"
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[tuple[Inbox, _Auth]]:
    """A real SMTP server on 127.0.0.1 (with AUTH), and the settings pointing at it."""
    from aiosmtpd.controller import Controller

    inbox, auth = Inbox(), _Auth()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=auth,
        auth_require_tls=False,
        auth_required=False,
    )
    controller.start()
    settings.EMAIL_BACKEND = "smtp"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5.0
    settings.DEFAULT_FROM_EMAIL = "site@example.com"
    try:
        yield inbox, auth
    finally:
        controller.stop()


def test_smtp_sends_text_and_html(smtp_server: tuple[Inbox, _Auth], backend: str) -> None:
    inbox, _ = smtp_server
    sent = send_mail("Hello", "Plain words", None, ["ann@example.com"], html="<p>Rich words</p>")
    assert sent == 1
    [(sender, recipients, message)] = inbox.received
    assert sender == "site@example.com" and recipients == ["ann@example.com"]
    assert message["Subject"] == "Hello" and message["To"] == "ann@example.com"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().strip() == "Plain words"
    assert html.get_content().strip() == "<p>Rich words</p>"


async def test_asend_mail_with_auth_cc_and_bcc(smtp_server: tuple[Inbox, _Auth], settings: Any, backend: str) -> None:
    inbox, auth = smtp_server
    settings.EMAIL_HOST_USER = "mailer"
    settings.EMAIL_HOST_PASSWORD = "mail-secret"
    message = EmailMessage(
        "Caf\u00e9 news",
        "\u00c7a va \u2713",
        "news@example.com",
        ["ann@example.com"],
        cc=["cc@example.com"],
        bcc=["hidden@example.com"],
        reply_to=["replies@example.com"],
    )
    assert await get_connection().asend_messages([message]) == 1
    assert await asend_mail("Second", "Body", None, ["bob@example.com"]) == 1
    assert auth.logins == ["mailer", "mailer"]
    (sender, recipients, received), (_, second_recipients, _) = inbox.received
    assert sender == "news@example.com"
    assert sorted(recipients) == ["ann@example.com", "cc@example.com", "hidden@example.com"]
    assert "hidden@example.com" not in str(received)  # bcc is only in the envelope
    assert received["Subject"] == "Caf\u00e9 news" and received["Reply-To"] == "replies@example.com"
    assert received.get_content().strip() == "\u00c7a va \u2713"
    assert second_recipients == ["bob@example.com"]


def test_smtp_wrong_password_and_no_server(smtp_server: tuple[Inbox, _Auth], settings: Any, backend: str) -> None:
    import smtplib

    settings.EMAIL_HOST_USER = "mailer"
    settings.EMAIL_HOST_PASSWORD = "wrong"
    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_mail("Hi", "Body", None, ["ann@example.com"])
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_PORT = _free_port()  # nobody listens there
    with pytest.raises(ConnectionRefusedError):
        send_mail("Hi", "Body", None, ["ann@example.com"])
    assert send_mail("Hi", "Body", None, ["ann@example.com"], fail_silently=True) == 0


@pytest.mark.usefixtures("db")
async def test_a_password_reset_e_mail_over_smtp(
    smtp_server: tuple[Inbox, _Auth], async_client: Any, backend: str
) -> None:
    inbox, _ = smtp_server
    await User.objects.acreate_user("ann", "ann@example.com", "s3cret-horse-battery")
    response = await async_client.post("/accounts/password/reset/", json={"email": "ann@example.com"})
    assert response.status_code == 200
    [(_, recipients, message)] = inbox.received
    assert recipients == ["ann@example.com"]
    body = message.get_body(("plain",))
    assert body is not None and "http://testserver/accounts/password/reset/" in body.get_content()


@pytest.mark.parametrize(
    "build",
    [
        lambda: EmailMessage("Hi\nBcc: victim@example.com", "x", None, ["ann@example.com"]),
        lambda: EmailMessage("Hi", "x", None, ["ann@example.com\r\nBcc: victim@example.com"]),
        lambda: EmailMessage("Hi", "x", "me@example.com\nX-Evil: 1", ["ann@example.com"]),
        lambda: EmailMessage("Hi", "x", None, ["ann@example.com"], headers={"X-Tag": "a\nb"}),
    ],
)
def test_header_injection_is_refused(build: Any) -> None:
    with pytest.raises(BadHeaderError, match="line break"):
        build()


def test_one_address_string_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r'to=\["ann@example.com"\]'):
        EmailMessage("Hi", "x", None, "ann@example.com")


def test_locmem_outbox(settings: Any, backend: str) -> None:
    settings.EMAIL_BACKEND = "locmem"
    mail.outbox.clear()
    send_mail("One", "Body", None, ["ann@example.com"])
    assert [(message.subject, message.to, message.from_email) for message in mail.outbox] == [
        ("One", ["ann@example.com"], "webmaster@localhost")
    ]
    mail.outbox.clear()


def test_console_prints(settings: Any, capsys: pytest.CaptureFixture[str], backend: str) -> None:
    settings.EMAIL_BACKEND = "console"
    send_mail("Printed", "Body text", None, ["ann@example.com"])
    out = capsys.readouterr().out
    assert "Subject: Printed" in out and "To: ann@example.com" in out and "Body text" in out


def test_file_backend(settings: Any, tmp_path: Path, backend: str) -> None:
    from fastjango.core.exceptions import ImproperlyConfigured

    settings.EMAIL_BACKEND = "file"
    with pytest.raises(ImproperlyConfigured, match="EMAIL_FILE_PATH"):
        send_mail("Filed", "Body", None, ["ann@example.com"])
    settings.EMAIL_FILE_PATH = str(tmp_path / "mails")
    send_mail("Filed", "Body", None, ["ann@example.com"])
    [written] = list((tmp_path / "mails").iterdir())
    parsed = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Filed"


def test_bad_backend_settings_are_named() -> None:
    import pydantic

    from fastjango.auth.mail.settings import EmailSettings

    with pytest.raises(pydantic.ValidationError, match="'smtp', 'console'"):
        EmailSettings(EMAIL_BACKEND="carrier-pigeon")
    with pytest.raises(pydantic.ValidationError, match="exclusive"):
        EmailSettings(EMAIL_USE_TLS=True, EMAIL_USE_SSL=True)
