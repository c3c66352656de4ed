"""Settings of the account endpoints (login redirects, password-reset links)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from fastjango.auth.tokens_reset import DEFAULT_PASSWORD_RESET_TIMEOUT
from fastjango.core.conf import setting

__all__ = ["AccountSettings"]


class AccountSettings(BaseModel):
    """Where the account endpoints may redirect to, and how password-reset links look and last."""

    model_config = ConfigDict(extra="forbid")

    LOGIN_REDIRECT_ALLOWED_HOSTS: list[str] = setting(
        default_factory=list,
        description="Hosts (besides the request's own) a ?next= URL may point to, e.g. ['app.example.com'].",
    )
    PASSWORD_RESET_TIMEOUT: int = setting(
        DEFAULT_PASSWORD_RESET_TIMEOUT, description="Seconds a password-reset link stays valid (three days)."
    )
    PASSWORD_RESET_URL: str | None = setting(
        None,
        description="The link in password-reset e-mails, with {uidb64} and {token} (a front-end page); "
        "None links to the confirm endpoint itself.",
    )

    @field_validator("PASSWORD_RESET_URL")
    @classmethod
    def _has_placeholders(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if "{uidb64}" not in value or "{token}" not in value:
            raise ValueError(
                "must contain {uidb64} and {token}, as 'https://app.example.com/reset/{uidb64}/{token}/'; "
                f"got {value!r}"
            )
        try:
            value.format(uidb64="x", token="y")  # noqa: S106 - a placeholder filled to test the template
        except (KeyError, IndexError, ValueError):
            raise ValueError(
                f"may hold no placeholder but {{uidb64}} and {{token}} (write a literal brace as {{{{ or }}}}); "
                f"got {value!r}"
            ) from None
        return value

    @field_validator("PASSWORD_RESET_TIMEOUT")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be a number of seconds, at least 1")
        return value
