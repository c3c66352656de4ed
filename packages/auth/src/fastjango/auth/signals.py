"""``from fastjango.auth.signals import user_logged_in``, where Django users look for them.

The signals belong to fastjango-signals (``fastjango.signals.auth``), which
sends them from auth's hooks; this module only re-exports them, and says what
to install when that package is missing.
"""

from __future__ import annotations

try:
    from fastjango.signals.auth import user_logged_in, user_logged_out, user_login_failed
except ImportError as error:  # pragma: no cover - depends on what is installed
    raise ImportError(
        "The login signals come with fastjango-signals: pip install fastjango-signals and add "
        '"signals" to INSTALLED_PLUGINS (or implement the fastjango_auth_* hooks in a plugin).'
    ) from error

__all__ = ["user_logged_in", "user_logged_out", "user_login_failed"]
