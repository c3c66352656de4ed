"""``authenticate()``, ``login()``, ``logout()`` and the user of a session, sync and async.

The async functions are the real ones; the sync ones are for plain ``def``
views, which run in a worker thread: they hand the work to the event loop
(sessions are stored asynchronously) and wait for it.
"""

from __future__ import annotations

import contextlib
import datetime
import hmac
import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import anyio.from_thread

from fastjango.auth.ratelimit import LoginRateLimited
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = [
    "BACKEND_SESSION_KEY",
    "HASH_SESSION_KEY",
    "SESSION_KEY",
    "aauthenticate",
    "aget_user",
    "alogin",
    "alogout",
    "aupdate_session_auth_hash",
    "authenticate",
    "get_user",
    "get_user_model",
    "login",
    "logout",
    "update_session_auth_hash",
]

logger = logging.getLogger("fastjango.auth")

#: What a logged-in session holds: the user's primary key, the backend that authenticated it, and a
#: digest of the password hash (a password change logs out every other session).
SESSION_KEY = "_auth_user_id"
BACKEND_SESSION_KEY = "_auth_user_backend"
HASH_SESSION_KEY = "_auth_user_hash"

_T = TypeVar("_T")


def get_user_model() -> Any:
    """The model ``AUTH_USER_MODEL`` names (``auth.User`` unless the project says otherwise)."""
    from fastjango.core.project import get_project
    from fastjango.orm.models.registry import models_registry

    label = get_project().settings.AUTH_USER_MODEL
    try:
        return models_registry.get_model(label)
    except LookupError:
        raise ImproperlyConfigured(
            f"AUTH_USER_MODEL refers to {label!r}, which is not a model of an installed app."
        ) from None


def _run_sync(function: Callable[..., Coroutine[Any, Any, _T]], *args: Any) -> _T:
    """Run an async function from a ``def`` view's worker thread (on the event loop that serves it)."""
    try:
        return anyio.from_thread.run(function, *args)
    except RuntimeError as error:
        if "event loop" not in str(error) and "from_thread" not in str(error) and "portal" not in str(error):
            raise
        raise RuntimeError(
            f"{function.__name__.removeprefix('a')}() must run in a plain `def` view's worker thread; "
            f"from async code use `await {function.__name__}()`."
        ) from None


async def _anotify(hook: str, **arguments: Any) -> None:
    """Call an auth hook from async code; await what implementations return (async signal receivers)."""
    for result in getattr(_hooks(), hook)(**arguments, asynchronous=True):
        if inspect.isawaitable(result):
            await result


def _hooks() -> Any:
    from fastjango.core.project import get_project

    return get_project().pm.hook


def _credentials_for_log(credentials: dict[str, Any]) -> dict[str, Any]:
    """The credentials with anything secret-looking masked, for the login-failed hook."""
    secret_words = ("pass", "secret", "token", "key", "api", "signature")
    return {
        key: "********************" if any(word in key.lower() for word in secret_words) else value
        for key, value in credentials.items()
    }


def _accepts(method: Any, request: Any, credentials: dict[str, Any]) -> bool:
    try:
        inspect.signature(method).bind(request, **credentials)
    except TypeError:
        return False
    return True


def _rate_limiter(request: Any, credentials: dict[str, Any]) -> tuple[Any, str]:
    """The login limiter and the username it counts under, for a password login with a request.

    Other credentials (tokens, OAuth) and calls without a request (scripts) are not limited.
    """
    if request is None or "password" not in credentials:
        return None, ""
    from fastjango.auth.ratelimit import get_login_rate_limiter

    limiter = get_login_rate_limiter()
    if limiter is None:
        return None, ""
    username = credentials.get("username")
    if username is None:
        username = credentials.get(getattr(get_user_model(), "USERNAME_FIELD", "username"))
    return limiter, str(username or "")


async def aauthenticate(request: Any = None, **credentials: Any) -> Any:
    """The user these credentials belong to, from the first backend that recognises them, or ``None``.

    A backend whose ``authenticate`` does not take these credentials is
    skipped; one that raises ``PermissionError`` stops the search (Django's
    ``PermissionDenied``). A password login with a request is rate-limited
    first: too many recent attempts raise
    :class:`~fastjango.auth.ratelimit.LoginRateLimited` before any backend (or hasher) runs.
    """
    from fastjango.auth.backends import BaseBackend, get_backends

    limiter, username = _rate_limiter(request, credentials)
    if limiter is not None:
        try:
            await limiter.acheck(request, username)
        except LoginRateLimited:
            await _anotify(
                "fastjango_auth_user_login_failed", credentials=_credentials_for_log(credentials), request=request
            )
            raise
    for path, backend in get_backends(with_paths=True):
        method = getattr(backend, "aauthenticate", None)
        if method is None or (
            isinstance(backend, BaseBackend)
            and type(backend).aauthenticate is BaseBackend.aauthenticate
            and type(backend).authenticate is BaseBackend.authenticate
        ):
            continue
        if not _accepts(method, request, credentials):
            continue
        try:
            user = method(request, **credentials)
            if inspect.isawaitable(user):
                user = await user
        except PermissionError:
            break
        if user is None:
            continue
        user.backend = path
        if limiter is not None:
            await limiter.asucceeded(request, username)
        return user
    await _anotify("fastjango_auth_user_login_failed", credentials=_credentials_for_log(credentials), request=request)
    return None


