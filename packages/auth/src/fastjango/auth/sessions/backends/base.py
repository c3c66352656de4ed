"""What every session engine does, and how the configured one is found."""

from __future__ import annotations

import importlib
import re
import secrets
import string
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = [
    "KEY_LENGTH",
    "LoadedSession",
    "SessionEngine",
    "SessionInterrupted",
    "load_engine",
    "new_session_key",
    "valid_session_key",
]

KEY_LENGTH = 32
_KEY_ALPHABET = string.ascii_lowercase + string.digits
_KEY_PATTERN = re.compile(rf"[a-z0-9]{{{KEY_LENGTH}}}")


def new_session_key() -> str:
    """A random session key: 32 characters of [a-z0-9], about 165 bits from ``secrets``."""
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(KEY_LENGTH))


def valid_session_key(value: str) -> bool:
    """Whether a cookie value can be a key we made; anything else is not looked up at all."""
    return _KEY_PATTERN.fullmatch(value) is not None


class SessionInterrupted(Exception):
    """The session was deleted (logout elsewhere, expiry) while this request held it: its changes are dropped."""


@dataclass
class LoadedSession:
    """A session found from a cookie: its server-side key (``None`` when the cookie holds the data) and data."""

    key: str | None
    data: dict[str, Any] = field(default_factory=dict)


class SessionEngine(ABC):
    """Stores session data and maps it to and from the cookie value.

    An engine is built once per app from the settings; it must be safe to use
    from concurrent requests. Every way a cookie can be wrong (unknown key,
    expired, tampered, garbage) is a ``None`` from :meth:`load`, never an error.
    """

    #: True when :meth:`load_now` works (no I/O): sync code may then read the session before ``aload()``.
    loads_without_io: ClassVar[bool] = False

    def __init__(self, settings: Settings) -> None:
        self.default_age: int = settings.SESSION_COOKIE_AGE

    @abstractmethod
    async def load(self, cookie_value: str) -> LoadedSession | None:
        """The session a cookie value names, or ``None`` if there is no valid one."""

    def load_now(self, cookie_value: str) -> LoadedSession | None:
        """:meth:`load` without awaiting; only for engines with ``loads_without_io``."""
        raise NotImplementedError(f"{type(self).__name__} loads sessions with I/O; await aload() first")

    @abstractmethod
    async def save(self, key: str | None, data: dict[str, Any], age: int) -> tuple[str | None, str]:
        """Store ``data`` for ``age`` seconds; return the (possibly new) key and the cookie value to send.

        ``key=None`` creates a session under a fresh key. Saving under a key
        that no longer exists raises :class:`SessionInterrupted` (a logout
        must never be undone by a request that started before it).
        """

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Forget the session stored under ``key`` (a no-op if there is none)."""

    def clear_expired(self) -> int:
        """Delete expired sessions (the ``clearsessions`` command, sync); how many. Stores that expire alone: 0."""
        return 0


def load_engine(settings: Settings) -> SessionEngine:
    """The engine ``SESSION_ENGINE`` names, built from the settings."""
    from fastjango.auth.sessions.settings import ENGINE_ALIASES

    name: str = settings.SESSION_ENGINE
    dotted = ENGINE_ALIASES.get(name, name)
    module_name, _, attribute = dotted.rpartition(".")
    if not module_name:
        raise ImproperlyConfigured(
            f"SESSION_ENGINE = {name!r} is neither one of {', '.join(sorted(ENGINE_ALIASES))} "
            "nor a dotted path to a SessionEngine class."
        )
    try:
        module = importlib.import_module(module_name)
        engine_class = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise ImproperlyConfigured(f"SESSION_ENGINE = {name!r} cannot be imported: {exc}") from exc
    if not (isinstance(engine_class, type) and issubclass(engine_class, SessionEngine)):
        raise ImproperlyConfigured(f"SESSION_ENGINE = {name!r} is not a SessionEngine subclass.")
    engine: SessionEngine = engine_class(settings)
    return engine
