"""Token authentication for APIs (app label ``authtokens``): JWT access and refresh tokens, API keys.

- ``tokens.urls``: the OAuth2 token endpoint (password and refresh grants), JSON refresh, revocation.
- ``tokens.dependencies``: ``TokenUser`` / ``token_user`` for FastAPI endpoints, and the OpenAPI schemes.
- ``tokens.middleware``: ``TokenAuthenticationMiddleware``, so ``CurrentUser`` accepts tokens too.
- ``tokens.models``: ``RefreshToken`` (rotation, reuse detection) and ``ApiKey`` (``ApiKey.objects.create_key``).
- ``fastjango.auth.rest``: authentication classes for fastjango-rest views.
"""

from __future__ import annotations

__all__: list[str] = []
