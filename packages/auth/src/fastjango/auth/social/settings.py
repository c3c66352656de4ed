"""Settings of the ``social`` app (combined into the auth plugin's settings schema).

``SOCIAL_AUTH_PROVIDERS`` maps a provider name (the ``<provider>`` of the
login URL) to its configuration: a ``PRESET`` (``"google"``, ``"github"``)
or any OpenID Connect provider by its ``SERVER_METADATA_URL``, plus the
client credentials the provider issued. :func:`parse_providers` turns it into
:class:`ProviderConfig` objects, with errors that name the offending key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from fastjango.core.conf import setting

__all__ = ["PRESETS", "ProviderConfig", "SocialSettings", "check_social_settings", "parse_providers"]

ProviderKind = Literal["oidc", "github"]

#: What each preset fills in; every key can still be overridden per provider (tests point them at a local server).
PRESETS: dict[str, dict[str, Any]] = {
    "google": {
        "KIND": "oidc",
        "NAME": "Google",
        "SERVER_METADATA_URL": "https://accounts.google.com/.well-known/openid-configuration",
        "SCOPE": "openid email profile",
    },
    "github": {
        "KIND": "github",
        "NAME": "GitHub",
        "AUTHORIZE_URL": "https://github.com/login/oauth/authorize",
        "ACCESS_TOKEN_URL": "https://github.com/login/oauth/access_token",
        "USERINFO_URL": "https://api.github.com/user",
        "EMAILS_URL": "https://api.github.com/user/emails",
        "SCOPE": "read:user user:email",
        "TOKEN_ENDPOINT_AUTH_METHOD": "client_secret_post",
    },
}

_KEYS = (
    "PRESET",
    "NAME",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "SERVER_METADATA_URL",
    "AUTHORIZE_URL",
    "ACCESS_TOKEN_URL",
    "USERINFO_URL",
    "EMAILS_URL",
    "SCOPE",
    "AUTHORIZE_PARAMS",
    "TOKEN_ENDPOINT_AUTH_METHOD",
    "LINK_BY_EMAIL",
)
_URL_KEYS = ("SERVER_METADATA_URL", "AUTHORIZE_URL", "ACCESS_TOKEN_URL", "USERINFO_URL", "EMAILS_URL")
_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
_PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


@dataclass(frozen=True)
class ProviderConfig:
    """One provider, presets applied and checked."""

    name: str
    kind: ProviderKind
    display_name: str
    client_id: str
    client_secret: str = ""
    server_metadata_url: str | None = None
    authorize_url: str | None = None
    access_token_url: str | None = None
    userinfo_url: str | None = None
    emails_url: str | None = None
    scope: str = "openid email profile"
    authorize_params: dict[str, str] = field(default_factory=dict)
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method's name, not a secret
    link_by_email: bool = True


def _where(name: str, key: str | None = None) -> str:
    return f"SOCIAL_AUTH_PROVIDERS[{name!r}]" + (f"[{key!r}]" if key else "")


def _parse_one(name: str, raw: Any) -> ProviderConfig:
    if not isinstance(name, str) or not _PROVIDER_NAME.match(name):
        raise ValueError(
            f"SOCIAL_AUTH_PROVIDERS has a provider named {name!r}; a name is used in URLs, so use lower-case "
            "letters, digits, '-' and '_' (at most 50), e.g. 'google' or 'corp-sso'"
        )
    if not isinstance(raw, Mapping):
        raise ValueError(f"{_where(name)} must be a dict of settings, not {type(raw).__name__}")
    for key in raw:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(_KEYS)}"
            raise ValueError(f"{_where(name)} has an unknown key {key!r}{hint}")
    preset_name = raw.get("PRESET")
    values: dict[str, Any] = {}
    if preset_name is not None:
        if preset_name not in PRESETS:
            raise ValueError(
                f"{_where(name, 'PRESET')} is {preset_name!r}, which is not a preset; choose one of "
                f"{', '.join(repr(p) for p in PRESETS)}, or leave PRESET out and give the OpenID Connect "
                "provider's SERVER_METADATA_URL"
            )
        values.update(PRESETS[preset_name])
    else:
        values["KIND"] = "oidc"
    values.update({key: value for key, value in raw.items() if key != "PRESET"})

    client_id = values.get("CLIENT_ID")
    if not isinstance(client_id, str) or not client_id.strip():
        raise ValueError(f"{_where(name)} needs a CLIENT_ID: the client id the provider issued to this site")
    for key in ("CLIENT_SECRET", "NAME", "SCOPE", *_URL_KEYS):
        if values.get(key) is not None and not isinstance(values[key], str):
            raise ValueError(f"{_where(name, key)} must be a string, not {type(values[key]).__name__}")
    for key in _URL_KEYS:
        url = values.get(key)
        if url is not None and not url.startswith(("https://", "http://")):
            raise ValueError(f"{_where(name, key)} must be an absolute http(s) URL, not {url!r}")
    kind: ProviderKind = values["KIND"]
    if kind == "oidc":
        if not values.get("SERVER_METADATA_URL"):
            raise ValueError(
                f"{_where(name)} needs a SERVER_METADATA_URL (the provider's "
                "'/.well-known/openid-configuration' address), or a PRESET such as 'google' or 'github'"
            )
        if "openid" not in str(values.get("SCOPE", "openid")).split():
            raise ValueError(f"{_where(name, 'SCOPE')} must include 'openid' for an OpenID Connect provider")
    method = values.get("TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_basic")
    if method not in _AUTH_METHODS:
        raise ValueError(f"{_where(name, 'TOKEN_ENDPOINT_AUTH_METHOD')} is {method!r}; choose one of {_AUTH_METHODS}")
    if method != "none" and not values.get("CLIENT_SECRET"):
        raise ValueError(
            f"{_where(name)} needs a CLIENT_SECRET (or TOKEN_ENDPOINT_AUTH_METHOD = 'none' for a public client)"
        )
    params = values.get("AUTHORIZE_PARAMS") or {}
    if not isinstance(params, Mapping) or not all(isinstance(v, str) for v in params.values()):
        raise ValueError(f"{_where(name, 'AUTHORIZE_PARAMS')} must be a dict of strings, e.g. {{'prompt': 'login'}}")
    reserved = {"state", "nonce", "code_challenge", "code_challenge_method", "redirect_uri", "client_id"}
    if reserved & set(params):
        raise ValueError(f"{_where(name, 'AUTHORIZE_PARAMS')} may not set {sorted(reserved & set(params))}")
    link = values.get("LINK_BY_EMAIL", True)
    if not isinstance(link, bool):
        raise ValueError(f"{_where(name, 'LINK_BY_EMAIL')} must be True or False")
    return ProviderConfig(
        name=name,
        kind=kind,
        display_name=str(values.get("NAME") or name),
        client_id=client_id.strip(),
        client_secret=str(values.get("CLIENT_SECRET") or ""),
        server_metadata_url=values.get("SERVER_METADATA_URL"),
        authorize_url=values.get("AUTHORIZE_URL"),
        access_token_url=values.get("ACCESS_TOKEN_URL"),
        userinfo_url=values.get("USERINFO_URL"),
        emails_url=values.get("EMAILS_URL"),
        scope=str(values.get("SCOPE") or "openid email profile"),
        authorize_params=dict(params),
        token_endpoint_auth_method=method,
        link_by_email=link,
    )


def parse_providers(raw: Any) -> dict[str, ProviderConfig]:
    """``SOCIAL_AUTH_PROVIDERS`` as checked configurations; ``ValueError`` names the first problem."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"SOCIAL_AUTH_PROVIDERS must be a dict of provider name -> settings, not {type(raw).__name__}")
    return {name: _parse_one(name, config) for name, config in raw.items()}


