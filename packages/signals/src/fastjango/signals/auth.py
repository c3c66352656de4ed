"""The login signals (Django's ``django.contrib.auth.signals``), sent from fastjango-auth's hooks.

Sent only when both the ``auth`` and ``signals`` plugins are active. The
sender is the user's class (``user_login_failed``: ``None``, nobody was found).
From ``alogin()``/``alogout()``/``aauthenticate()`` they go out with
``asend``, so async receivers are awaited; the sync forms use ``send``.
"""

from __future__ import annotations

from fastjango.signals.dispatcher import Signal

__all__ = ["user_logged_in", "user_logged_out", "user_login_failed"]

#: sender=the user's class; request, user. The session already holds the user.
user_logged_in = Signal("user_logged_in")
#: sender=the user's class (None when nobody was logged in); request, user. Sent before the session is flushed.
user_logged_out = Signal("user_logged_out")
#: sender=None; credentials (secrets masked), request.
user_login_failed = Signal("user_login_failed")
