"""FastAPI dependencies for token-authenticated endpoints.

.. code-block:: python

    @app.get("/api/me")
    async def me(user: TokenUser): ...      # Bearer JWT or API key; 401 naming the problem otherwise

``oauth2_scheme`` puts an OAuth2 password-flow security scheme in the
OpenAPI document (its token URL is the ``token`` endpoint), so Swagger UI's
"Authorize" button logs in and sends the Bearer token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.openapi.models import APIKey as APIKeyModel
from fastapi.openapi.models import APIKeyIn, OAuth2, OAuthFlowPassword, OAuthFlows
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from starlette.requests import HTTPConnection

from fastjango.auth.tokens.credentials import TokenAuth, aauthenticate_credentials, find_credentials
from fastjango.auth.tokens.jwt import TokenError

__all__ = ["TokenUser", "api_key_scheme", "oauth2_scheme", "token_url", "token_user"]


def token_url() -> str:
    """The token endpoint's path: ``TOKEN_URL``, else the route named ``auth:token`` (or ``token``)."""
    from fastjango.core.project import get_project
    from fastjango.core.urls import NoReverseMatch, reverse

    configured = get_project().settings.TOKEN_URL
    if configured:
        return str(configured)
    for name in ("auth:token", "token"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/token/"


class _PasswordBearer(OAuth2PasswordBearer):
    """``OAuth2PasswordBearer`` whose token URL is looked up when the OpenAPI document is built, not at import."""

    def __init__(self, *, scheme_name: str, description: str) -> None:
        self._description = description
        super().__init__(tokenUrl="/token/", scheme_name=scheme_name, description=description, auto_error=False)

    @property  # type: ignore[override]
    def model(self) -> OAuth2:
        password = OAuthFlowPassword(tokenUrl=token_url(), scopes={})
        return OAuth2(flows=OAuthFlows(password=password), description=self._description)

    @model.setter
    def model(self, value: Any) -> None:  # set by the base class's __init__; the property wins
        pass


class _ApiKeyHeader(APIKeyHeader):
    """``APIKeyHeader`` naming the ``API_KEY_HEADER`` setting's header in the OpenAPI document."""

    def __init__(self, *, scheme_name: str, description: str) -> None:
        self._description = description
        super().__init__(name="X-API-Key", scheme_name=scheme_name, description=description, auto_error=False)

    @property  # type: ignore[override]
    def model(self) -> APIKeyModel:
        from fastjango.core.project import get_project

        name = str(get_project().settings.API_KEY_HEADER)
        return APIKeyModel.model_validate({"in": APIKeyIn.header, "name": name, "description": self._description})

    @model.setter
    def model(self, value: Any) -> None:
        pass

    async def __call__(self, request: HTTPConnection) -> str | None:
        # The header itself, without building the OpenAPI model on every request as the base class would.
        from fastjango.core.project import get_project

        return request.headers.get(str(get_project().settings.API_KEY_HEADER))


oauth2_scheme = _PasswordBearer(
    scheme_name="OAuth2PasswordBearer",
    description="A JWT access token from the token endpoint (password or refresh_token grant).",
)
api_key_scheme = _ApiKeyHeader(scheme_name="APIKeyHeader", description="An API key (fj_...).")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


async def token_user(
    request: Request,
    _bearer: Annotated[str | None, Depends(oauth2_scheme)],
    _api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Any:
    """The user of the request's Bearer JWT or API key; 401 (``WWW-Authenticate: Bearer``) without a valid one.

    The user and the token (:class:`TokenAuth`) also go to ``scope["user"]`` and
    ``scope["auth"]``, for ``permission_required`` and the REST layer.
    """
    auth = request.scope.get("auth")
    user = request.scope.get("user")
    if isinstance(auth, TokenAuth) and getattr(user, "is_authenticated", False):
        return user  # the token middleware already checked it
    refused = request.scope.get("auth_error")
    if refused:  # the token middleware refused it already: no second decoding, same reason
        raise _unauthorized(str(refused))
    credentials = find_credentials(request.headers)
    if credentials is None:
        raise HTTPException(
            status_code=401,
            detail="Authentication credentials were not provided.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        user, auth = await aauthenticate_credentials(credentials)
    except TokenError as error:
        raise _unauthorized(error.detail) from None
    request.scope["user"] = user
    request.scope["auth"] = auth
    return user


TokenUser = Annotated[Any, Depends(token_user)]
"""``user: TokenUser``: the user of a valid Bearer JWT or API key (401 otherwise)."""