class SocialSettings(BaseModel):
    """The OAuth2 / OpenID Connect providers users may log in with."""

    model_config = ConfigDict(extra="forbid")

    # dict[str, Any], not dict[str, dict]: pydantic would echo a wrong entry (a secret) in its error;
    # check_social_settings() checks the entries and names only the key at fault.
    SOCIAL_AUTH_PROVIDERS: dict[str, Any] = setting(
        default_factory=dict,
        description=(
            'Providers users may log in with: {"google": {"PRESET": "google", "CLIENT_ID": ..., '
            '"CLIENT_SECRET": ...}, "corp": {"SERVER_METADATA_URL": "https://idp/.well-known/'
            'openid-configuration", "CLIENT_ID": ..., "CLIENT_SECRET": ...}}.'
        ),
    )
    SOCIAL_AUTH_AUTO_SIGNUP: bool = setting(
        True, description="Create a user for a provider account that matches nobody; False refuses such logins."
    )
    SOCIAL_AUTH_LOGIN_TIMEOUT: int = setting(
        600, description="Seconds a login started at a provider may take before its callback is refused."
    )

    @field_validator("SOCIAL_AUTH_LOGIN_TIMEOUT")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("SOCIAL_AUTH_LOGIN_TIMEOUT must be a number of seconds > 0")
        return value


def check_social_settings(settings: Any) -> list[str]:
    """Problems in ``SOCIAL_AUTH_PROVIDERS`` (for the plugin's ``fastjango_validate_settings``).

    Checked here rather than by a pydantic validator so that the message
    names the key at fault without echoing the whole value, which holds
    client secrets.
    """
    try:
        parse_providers(settings.get("SOCIAL_AUTH_PROVIDERS", None))
    except ValueError as error:
        return [f"{error}."]
    return []
