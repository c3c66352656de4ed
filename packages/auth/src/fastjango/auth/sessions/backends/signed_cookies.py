"""The ``signed_cookies`` engine: the session's data travels in the cookie, signed with SECRET_KEY.

Nothing is stored on the server, so nothing can be revoked there: a cookie
copied before a logout stays valid until it expires (SESSION_COOKIE_AGE).
The signature (HMAC-SHA256 by itsdangerous) stops clients from changing the
data, not from reading it: keep secrets out of such sessions.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from fastjango.auth.sessions import clock
from fastjango.auth.sessions.backends.base import LoadedSession, SessionEngine
from fastjango.auth.sessions.serializers import dumps, loads
from fastjango.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["SALT", "SignedCookieEngine"]

SALT = "fastjango.auth.sessions.signed_cookies"
#: Incoming cookies longer than this are not even verified: no browser stores one, so it is forged.
_MAX_INCOMING = 4096


class _ClockSigner(TimestampSigner):
    """Timestamps from the sessions' clock, so expiry is testable without sleeping."""

    def get_timestamp(self) -> int:
        return int(clock.now())


class _Json:
    """The serializer protocol itsdangerous expects, on pydantic-core's JSON."""

    @staticmethod
    def dumps(obj: Any) -> str:
        if isinstance(obj, dict):
            return dumps(obj).decode("utf-8")
        return "{}"

    @staticmethod
    def loads(raw: str | bytes) -> Any:
        return loads(raw)


class SignedCookieEngine(SessionEngine):
    """Session data in the cookie itself, signed and timestamped; compressed when that makes it shorter."""

    loads_without_io = True

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        secret: str = settings.SECRET_KEY
        if not secret:
            raise ImproperlyConfigured(
                "SESSION_ENGINE = 'signed_cookies' signs session cookies with SECRET_KEY, which is empty; set it."
            )
        self.serializer = URLSafeTimedSerializer(
            secret,
            salt=SALT,
            serializer=_Json,
            signer=_ClockSigner,
            signer_kwargs={"digest_method": hashlib.sha256},
        )

    def load_now(self, cookie_value: str) -> LoadedSession | None:
        if len(cookie_value) > _MAX_INCOMING:
            return None
        try:
            data, signed_at = self.serializer.loads(cookie_value, max_age=self.default_age, return_timestamp=True)
        except BadData:  # tampered, expired, truncated, not ours: all the same to the client
            return None
        if not isinstance(data, dict):
            return None
        custom_age = data.get("_session_expiry")
        if isinstance(custom_age, int) and custom_age > 0 and clock.now() - signed_at.timestamp() > custom_age:
            return None
        return LoadedSession(None, data)

    async def load(self, cookie_value: str) -> LoadedSession | None:
        return self.load_now(cookie_value)

    async def save(self, key: str | None, data: dict[str, Any], age: int) -> tuple[str | None, str]:
        value: str = self.serializer.dumps(data)
        return None, value

    async def delete(self, key: str) -> None:
        """Nothing is stored server-side; the middleware deletes the cookie."""