def authenticate(request: Any = None, **credentials: Any) -> Any:
    """``aauthenticate()`` for ``def`` views and scripts: backends' sync ``authenticate`` in turn."""
    from fastjango.auth.backends import get_backends

    limiter, username = _rate_limiter(request, credentials)
    if limiter is not None:
        try:
            limiter.check(request, username)
        except LoginRateLimited:
            _hooks().fastjango_auth_user_login_failed(
                credentials=_credentials_for_log(credentials), request=request, asynchronous=False
            )
            raise
    for path, backend in get_backends(with_paths=True):
        method = getattr(backend, "authenticate", None)
        if method is None or not _accepts(method, request, credentials):
            continue
        try:
            user = method(request, **credentials)
        except PermissionError:
            break
        if user is None:
            continue
        user.backend = path
        if limiter is not None:
            limiter.succeeded(request, username)
        return user
    _hooks().fastjango_auth_user_login_failed(
        credentials=_credentials_for_log(credentials), request=request, asynchronous=False
    )
    return None


def _session_of(request: Any) -> Any:
    scope = getattr(request, "scope", request)
    session = scope.get("session") if isinstance(scope, dict) else None
    if session is None:
        raise ImproperlyConfigured(
            "login() and logout() need the session middleware: add the 'auth' plugin (it installs it) "
            "or fastjango.auth.sessions.middleware.SessionMiddleware."
        )
    return session


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def alogin(request: Any, user: Any, backend: str | None = None) -> None:
    """Remember ``user`` in the request's session, under a NEW session key (no session fixation)."""
    from fastjango.auth.backends import get_backends

    session = _session_of(request)
    await _maybe_await(getattr(session, "aload", lambda: None)())
    session_hash = user.get_session_auth_hash() if hasattr(user, "get_session_auth_hash") else ""
    if SESSION_KEY in session:
        same_user = str(session[SESSION_KEY]) == str(user.pk)
        same_hash = hmac.compare_digest(str(session.get(HASH_SESSION_KEY, "")), session_hash)
        if not same_user or not same_hash:
            await _maybe_await(session.flush())  # someone else's session: start from nothing
        else:
            await _maybe_await(session.cycle_key())
    else:
        await _maybe_await(session.cycle_key())
    if backend is None:
        backend = getattr(user, "backend", None)
    if backend is None:
        paths = [path for path, _ in get_backends(with_paths=True)]
        if len(paths) != 1:
            raise ValueError(
                "login() cannot tell which backend authenticated this user: call authenticate() first, "
                "or pass backend='dotted.path'."
            )
        backend = paths[0]
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = session_hash
    await _rotate_csrf_token(request)
    scope = getattr(request, "scope", request)
    scope["user"] = user
    if hasattr(request, "user") and not isinstance(request, dict):
        with contextlib.suppress(AttributeError):  # Starlette's Request.user is read-only: scope["user"] is enough
            request.user = user
    if hasattr(user, "last_login"):
        user.last_login = datetime.datetime.now(datetime.UTC)
        if user.pk is not None:
            await user.asave(update_fields=["last_login"])
    await _anotify("fastjango_auth_user_logged_in", request=request, user=user)


async def _rotate_csrf_token(request: Any) -> None:
    """A new CSRF secret at login, as Django: a token seen before login is worthless after it."""
    try:
        from fastjango.auth.csrf import arotate_token
    except ImportError:  # pragma: no cover - CSRF not in this checkout
        return
    await arotate_token(request)


def login(request: Any, user: Any, backend: str | None = None) -> None:
    """``alogin()`` from a ``def`` view's worker thread."""
    _run_sync(alogin, request, user, backend)


async def alogout(request: Any) -> None:
    """Forget the session entirely (data and key) and make the request anonymous."""
    from fastjango.auth.models import AnonymousUser

    scope = getattr(request, "scope", request)
    user = scope.get("user") if isinstance(scope, dict) else None
    if user is not None and getattr(user, "is_authenticated", False):
        await _anotify("fastjango_auth_user_logged_out", request=request, user=user)
    session = _session_of(request)
    await _maybe_await(session.flush())
    scope["user"] = AnonymousUser()


def logout(request: Any) -> None:
    _run_sync(alogout, request)


async def aget_user(request: Any) -> Any:
    """The user the request's session belongs to, or ``AnonymousUser``.

    A session made before the user's password changed (its hash no longer
    matches) is flushed: changing a password logs out other sessions.
    """
    from fastjango.auth.backends import get_backends
    from fastjango.auth.models import AnonymousUser

    session = _session_of(request)
    await _maybe_await(getattr(session, "aload", lambda: None)())
    user_id = session.get(SESSION_KEY)
    backend_path = session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path is None:
        return AnonymousUser()
    backends = dict(get_backends(with_paths=True))
    backend = backends.get(backend_path)
    if backend is None:
        return AnonymousUser()  # the backend was removed from the settings: the session no longer counts
    user = await _maybe_await(backend.aget_user(user_id)) if hasattr(backend, "aget_user") else None
    if user is None:
        return AnonymousUser()
    if hasattr(user, "get_session_auth_hash"):
        stored = str(session.get(HASH_SESSION_KEY, ""))
        if not hmac.compare_digest(stored, user.get_session_auth_hash()):
            await _maybe_await(session.flush())
            return AnonymousUser()
    user.backend = backend_path
    return user


def get_user(request: Any) -> Any:
    return _run_sync(aget_user, request)


async def aupdate_session_auth_hash(request: Any, user: Any) -> None:
    """After a password change in this session: keep this session logged in (others are logged out)."""
    session = _session_of(request)
    await _maybe_await(session.cycle_key())
    if str(session.get(SESSION_KEY)) == str(user.pk):
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()


def update_session_auth_hash(request: Any, user: Any) -> None:
    _run_sync(aupdate_session_auth_hash, request, user)
