"""``scope["session"]``: the session of one request, a mutable mapping loaded on first use."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from datetime import timedelta
from typing import Any

from fastjango.auth.sessions.backends.base import LoadedSession, SessionEngine

__all__ = ["SESSION_EXPIRY_KEY", "Session", "SessionNotLoaded", "SessionTooLarge"]

#: Where a per-session expiry set with ``set_expiry()`` is kept, in seconds (0: until the browser closes).
SESSION_EXPIRY_KEY = "_session_expiry"


class SessionNotLoaded(RuntimeError):
    """Sync code touched a server-side session before anything awaited ``aload()``."""


class SessionTooLarge(ValueError):
    """The session's cookie would exceed what browsers store (4093 bytes for name and value)."""


class Session(MutableMapping[str, Any]):
    """The request's session: a ``dict``-like mapping plus key management.

    Nothing is read from the store until the session is used, so requests that
    never touch it cost nothing. Server-side engines need one ``await
    session.aload()`` before sync access (the ``SessionDep`` dependency and
    ``login()``/``logout()`` do it); a request without a session cookie, and the
    ``signed_cookies`` engine, need none. Writes mark the session ``modified``
    and the middleware saves it when the response starts.
    """

    def __init__(
        self,
        engine: SessionEngine,
        cookie_value: str | None,
        *,
        expire_at_browser_close: bool = False,
    ) -> None:
        self._engine = engine
        self._cookie_value = cookie_value
        self._expire_at_browser_close = expire_at_browser_close
        self._key: str | None = None
        # None until loaded; a request without a cookie starts with an empty, loaded session.
        self._data: dict[str, Any] | None = {} if cookie_value is None else None
        self.modified = False
        self.accessed = False

    # ------------------------------------------------------------------ loading
    @property
    def loaded(self) -> bool:
        return self._data is not None

    def mark_accessed(self) -> None:
        """Called by Starlette's ``request.session``; reading the data is what counts here, so nothing to do."""

    @property
    def had_cookie(self) -> bool:
        """Whether the request carried a session cookie (valid or not)."""
        return self._cookie_value is not None

    async def aload(self) -> Session:
        """Read the session from its store once; later calls return at once. Returns the session."""
        if self._data is None:
            assert self._cookie_value is not None
            self._apply(await self._engine.load(self._cookie_value))
        self.accessed = True
        return self

    def _apply(self, loaded: LoadedSession | None) -> None:
        # An unknown, expired or forged cookie gives an empty session with no key: a new key is made on save.
        self._key, self._data = (loaded.key, loaded.data) if loaded is not None else (None, {})

    @property
    def _store(self) -> dict[str, Any]:
        self.accessed = True
        if self._data is None:
            if not self._engine.loads_without_io:
                raise SessionNotLoaded(
                    "The session is not loaded yet: `await request.session.aload()` first "
                    "(or depend on fastjango.auth.sessions.SessionDep)."
                )
            assert self._cookie_value is not None
            self._apply(self._engine.load_now(self._cookie_value))
            assert self._data is not None
        return self._data

    # ------------------------------------------------------------------ mapping
    def __getitem__(self, key: str) -> Any:
        return self._store[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._store[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._store[key]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._store))

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, key: object) -> bool:
        return key in self._store

    def clear(self) -> None:
        store = self._store
        if store:
            store.clear()
            self.modified = True

    def __repr__(self) -> str:
        # Keys only: values may be credentials.
        state = sorted(self._data) if self._data is not None else "not loaded"
        return f"<Session {state}>"

    # ------------------------------------------------------------------ keys
    @property
    def session_key(self) -> str | None:
        """The server-side key (``None`` for a new session, and always for signed-cookie sessions)."""
        _ = self._store
        return self._key

    @property
    def is_empty(self) -> bool:
        """No data: such a session is never stored, and its cookie is deleted."""
        if self._data is None and self._cookie_value is None:
            return True
        return not self._store

    async def cycle_key(self) -> None:
        """Keep the data under a new key and forget the old one: call it on login, against session fixation."""
        await self.aload()
        old_key, self._key = self._key, None
        if old_key is not None:
            await self._engine.delete(old_key)
        self.modified = True

    async def flush(self) -> None:
        """Delete the data and the key (logout): a copy of the old cookie finds nothing afterwards."""
        await self.aload()
        old_key, self._key = self._key, None
        self._data = {}
        if old_key is not None:
            await self._engine.delete(old_key)
        self.modified = True

    # ------------------------------------------------------------------ expiry
    def set_expiry(self, value: int | timedelta | None) -> None:
        """Expire this session after ``value`` seconds of inactivity; 0: when the browser closes; None: the default."""
        if value is None:
            if SESSION_EXPIRY_KEY in self._store:
                del self[SESSION_EXPIRY_KEY]
            return
        seconds = int(value.total_seconds()) if isinstance(value, timedelta) else int(value)
        if seconds < 0:
            raise ValueError("set_expiry() takes a number of seconds >= 0 (0: when the browser closes).")
        self[SESSION_EXPIRY_KEY] = seconds

    def get_expiry_age(self) -> int:
        """Seconds this session lives from its last save (SESSION_COOKIE_AGE unless set_expiry() said otherwise)."""
        custom = self._store.get(SESSION_EXPIRY_KEY)
        if isinstance(custom, int) and not isinstance(custom, bool) and custom > 0:
            return custom
        return self._engine.default_age

    def get_expire_at_browser_close(self) -> bool:
        """Whether the cookie is sent without Max-Age (SESSION_EXPIRE_AT_BROWSER_CLOSE, or set_expiry(0))."""
        custom = self._store.get(SESSION_EXPIRY_KEY)
        if custom is None:
            return self._expire_at_browser_close
        return bool(custom == 0)

    # ------------------------------------------------------------------ saving (the middleware's side)
    async def save(self) -> str:
        """Store the session now; return the cookie value. Raises ``SessionInterrupted`` if it was deleted meanwhile."""
        key, value = await self._engine.save(self._key, dict(self._store), self.get_expiry_age())
        self._key = key
        self.modified = False
        return value

    async def discard(self) -> None:
        """Forget an emptied session's stored copy (an emptied session must not come back with its old cookie)."""
        if self._key is not None:
            await self._engine.delete(self._key)
            self._key = None
