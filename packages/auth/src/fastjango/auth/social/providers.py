"""The configured providers as authlib Starlette clients, and what each says about the user.

One ``authlib.integrations.starlette_client.OAuth`` registry per distinct
``SOCIAL_AUTH_PROVIDERS`` value (settings may change in tests), so a
provider's discovery document and keys are fetched once, not per request.
Every client uses PKCE (S256). OpenID Connect users come from the verified
``id_token`` (plus the userinfo endpoint when the token lacks the e-mail);
GitHub users from its REST API, the e-mail only from ``/user/emails``, which
says whether GitHub verified it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]

from fastjango.auth.social.settings import ProviderConfig, parse_providers
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = ["Profile", "Provider", "ProviderError", "ProviderUnreachable", "get_provider", "get_providers"]

#: The id_token's signature must use one of these (never "none", never HMAC with a public key).
_ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


class ProviderError(Exception):
    """The provider's answer cannot be used; the message says why, for the user and the log."""

    status_code = 400


class ProviderUnreachable(ProviderError):
    """The provider did not answer (network, timeout, 5xx): not the user's fault, so a 502."""

    status_code = 502


@dataclass
class Profile:
    """Who the provider says the user is, in one shape for every provider."""

    uid: str
    email: str = ""
    email_verified: bool = False
    username: str = ""
    first_name: str = ""
    last_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _truthy(value: Any) -> bool:
    # Some providers send "true" (a string) for email_verified.
    return value is True or (isinstance(value, str) and value.lower() == "true")


