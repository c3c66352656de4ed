"""Settings of e-mail sending (combined into the auth plugin's settings schema)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from fastjango.core.conf import setting

__all__ = ["EMAIL_BACKENDS", "EmailSettings"]

#: Short names of the built-in backends; ``EMAIL_BACKEND`` may also be a dotted path to a class.
EMAIL_BACKENDS = {
    "smtp": "fastjango.auth.mail.backends.smtp.SmtpEmailBackend",
    "console": "fastjango.auth.mail.backends.console.ConsoleEmailBackend",
    "locmem": "fastjango.auth.mail.backends.locmem.LocmemEmailBackend",
    "file": "fastjango.auth.mail.backends.file.FileEmailBackend",
}


class EmailSettings(BaseModel):
    """Which backend sends e-mail, and the SMTP server's address."""

    model_config = ConfigDict(extra="forbid")

    EMAIL_BACKEND: str = setting(
        "smtp",
        description="'smtp', 'console' (prints to stdout), 'locmem' (mail.outbox, for tests), 'file', "
        "or the dotted path of a backend class.",
    )
    DEFAULT_FROM_EMAIL: str = setting("webmaster@localhost", description="The sender when a message names none.")
    EMAIL_HOST: str = setting("localhost", description="The SMTP server.")
    EMAIL_PORT: int = setting(25, description="The SMTP server's port (587 with EMAIL_USE_TLS, 465 with SSL).")
    EMAIL_HOST_USER: str = setting("", description="User name for SMTP AUTH; empty: no authentication.")
    EMAIL_HOST_PASSWORD: str = setting("", env=("EMAIL_HOST_PASSWORD",), description="Password for SMTP AUTH.")
    EMAIL_USE_TLS: bool = setting(False, description="STARTTLS after connecting (usually port 587).")
    EMAIL_USE_SSL: bool = setting(False, description="Implicit TLS from the first byte (usually port 465).")
    EMAIL_TIMEOUT: float | None = setting(
        30.0, description="Seconds to wait for the SMTP server; None: the socket default (no limit)."
    )
    EMAIL_FILE_PATH: str | None = setting(None, description="Directory of the 'file' backend (one file a message).")

    @field_validator("EMAIL_BACKEND")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value not in EMAIL_BACKENDS and "." not in value:
            known = ", ".join(repr(name) for name in EMAIL_BACKENDS)
            raise ValueError(f"{value!r} is not an e-mail backend: use {known} or a dotted path to a class")
        return value

    @model_validator(mode="after")
    def _one_kind_of_tls(self) -> EmailSettings:
        if self.EMAIL_USE_TLS and self.EMAIL_USE_SSL:
            raise ValueError("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: STARTTLS or implicit TLS, not both")
        return self
