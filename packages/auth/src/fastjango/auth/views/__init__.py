"""The account endpoints mounted by ``include("fastjango.auth.urls")``: login, logout, password change and reset.

Each accepts a JSON object (single-page apps, API clients) or an HTML form; forms are answered
with a 303 redirect (to a safe ``next``), JSON with JSON. Errors are 400 ``{"detail", "code",
"errors"}``; too many failed passwords 429 with ``Retry-After``.
"""

from __future__ import annotations

from fastjango.auth.views.login import login_page_view, login_view, logout_view
from fastjango.auth.views.password import (
    password_change_view,
    password_reset_check_view,
    password_reset_confirm_view,
    password_reset_view,
)

__all__ = [
    "login_page_view",
    "login_view",
    "logout_view",
    "password_change_view",
    "password_reset_check_view",
    "password_reset_confirm_view",
    "password_reset_view",
]
