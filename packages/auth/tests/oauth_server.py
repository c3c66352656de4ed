"""A real OAuth2 / OpenID Connect authorization server for the social login tests.

Built with authlib's server side (``AuthorizationServer``,
``AuthorizationCodeGrant`` with PKCE's ``CodeChallenge`` and OpenID
Connect's ``OpenIDCode``), served by uvicorn on 127.0.0.1 in a background
thread, so the app under test talks to it over TCP exactly as to Google.
It signs id_tokens with an RSA key made when it starts and publishes it as
JWKS. GitHub's shape is served under ``/github/`` (an OAuth2 server that is not
OpenID Connect: the user comes from ``/github/api/user`` and
``/github/api/user/emails``).

Test hooks: the browser chooses who approves with ``?test_user=<name>`` on
the authorize URL (absent: the user denies, ``error=access_denied``);
``id_token_overrides`` replaces claims of the id_tokens issued next;
``signing_key`` signs them with another key; ``email_in_id_token = False``
leaves the e-mail to the userinfo endpoint;
``authorize_requests`` and ``token_requests`` record what clients sent.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from authlib.oauth2 import OAuth2Error  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant  # type: ignore[import-untyped]
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import CodeChallenge  # type: ignore[import-untyped]
from authlib.oidc.core import UserInfo  # type: ignore[import-untyped]
from authlib.oidc.core.grants import OpenIDCode  # type: ignore[import-untyped]
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["OAuthTestServer", "ProviderUser"]

OIDC_CLIENT_ID = "fastjango-oidc"
GITHUB_CLIENT_ID = "fastjango-github"
CLIENT_SECRET = "test-client-secret-" + "s" * 20


@dataclass
class ProviderUser:
    """Someone with an account at the provider."""

    sub: str
    email: str = ""
    email_verified: bool = True
    name: str = ""
    login: str = ""
    # GitHub's /user/emails list; made from email/email_verified when not given.
    github_emails: list[dict[str, Any]] | None = None


@dataclass
class Client:
    client_id: str
    client_secret: str
    auth_method: str
    redirect_prefix: str = "http://testserver/"

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri.startswith(self.redirect_prefix)

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: ProviderUser
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    issued: float = field(default_factory=time.time)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.issued)

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):  # type: ignore[misc]
    """An OAuth2Request from a Starlette request whose form was already read (authlib's server is sync)."""

    def __init__(self, method: str, uri: str, headers: Any, query: dict[str, str], form: dict[str, str]) -> None:
        super().__init__(method, uri, headers=headers)
        self._query = query
        self._form = form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, owner: OAuthTestServer) -> None:
        super().__init__(scopes_supported=None)
        self.owner = owner

    def query_client(self, client_id: str) -> Client | None:
        return self.owner.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        self.owner.tokens[token["access_token"]] = (request.user, token.get("scope", ""))

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        assert isinstance(request, OAuth2Request)
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        headers = dict(headers or [])
        if isinstance(body, dict):
            headers.pop("Content-Type", None)
            return JSONResponse(body, status_code=status, headers=headers)
        return Response(body or "", status_code=status, headers=headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    @property
    def owner(self) -> OAuthTestServer:
        return self.server.owner  # type: ignore[no-any-return]

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        self.owner.codes[code] = Code(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=data.get("redirect_uri", ""),
            scope=request.scope or "",
            user=request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        item = self.owner.codes.get(code)
        if item is None or item.client_id != client.client_id or time.time() - item.issued > 300:
            return None
        return item

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.owner.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> ProviderUser:
        return authorization_code.user


class _IdTokens(OpenIDCode):  # type: ignore[misc]
    def __init__(self, owner: OAuthTestServer) -> None:
        super().__init__(require_nonce=True)
        self.owner = owner

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return any(code.nonce == nonce for code in self.owner.codes.values())

    def resolve_client_private_key(self, client: Client) -> Any:
        return self.owner.signing_key or self.owner.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.owner.key.kid or ""}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self.owner.url, "aud": [client.client_id]}

    def generate_user_info(self, user: ProviderUser, scope: str) -> UserInfo:
        info = UserInfo(sub=user.sub, name=user.name)
        if "email" in scope.split() and self.owner.email_in_id_token:
            info["email"] = user.email
            info["email_verified"] = user.email_verified
        info.update(self.owner.id_token_overrides)
        return info


