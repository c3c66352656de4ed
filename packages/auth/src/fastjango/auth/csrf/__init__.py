"""CSRF protection for cookie-authenticated requests (Django's model, for ASGI).

A per-session secret, masked tokens (a new string for every page, so
BREACH-safe), read from the ``X-CSRFToken`` header or the
``csrfmiddlewaretoken`` form field, plus Origin/Referer checks. Requests that
do not carry the browser's cookies, or carry an ``Authorization`` header,
are exempt by design. See docs/auth/sessions-and-csrf.md.
"""

from __future__ import annotations

from fastjango.auth.csrf.api import (
    CsrfTokenDep,
    aget_token,
    arotate_token,
    csrf_token,
    csrf_token_view,
    get_token,
    rotate_token,
)
from fastjango.auth.csrf.exempt import csrf_exempt
from fastjango.auth.csrf.middleware import CsrfMiddleware
from fastjango.auth.csrf.settings import CsrfSettings

__all__ = [
    "CsrfMiddleware",
    "CsrfSettings",
    "CsrfTokenDep",
    "aget_token",
    "arotate_token",
    "csrf_exempt",
    "csrf_token",
    "csrf_token_view",
    "get_token",
    "rotate_token",
]
