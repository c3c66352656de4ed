"""fastjango-auth: accounts and access control, as ``django.contrib.auth`` (sync and async).

.. code-block:: python

    from fastjango.auth import aauthenticate, alogin, alogout, get_user_model

    user = await aauthenticate(request, username="ann", password=secret)
    if user is not None:
        await alogin(request, user)   # a new session key, the user remembered in it

See docs/auth.md.
"""

from __future__ import annotations

from fastjango.auth.__about__ import __version__
from fastjango.auth._login import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    aauthenticate,
    aget_user,
    alogin,
    alogout,
    aupdate_session_auth_hash,
    authenticate,
    get_user,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)

__all__ = [
    "BACKEND_SESSION_KEY",
    "HASH_SESSION_KEY",
    "SESSION_KEY",
    "__version__",
    "aauthenticate",
    "aget_user",
    "alogin",
    "alogout",
    "aupdate_session_auth_hash",
    "authenticate",
    "get_user",
    "get_user_model",
    "login",
    "logout",
    "update_session_auth_hash",
]
