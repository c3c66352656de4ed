"""Settings of the sessions app (combined into the auth plugin's settings schema)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from fastjango.core.conf import setting

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["DEFAULT_SESSION_COOKIE_AGE", "ENGINE_ALIASES", "SessionSettings", "check_session_settings"]

#: Two weeks, as in Django.
DEFAULT_SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

#: Short names of the built-in engines; any other value is a dotted path to a ``SessionEngine`` class.
ENGINE_ALIASES: dict[str, str] = {
    "signed_cookies": "fastjango.auth.sessions.backends.signed_cookies.SignedCookieEngine",
    "db": "fastjango.auth.sessions.backends.db.DatabaseEngine",
    "cache": "fastjango.auth.sessions.backends.cache.RedisEngine",
}


class SessionSettings(BaseModel):
    """Where sessions are kept and how their cookie is sent."""

    model_config = ConfigDict(extra="forbid")

    SESSION_ENGINE: str = setting(
        "db",
        description="'signed_cookies', 'db', 'cache' (Redis) or the dotted path of a SessionEngine class.",
    )
    SESSION_COOKIE_NAME: str = setting("sessionid", description="Name of the session cookie.")
    SESSION_COOKIE_AGE: int = setting(
        DEFAULT_SESSION_COOKIE_AGE, description="Lifetime of a session, in seconds (cookie Max-Age and server side)."
    )
    SESSION_COOKIE_SECURE: bool = setting(False, description="Send the session cookie over HTTPS only.")
    SESSION_COOKIE_HTTPONLY: bool = setting(True, description="Hide the session cookie from JavaScript.")
    SESSION_COOKIE_PATH: str = setting("/", description="Path attribute of the session cookie.")
    SESSION_COOKIE_DOMAIN: str | None = setting(
        None, description="Domain attribute of the session cookie (e.g. '.example.com'); None: this host only."
    )
    SESSION_EXPIRE_AT_BROWSER_CLOSE: bool = setting(
        False, description="Send the cookie without Max-Age, so the browser drops it when it closes."
    )
    SESSION_SAVE_EVERY_REQUEST: bool = setting(
        False, description="Save the session (and renew its expiry) on every request that carries one."
    )
    SESSION_COOKIE_HOST_PREFIX: bool = setting(
        False,
        description=(
            "Name the cookie '__Host-<SESSION_COOKIE_NAME>': always Secure, Path=/, no Domain, so no "
            "subdomain or plain-HTTP page can set or overwrite it."
        ),
    )
    SESSION_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] | None = setting(
        "Lax", description="SameSite attribute of the session cookie; None sends none ('None' needs Secure)."
    )
    SESSION_REDIS_URL: str = setting(
        "redis://127.0.0.1:6379/0",
        env=("SESSION_REDIS_URL",),
        description="Redis server of the 'cache' engine.",
    )

    @field_validator("SESSION_ENGINE")
    @classmethod
    def _engine_name(cls, value: str) -> str:
        if value not in ENGINE_ALIASES and "." not in value.strip("."):
            raise ValueError(
                f"must be one of {', '.join(sorted(ENGINE_ALIASES))} or the dotted path of a SessionEngine class"
            )
        return value

    @field_validator("SESSION_COOKIE_AGE")
    @classmethod
    def _positive_age(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    @field_validator("SESSION_COOKIE_NAME")
    @classmethod
    def _cookie_name(cls, value: str) -> str:
        if not value or any(char in value for char in ' \t;,="()<>@:\\/[]?{}') or not value.isascii():
            raise ValueError("must be a non-empty cookie name without spaces, separators or non-ASCII characters")
        return value

    @field_validator("SESSION_COOKIE_HOST_PREFIX")
    @classmethod
    def _host_prefix_rules(cls, value: bool, info: ValidationInfo) -> bool:
        # Fields are validated in declaration order, so the cookie's other settings are in info.data.
        if not value:
            return value
        domain = info.data.get("SESSION_COOKIE_DOMAIN")
        if domain:
            raise ValueError(
                f"a __Host- cookie may not have a Domain; remove SESSION_COOKIE_DOMAIN ({domain!r}) "
                "or turn SESSION_COOKIE_HOST_PREFIX off"
            )
        path = info.data.get("SESSION_COOKIE_PATH", "/")
        if path != "/":
            raise ValueError(
                f"a __Host- cookie must have Path=/; set SESSION_COOKIE_PATH to '/' (not {path!r}) "
                "or turn SESSION_COOKIE_HOST_PREFIX off"
            )
        return value

    @field_validator("SESSION_COOKIE_SAMESITE")
    @classmethod
    def _samesite_none_needs_secure(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Declared after SECURE and HOST_PREFIX on purpose: browsers drop SameSite=None cookies that are not Secure.
        secure = info.data.get("SESSION_COOKIE_SECURE") or info.data.get("SESSION_COOKIE_HOST_PREFIX")
        if value == "None" and not secure:
            raise ValueError(
                "SameSite=None cookies must be Secure (browsers refuse them otherwise); "
                "set SESSION_COOKIE_SECURE = True"
            )
        return value


def check_session_settings(settings: Settings) -> list[str]:
    """Problems between the session settings and others (for the plugin's ``fastjango_validate_settings``)."""
    problems: list[str] = []
    if settings.get("SESSION_ENGINE") == "signed_cookies" and not settings.get("SECRET_KEY"):
        problems.append(
            "SESSION_ENGINE = 'signed_cookies' signs session cookies with SECRET_KEY, which is empty; set SECRET_KEY "
            "or choose the 'db' or 'cache' engine."
        )
    return problems
