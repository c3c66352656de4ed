"""E-mail backends: ``EMAIL_BACKEND`` names one ('smtp', 'console', 'locmem', 'file' or a dotted path)."""

from __future__ import annotations

from fastjango.auth.mail.backends.base import BaseEmailBackend, get_backend

__all__ = ["BaseEmailBackend", "get_backend"]
