"""Log in with another site's account (app label ``social``): OAuth2 and OpenID Connect providers.

Configure ``SOCIAL_AUTH_PROVIDERS``, include ``fastjango.auth.urls`` (or
``fastjango.auth.social.urls``) and send users to
``reverse("auth:social_login", kwargs={"provider": "google"})``. See
docs/auth/social.md for the flow, the linking rules and what protects them.
"""

from __future__ import annotations

__all__: list[str] = []
