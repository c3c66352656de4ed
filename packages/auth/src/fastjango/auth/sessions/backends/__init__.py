"""Session engines: where session data lives (a signed cookie, a database table, Redis)."""

from fastjango.auth.sessions.backends.base import LoadedSession, SessionEngine, SessionInterrupted, load_engine

__all__ = ["LoadedSession", "SessionEngine", "SessionInterrupted", "load_engine"]
