"""The two endpoints of a social login: send the browser to the provider, and take it back.

``social_login`` remembers, in the browser's session, one pending login per
``state`` (the PKCE verifier, the OpenID Connect nonce, the redirect URI and
the safe ``next``). ``social_callback`` takes that entry out of the session
before anything else, so a ``state`` works once, only in the browser that
started the login, and only for ``SOCIAL_AUTH_LOGIN_TIMEOUT`` seconds.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from fastjango.auth.social.accounts import LoginRefused, resolve_user
from fastjango.auth.social.providers import Provider, ProviderError, ProviderUnreachable, get_provider

__all__ = ["PENDING_SESSION_KEY", "social_callback", "social_login"]

logger = logging.getLogger("fastjango.auth.social")

#: The session key of the pending logins: {state: {...}}.
PENDING_SESSION_KEY = "_social_pending"
#: At most this many logins pending at once per session (several tabs); the oldest is dropped.
MAX_PENDING = 5


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _unknown(provider: str) -> JSONResponse:
    return _problem(404, f"There is no login provider named {provider!r}.")


def _settings() -> Any:
    from fastjango.core.project import get_project

    return get_project().settings


async def _session(request: Request) -> Any:
    """The request's ``fastjango.auth.sessions.Session``, loaded (authlib and this module use it as a dict)."""
    session: Any = request.scope.get("session")
    if session is None:
        from fastjango.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Social login needs the session middleware (the 'auth' plugin installs it).")
    if hasattr(session, "aload"):
        await session.aload()
    return session


def _callback_url(request: Request, provider: str) -> str:
    """The callback's absolute URL, in the namespace the login route was mounted in."""
    route = request.scope.get("route")
    name = getattr(route, "name", None) or "social_login"
    namespace, _, _ = name.rpartition(":")
    callback = f"{namespace}:social_callback" if namespace else "social_callback"
    return str(request.url_for(callback, provider=provider))


async def social_login(request: Request, provider: str, next: str | None = None) -> Response:  # noqa: A002
    """Redirect to the provider's authorization page (the authorization-code flow with PKCE)."""
    from httpx2 import HTTPError

    from fastjango.auth.redirects import safe_next_url

    found = get_provider(provider)
    if found is None:
        return _unknown(provider)
    session = await _session(request)
    redirect_uri = _callback_url(request, provider)
    try:
        authorization = await found.authorization(redirect_uri)
    except (HTTPError, ValueError, RuntimeError) as error:  # no discovery document, or not a usable one
        logger.warning("Social login %r: cannot start: %r", provider, error)
        return _problem(502, f"The login provider {found.config.display_name!r} cannot be reached; try again later.")
    pending: dict[str, Any] = dict(session.get(PENDING_SESSION_KEY) or {})
    while len(pending) >= MAX_PENDING:
        pending.pop(min(pending, key=lambda state: pending[state].get("started", 0)))
    pending[authorization["state"]] = {
        "provider": provider,
        "redirect_uri": redirect_uri,
        "code_verifier": authorization.get("code_verifier"),
        "nonce": authorization.get("nonce"),
        "next": safe_next_url(request, next, default=None),
        "started": time.time(),
    }
    session[PENDING_SESSION_KEY] = pending
    return RedirectResponse(authorization["url"], status_code=302)


def _take_pending(session: Any, state: str | None) -> dict[str, Any] | None:
    pending: dict[str, Any] = dict(session.get(PENDING_SESSION_KEY) or {})
    entry = pending.pop(state, None) if state else None
    if entry is not None:
        if pending:
            session[PENDING_SESSION_KEY] = pending
        else:
            del session[PENDING_SESSION_KEY]
    return entry if isinstance(entry, dict) else None


async def social_callback(request: Request, provider: str) -> Response:
    """Finish the login the provider sends the browser back from; log the user in and redirect."""
    from fastjango.auth import alogin
    from fastjango.auth.backends import session_backend_path

    found = get_provider(provider)
    if found is None:
        return _unknown(provider)
    session = await _session(request)
    query = request.query_params
    entry = _take_pending(session, query.get("state"))  # single use, whatever happens next
    if query.get("error"):
        description = query.get("error_description") or "no reason given"
        return _problem(400, f"The provider did not log you in ({query['error']}: {description}).")
    if entry is None or entry.get("provider") != provider:
        return _problem(
            400,
            "This login response does not match a login started in this browser, or it was already used; "
            "start the login again.",
        )
    if time.time() - float(entry.get("started", 0)) > _settings().SOCIAL_AUTH_LOGIN_TIMEOUT:
        return _problem(400, "This login took too long; start it again.")
    code = query.get("code")
    if not code:
        return _problem(400, "The provider's response has no authorization code.")
    try:
        profile = await _profile(found, code, entry)
    except ProviderError as error:
        logger.info("Social login %r refused: %s", provider, error)
        return _problem(error.status_code, f"The login with {found.config.display_name} failed: {error}.")
    try:
        user = await resolve_user(found.config, profile, auto_signup=_settings().SOCIAL_AUTH_AUTO_SIGNUP)
    except LoginRefused as refused:
        return _problem(refused.status_code, str(refused))
    await alogin(request, user, backend=session_backend_path())
    target = entry.get("next") or _settings().LOGIN_REDIRECT_URL
    return RedirectResponse(target, status_code=302)


async def _profile(provider: Provider, code: str, entry: dict[str, Any]) -> Any:
    from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
    from httpx2 import HTTPError

    try:
        token = await provider.fetch_token(code, entry["redirect_uri"], entry.get("code_verifier") or "")
        return await provider.profile(token, entry.get("nonce"))
    except OAuthError as error:
        raise ProviderError(f"{error.error}: {error.description or 'no description'}") from None
    except HTTPError as error:
        raise ProviderUnreachable(f"the provider cannot be reached ({type(error).__name__})") from None
    except (ValueError, RuntimeError) as error:  # a non-JSON answer, discovery without jwks_uri: the provider's fault
        raise ProviderError(f"the provider's answer could not be used ({type(error).__name__}: {error})") from None
