"""The social login endpoints, included by ``fastjango.auth.urls`` (or on their own).

``social_login`` (``oauth/<provider>/login/?next=/somewhere/``) sends the
browser to the provider; the provider sends it back to ``social_callback``
(``oauth/<provider>/callback/``), the redirect URI to register there.
"""

from __future__ import annotations

from typing import Any

from fastjango.auth.social.views import social_callback, social_login
from fastjango.auth.views.schemas import SOCIAL_ERRORS, responses
from fastjango.core.urls import path

__all__ = ["urlpatterns"]

# Browser redirects, not API operations: left out of the OpenAPI schema (a client cannot follow them; a fuzzer
# would only reach the provider's servers). Their answers are described all the same, for projects that list them.
urlpatterns: list[Any] = [
    path(
        "oauth/<str:provider>/login/",
        social_login,
        name="social_login",
        include_in_schema=False,
        summary="Log in with a provider",
        responses=responses(302, 404, 502, errors=SOCIAL_ERRORS),
    ),
    path(
        "oauth/<str:provider>/callback/",
        social_callback,
        name="social_callback",
        include_in_schema=False,
        summary="The provider's redirect back",
        responses=responses(302, 400, 403, 404, 409, 502, errors=SOCIAL_ERRORS),
    ),
]
