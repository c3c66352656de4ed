"""The table of the ``db`` session engine (app label ``sessions``)."""

from __future__ import annotations

from fastjango.orm import Model, fields

__all__ = ["Session"]


class Session(Model):
    """One server-side session: its random key, its JSON data and when it stops being valid.

    Expired rows are never returned by the engine; ``manage.py clearsessions``
    deletes them (the index on ``expire_date`` keeps that cheap).
    """

    session_key = fields.CharField(max_length=40, primary_key=True)
    session_data = fields.TextField()
    expire_date = fields.DateTimeField(db_index=True)

    class Meta:
        app_label = "sessions"
        verbose_name = "session"

    def __str__(self) -> str:
        # Never the full key: it is a credential.
        return f"Session {self.session_key[:6]}…"
