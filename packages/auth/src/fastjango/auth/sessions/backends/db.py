"""The ``db`` engine: sessions in the ``sessions_session`` table, through the async ORM.

The cookie holds only a random key. Logging out deletes the row, so a copied
cookie is worthless afterwards; expired rows are never returned (and
``clearsessions`` removes them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fastjango.auth.sessions.backends.base import (
    LoadedSession,
    SessionEngine,
    SessionInterrupted,
    new_session_key,
    valid_session_key,
)
from fastjango.auth.sessions.clock import now_datetime
from fastjango.auth.sessions.serializers import SessionDataError, dumps, loads

if TYPE_CHECKING:
    from fastjango.auth.sessions.models import Session as SessionRow

__all__ = ["DatabaseEngine"]

_CREATE_ATTEMPTS = 8


def _model() -> type[SessionRow]:
    # Imported when first used: the model module needs the app registry ready.
    from fastjango.auth.sessions.models import Session as SessionRow

    return SessionRow


class DatabaseEngine(SessionEngine):
    """Server-side sessions in the database."""

    async def load(self, cookie_value: str) -> LoadedSession | None:
        if not valid_session_key(cookie_value):
            return None  # not a key we could have made: no query
        row = await _model().objects.filter(session_key=cookie_value, expire_date__gt=now_datetime()).afirst()
        if row is None:
            return None
        try:
            return LoadedSession(cookie_value, loads(row.session_data))
        except SessionDataError:
            return None

    async def save(self, key: str | None, data: dict[str, Any], age: int) -> tuple[str | None, str]:
        from fastjango.orm import IntegrityError
        from fastjango.orm.transaction import atomic

        model = _model()
        payload = dumps(data).decode("utf-8")
        expire_date = now_datetime() + timedelta(seconds=age)
        if key is not None:
            updated = await model.objects.filter(session_key=key).aupdate(session_data=payload, expire_date=expire_date)
            if not updated:
                raise SessionInterrupted
            return key, key
        for _ in range(_CREATE_ATTEMPTS):
            key = new_session_key()
            try:
                async with atomic():
                    await model.objects.acreate(session_key=key, session_data=payload, expire_date=expire_date)
            except IntegrityError:  # a key collision: astronomically rare, but never overwrite
                continue
            return key, key
        raise RuntimeError("Could not create a unique session key.")

    async def delete(self, key: str) -> None:
        await _model().objects.filter(session_key=key).adelete()

    def clear_expired(self) -> int:
        deleted, _ = _model().objects.filter(expire_date__lt=now_datetime()).delete()
        return deleted