class OAuthTestServer:
    """The server, its clients and users, and the hooks the tests steer it with."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-" + secrets.token_hex(4)}, private=True)
        self.clients = {
            OIDC_CLIENT_ID: Client(OIDC_CLIENT_ID, CLIENT_SECRET, "client_secret_basic"),
            GITHUB_CLIENT_ID: Client(GITHUB_CLIENT_ID, CLIENT_SECRET, "client_secret_post"),
        }
        self.users: dict[str, ProviderUser] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, tuple[ProviderUser, str]] = {}
        self.id_token_overrides: dict[str, Any] = {}
        self.email_in_id_token = True
        #: Sign id_tokens with this key instead (a forger's key under the published kid).
        self.signing_key: RSAKey | None = None
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.url = ""
        self.server = _Server(self)
        self.server.register_token_generator("default", self._bearer_token)
        self.server.register_grant(_CodeGrant, [CodeChallenge(required=True), _IdTokens(self)])
        self._uvicorn: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> OAuthTestServer:
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self._uvicorn = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._uvicorn.run, name="oauth-test-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._uvicorn.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("The OAuth test server did not start.")
            time.sleep(0.01)
        port = self._uvicorn.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._uvicorn is not None and self._thread is not None:
            self._uvicorn.should_exit = True
            self._thread.join(timeout=10)

    def reset(self) -> None:
        """Forget what one test did (users, codes, tokens, overrides)."""
        self.users.clear()
        self.codes.clear()
        self.tokens.clear()
        self.id_token_overrides = {}
        self.email_in_id_token = True
        self.signing_key = None
        self.authorize_requests.clear()
        self.token_requests.clear()

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    # -- tokens ------------------------------------------------------------------
    def _bearer_token(
        self,
        grant_type: str,
        client: Client,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(24),
            "expires_in": expires_in or 3600,
            "scope": scope or "",
        }

    def _bearer_user(self, request: Request) -> ProviderUser | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        found = self.tokens.get(token) if scheme.lower() == "bearer" else None
        return found[0] if found else None

    # -- the ASGI app ---------------------------------------------------------------
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/userinfo", self.userinfo),
                Route("/github/login/oauth/authorize", self.authorize),
                Route("/github/login/oauth/access_token", self.token, methods=["POST"]),
                Route("/github/api/user", self.github_user),
                Route("/github/api/user/emails", self.github_emails),
            ]
        )

    async def _oauth_request(self, request: Request) -> _Request:
        form = {k: str(v) for k, v in (await request.form()).items()} if request.method == "POST" else {}
        return _Request(request.method, str(request.url), request.headers, dict(request.query_params), form)

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request) -> Response:
        self.authorize_requests.append(dict(request.query_params))
        oauth_request = await self._oauth_request(request)
        user = self.users.get(request.query_params.get("test_user", ""))
        try:
            grant = self.server.get_consent_grant(oauth_request, end_user=user)
        except OAuth2Error as error:
            return JSONResponse(dict(error.get_body()), status_code=400)
        response: Response = self.server.create_authorization_response(oauth_request, grant_user=user, grant=grant)
        return response

    async def token(self, request: Request) -> Response:
        oauth_request = await self._oauth_request(request)
        self.token_requests.append({k: v for k, v in oauth_request.form.items() if k != "client_secret"})
        response: Response = self.server.create_token_response(oauth_request)
        return response

    async def userinfo(self, request: Request) -> Response:
        user = self._bearer_user(request)
        if user is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(
            {"sub": user.sub, "name": user.name, "email": user.email, "email_verified": user.email_verified}
        )

    async def github_user(self, request: Request) -> Response:
        user = self._bearer_user(request)
        if user is None:
            return JSONResponse({"message": "Requires authentication"}, status_code=401)
        return JSONResponse(
            {"id": int(user.sub), "login": user.login, "name": user.name or None, "email": None, "type": "User"}
        )

    async def github_emails(self, request: Request) -> Response:
        user = self._bearer_user(request)
        if user is None:
            return JSONResponse({"message": "Requires authentication"}, status_code=401)
        emails = user.github_emails
        if emails is None:
            emails = [{"email": user.email, "primary": True, "verified": user.email_verified, "visibility": None}]
        return JSONResponse(emails)
