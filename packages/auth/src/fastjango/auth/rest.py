"""Authentication classes for fastjango-rest views (import this module only where fastjango-rest is installed).

.. code-block:: python

    class ArticleViewSet(viewsets.ModelViewSet):
        authentication_classes = [JWTAuthentication, APIKeyAuthentication, SessionAuthentication]

or in settings: ``REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES":
["fastjango.auth.rest.JWTAuthentication", ...]}``.

``SessionAuthentication`` needs no CSRF check of its own: the auth plugin's
``CsrfMiddleware`` already refuses unsafe requests that carry the session
cookie without a valid CSRF token, before any view runs. It skips requests
with an ``Authorization`` header other than the browser-managed schemes,
so this class ignores the session of such a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastjango.auth.csrf.middleware import is_token_authorization
from fastjango.auth.tokens.credentials import Credentials, TokenAuth, aauthenticate_credentials, find_credentials
from fastjango.auth.tokens.dependencies import api_key_scheme, oauth2_scheme
from fastjango.auth.tokens.jwt import TokenError
from fastjango.rest.authentication import BaseAuthentication
from fastjango.rest.exceptions import AuthenticationFailed

if TYPE_CHECKING:
    from fastjango.rest.request import Request

__all__ = ["APIKeyAuthentication", "JWTAuthentication", "SessionAuthentication"]


class SessionAuthentication(BaseAuthentication):
    """The user of the session (``scope["user"]``, set by the auth middleware), for the site's own pages."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        authorization = request.headers.get("authorization")
        if authorization and is_token_authorization(authorization.encode("latin-1")):
            return None  # not CSRF-checked: only the token may authenticate this request
        user = request.scope.get("user")
        if (
            user is None
            or not getattr(user, "is_authenticated", False)
            or isinstance(request.scope.get("auth"), TokenAuth)
        ):
            return None
        return user, None


async def _authenticate(request: Request, credentials: Credentials) -> tuple[Any, Any]:
    auth = request.scope.get("auth")
    user = request.scope.get("user")
    if isinstance(auth, TokenAuth) and auth.kind == credentials.kind and getattr(user, "is_authenticated", False):
        return user, auth  # the token middleware already checked it
    refused = request.scope.get("auth_error")
    if refused:  # the token middleware refused these credentials already: the same reason, no second check
        raise AuthenticationFailed(str(refused))
    try:
        return await aauthenticate_credentials(credentials)
    except TokenError as error:
        raise AuthenticationFailed(error.detail) from None


class JWTAuthentication(BaseAuthentication):
    """``Authorization: Bearer <access token>``; ``request.auth`` is a :class:`TokenAuth` with the claims."""

    #: The OAuth2 password flow in the OpenAPI document: Swagger UI's Authorize button gets a token and sends it.
    openapi_security = oauth2_scheme

    async def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        credentials = find_credentials(request.headers)
        if credentials is None or credentials.kind != "jwt":
            return None
        return await _authenticate(request, credentials)

    def authenticate_header(self, request: Request) -> str | None:
        return 'Bearer realm="api"'


class APIKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key fj_...`` or ``X-API-Key: fj_...``; ``request.auth.api_key`` is the key's row."""

    openapi_security = api_key_scheme

    async def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        credentials = find_credentials(request.headers)
        if credentials is None or credentials.kind != "api_key":
            return None
        return await _authenticate(request, credentials)

    def authenticate_header(self, request: Request) -> str | None:
        return 'Api-Key realm="api"'