class Provider:
    """One entry of ``SOCIAL_AUTH_PROVIDERS`` with its authlib client."""

    def __init__(self, config: ProviderConfig, client: Any) -> None:
        self.config = config
        self.client = client

    @property
    def name(self) -> str:
        return self.config.name

    async def authorization(self, redirect_uri: str) -> dict[str, Any]:
        """The provider's authorization URL plus what the callback needs: state, PKCE verifier, nonce."""
        params: dict[str, Any] = dict(self.config.authorize_params)
        result: dict[str, Any] = await self.client.create_authorization_url(redirect_uri, **params)
        return result

    async def fetch_token(self, code: str, redirect_uri: str, code_verifier: str) -> dict[str, Any]:
        token: dict[str, Any] = await self.client.fetch_access_token(
            redirect_uri=redirect_uri, code=code, code_verifier=code_verifier
        )
        if "error" in token:  # some providers (GitHub) answer 200 with an error body
            raise ProviderError(f"{token.get('error')}: {token.get('error_description') or 'no description'}")
        if not token.get("access_token"):
            raise ProviderError("the token response has no access_token")
        return token

    async def profile(self, token: dict[str, Any], nonce: str | None) -> Profile:
        if self.config.kind == "github":
            return await self._github_profile(token)
        return await self._oidc_profile(token, nonce)

    # -- OpenID Connect ----------------------------------------------------
    async def _oidc_profile(self, token: dict[str, Any], nonce: str | None) -> Profile:
        from joserfc.errors import JoseError

        if not token.get("id_token"):
            raise ProviderError("the provider sent no id_token (is 'openid' in SCOPE?)")
        metadata = await self.client.load_server_metadata()
        issuer = metadata.get("issuer")
        if not issuer:
            raise ProviderError("the provider's discovery document names no issuer")
        claims_options = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": self.config.client_id},
            "sub": {"essential": True},
        }
        # authlib reads the accepted algorithms from the metadata: keep only asymmetric ones.
        offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
        metadata["id_token_signing_alg_values_supported"] = [a for a in offered if a in _ID_TOKEN_ALGORITHMS] or [
            "RS256"
        ]
        try:
            claims = await self.client.parse_id_token(token, nonce=nonce, claims_options=claims_options)
        except JoseError as error:
            raise ProviderError(f"the id_token is not valid ({error.error}: {error.description or error})") from None
        except ValueError as error:
            raise ProviderError(f"the id_token is not valid ({error})") from None
        if claims is None:
            raise ProviderError("the provider sent no id_token")
        if nonce is None or claims.get("nonce") != nonce:
            raise ProviderError("the id_token is not valid (invalid_claim: nonce)")
        info: dict[str, Any] = dict(claims)
        if not info.get("email") and metadata.get("userinfo_endpoint"):
            response = await self.client.get(metadata["userinfo_endpoint"], token=token)
            if response.status_code == 200:
                extra = response.json()
                # The userinfo answer counts only if it is about the same subject (OIDC Core 5.3.2).
                if isinstance(extra, dict) and extra.get("sub") == info["sub"]:
                    info = {**extra, **info}
        return Profile(
            uid=str(info["sub"]),
            email=str(info.get("email") or ""),
            email_verified=_truthy(info.get("email_verified")),
            username=str(info.get("preferred_username") or info.get("nickname") or ""),
            first_name=str(info.get("given_name") or ""),
            last_name=str(info.get("family_name") or ""),
            extra={k: v for k, v in info.items() if k not in ("nonce", "at_hash", "c_hash")},
        )

    # -- GitHub --------------------------------------------------------------
    async def _github_json(self, url: str, token: dict[str, Any]) -> Any:
        response = await self.client.get(url, token=token, headers={"Accept": "application/vnd.github+json"})
        if response.status_code != 200:
            raise ProviderError(f"{url} answered {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise ProviderError(f"{url} did not answer JSON") from None

    async def _github_profile(self, token: dict[str, Any]) -> Profile:
        if not self.config.userinfo_url or not self.config.emails_url:  # pragma: no cover - the preset sets both
            raise ProviderError("USERINFO_URL and EMAILS_URL are needed for a GitHub provider")
        user = await self._github_json(self.config.userinfo_url, token)
        if not isinstance(user, dict) or user.get("id") in (None, ""):
            raise ProviderError("the user endpoint sent no id")
        emails = await self._github_json(self.config.emails_url, token)
        listed = [item for item in (emails if isinstance(emails, list) else []) if isinstance(item, dict)]
        listed = [item for item in listed if isinstance(item.get("email"), str) and item["email"]]
        verified = [item for item in listed if item.get("verified") is True]
        # The verified primary address, else any verified one; an unverified one only to refuse a link with it.
        chosen = next((item for item in verified if item.get("primary")), verified[0] if verified else None)
        if chosen is None:
            chosen = next((item for item in listed if item.get("primary")), {"email": user.get("email") or ""})
        email, email_verified = str(chosen["email"] or ""), chosen.get("verified") is True
        first, _, last = str(user.get("name") or "").strip().partition(" ")
        return Profile(
            uid=str(user["id"]),
            email=email,
            email_verified=email_verified,
            username=str(user.get("login") or ""),
            first_name=first,
            last_name=last,
            extra={"user": user, "emails": emails if isinstance(emails, list) else []},
        )


_registries: dict[str, dict[str, Provider]] = {}


def _build(configs: dict[str, ProviderConfig]) -> dict[str, Provider]:
    oauth = OAuth()
    providers: dict[str, Provider] = {}
    for name, config in configs.items():
        client_kwargs: dict[str, Any] = {
            "scope": config.scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": config.token_endpoint_auth_method,
            "timeout": 10.0,
        }
        options: dict[str, Any] = {
            "client_id": config.client_id,
            "client_secret": config.client_secret or None,
            "client_kwargs": client_kwargs,
        }
        if config.server_metadata_url:
            options["server_metadata_url"] = config.server_metadata_url
        if config.authorize_url:
            options["authorize_url"] = config.authorize_url
        if config.access_token_url:
            options["access_token_url"] = config.access_token_url
        client = oauth.register(name=name, overwrite=True, **options)
        providers[name] = Provider(config, client)
    return providers


def get_providers() -> dict[str, Provider]:
    """The providers of the active project's ``SOCIAL_AUTH_PROVIDERS``."""
    from fastjango.core.project import get_project

    raw = getattr(get_project().settings, "SOCIAL_AUTH_PROVIDERS", None) or {}
    key = json.dumps(raw, sort_keys=True, default=repr)
    providers = _registries.get(key)
    if providers is None:
        try:
            configs = parse_providers(raw)
        except ValueError as error:
            raise ImproperlyConfigured(str(error)) from None
        providers = _registries[key] = _build(configs)
    return providers


def get_provider(name: str) -> Provider | None:
    return get_providers().get(name)
