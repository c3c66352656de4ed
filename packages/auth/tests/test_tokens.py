"""JWT access and refresh tokens through real HTTP: the OAuth2 token endpoint, rotation, revocation, attacks."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import warnings
from typing import Any

import pytest
from authlib.deprecate import AuthlibDeprecationWarning  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from fastapi import Depends, Request
from pydantic import ValidationError

from fastjango.auth import alogin
from fastjango.auth.dependencies import CurrentUser, permission_required
from fastjango.auth.models import User
from fastjango.auth.ratelimit import LoginRateLimited
from fastjango.auth.tokens.dependencies import TokenUser, token_user
from fastjango.auth.tokens.jwt import encode_token
from fastjango.auth.tokens.models import RefreshToken
from fastjango.auth.tokens.settings import TokenSettings
from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE
from fastjango.core.urls import include, path

with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, JsonWebToken  # type: ignore[import-untyped]


@pytest.fixture(autouse=True)
def _database(request: pytest.FixtureRequest) -> None:
    """Each database test in a rolled-back transaction, unless it needs real commits (``transactional_db``)."""
    if "backend" in request.fixturenames and "transactional_db" not in request.fixturenames:
        request.getfixturevalue("db")


async def me_view(user: TokenUser) -> dict[str, Any]:
    return {"username": user.username}


async def current_view(user: CurrentUser) -> dict[str, Any]:
    return {"username": user.username}


async def session_login_view(request: Request) -> dict[str, bool]:
    await alogin(request, await User.objects.aget(username="ann"), backend="fastjango.auth.backends.ModelBackend")
    return {"ok": True}


async def staff_view() -> dict[str, bool]:
    return {"ok": True}


urlpatterns = [
    path("auth/", include("fastjango.auth.tokens.urls")),
    path("me/", me_view),
    path("current/", current_view),
    path("session-login/", session_login_view, methods=["POST"]),
    path(
        "staff/",
        staff_view,
        dependencies=[Depends(token_user), Depends(permission_required("auth_app.change_article"))],
    ),
]

PASSWORD = "s3cret-horse-battery"


class LockedOutBackend:
    """An authentication backend that refuses as the login rate limiter does."""

    async def aauthenticate(self, request: Any, username: str | None = None, password: str | None = None) -> Any:
        raise LoginRateLimited(42.5)


# --------------------------------------------------------------------------- helpers
async def _user(name: str = "ann", **extra: Any) -> Any:
    return await User.objects.acreate_user(name, f"{name}@example.com", PASSWORD, **extra)


async def _login(client: Any, name: str = "ann", password: str = PASSWORD) -> Any:
    return await client.post("/auth/token/", data={"grant_type": "password", "username": name, "password": password})


async def _tokens(client: Any, name: str = "ann") -> dict[str, Any]:
    response = await _login(client, name)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _me(client: Any, token: str) -> Any:
    return await client.get("/me/", headers=_bearer(token))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value).encode())


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    result: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return result


def _signed(claims: dict[str, Any]) -> str:
    """A token signed with the project's real key: only its claims are wrong."""
    return encode_token(claims)


def _pem_private(key: Any) -> str:
    return str(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    )


def _pem_public(key: Any) -> str:
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return str(public.decode())


async def _refused(client: Any, token: str, detail: str) -> None:
    response = await _me(client, token)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert detail in response.json()["detail"]


# --------------------------------------------------------------------------- the token endpoint
async def test_password_grant_gives_a_working_bearer_token(async_client: Any, backend: str) -> None:
    await _user()
    response = await _login(async_client)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300  # five minutes by default
    assert (await _me(async_client, body["access_token"])).json() == {"username": "ann"}
    claims = _claims(body["access_token"])
    assert claims["iss"] == "fastjango" and claims["aud"] == "fastjango" and claims["token_type"] == "access"
    assert claims["exp"] - claims["iat"] == 300
    assert _claims(body["refresh_token"])["exp"] - claims["iat"] in range(86400 - 2, 86400 + 2)


async def test_openapi_has_the_password_flow_for_swagger_ui(async_client: Any, backend: str) -> None:
    schema = (await async_client.get("/openapi.json")).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == "/auth/token/"
    assert schemes["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "An API key (fj_...).",
    }
    assert {"OAuth2PasswordBearer": []} in schema["paths"]["/me/"]["get"]["security"]


async def test_token_endpoint_errors_follow_rfc_6749(async_client: Any, backend: str) -> None:
    await _user()
    await _user("gone", is_active=False)
    wrong = await _login(async_client, password="nope")
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert wrong.json()["error_description"] == "Wrong username or password."
    inactive = await _login(async_client, "gone")
    assert (inactive.status_code, inactive.json()["error"]) == (400, "invalid_grant")
    missing = await async_client.post("/auth/token/", data={"username": "ann", "password": PASSWORD})
    assert missing.status_code == 400
    assert missing.json() == {
        "error": "invalid_request",
        "error_description": "The 'grant_type' parameter is required.",
    }
    no_password = await async_client.post("/auth/token/", data={"grant_type": "password", "username": "ann"})
    assert no_password.json()["error_description"] == "The 'password' parameter is required."
    unsupported = await async_client.post("/auth/token/", data={"grant_type": "client_credentials"})
    assert (unsupported.status_code, unsupported.json()["error"]) == (400, "unsupported_grant_type")
    as_json = await async_client.post("/auth/token/", json={"grant_type": "password"})
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    assert "application/x-www-form-urlencoded" in as_json.json()["error_description"]


async def test_a_rate_limited_login_is_429_with_retry_after(async_client: Any, backend: str, settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.LockedOutBackend"]
    response = await _login(async_client)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "43"
    assert response.json()["error"] == "rate_limited"


async def test_no_credentials_is_401_with_a_bearer_challenge(async_client: Any, backend: str) -> None:
    response = await async_client.get("/me/")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


async def test_token_users_permissions_are_checked(async_client: Any, backend: str) -> None:
    from fastjango.auth.models import Permission
    from fastjango.auth.permissions import acreate_permissions

    ann = await _user()
    access = (await _tokens(async_client))["access_token"]
    assert (await async_client.get("/staff/", headers=_bearer(access))).status_code == 403
    await acreate_permissions()
    await ann.user_permissions.aadd(await Permission.objects.aget(app_label="auth_app", codename="change_article"))
    assert (await async_client.get("/staff/", headers=_bearer(access))).json() == {"ok": True}
    assert (await async_client.get("/staff/")).status_code == 401


# --------------------------------------------------------------------------- refresh and revocation
async def test_refresh_rotates_and_reuse_revokes_the_whole_family(async_client: Any, backend: str) -> None:
    await _user()
    first = await _tokens(async_client)
    refreshed = await async_client.post(
        "/auth/token/", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _claims(second["access_token"])["sid"] == _claims(first["access_token"])["sid"]
    assert (await _me(async_client, second["access_token"])).status_code == 200
    # The first refresh token again: a thief (or the victim) replays it; the whole login dies.
    reused = await async_client.post(
        "/auth/token/", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert (reused.status_code, reused.json()["error"]) == (400, "invalid_grant")
    assert "already used" in reused.json()["error_description"]
    after = await async_client.post("/auth/token/refresh/", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 400
    assert after.json()["error_description"] == "Refresh token was revoked."
    await _refused(async_client, second["access_token"], "Token was revoked.")
    await _refused(async_client, first["access_token"], "Token was revoked.")
    # Another login of the same user is untouched.
    other = await _tokens(async_client)
    assert (await _me(async_client, other["access_token"])).status_code == 200


async def test_json_refresh_endpoint(async_client: Any, backend: str) -> None:
    await _user()
    pair = await _tokens(async_client)
    response = await async_client.post("/auth/token/refresh/", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 200
    assert (await _me(async_client, response.json()["access_token"])).status_code == 200
    bad = await async_client.post(
        "/auth/token/refresh/", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert bad.json() == {"error": "invalid_request", "error_description": "The request body is not valid JSON."}
    missing = await async_client.post("/auth/token/refresh/", json={})
    assert missing.json()["error_description"] == "The 'refresh_token' parameter is required."


async def test_only_one_of_two_simultaneous_refreshes_wins(async_client: Any, backend: str) -> None:
    await _user()
    pair = await _tokens(async_client)
    form = {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
    responses = await asyncio.gather(*(async_client.post("/auth/token/", data=form) for _ in range(2)))
    assert sorted(response.status_code for response in responses) == [200, 400]
    assert await RefreshToken.objects.filter(used_at__isnull=False).acount() == 1


@pytest.mark.usefixtures("transactional_db")
async def test_racing_refreshes_on_separate_connections_have_one_winner(async_client: Any, backend: str) -> None:
    """Committed data and one connection per request: the conditional UPDATE is what decides."""
    await _user()
    pair = await _tokens(async_client)
    form = {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
    responses = await asyncio.gather(*(async_client.post("/auth/token/", data=form) for _ in range(6)))
    winners = [response for response in responses if response.status_code == 200]
    assert len(winners) == 1
    assert await RefreshToken.objects.filter(used_at__isnull=False).acount() == 1
    # The losers count as reuse: the family is revoked, including the pair the winner just got.
    again = await async_client.post("/auth/token/refresh/", json={"refresh_token": winners[0].json()["refresh_token"]})
    assert again.json()["error_description"] == "Refresh token was revoked."


async def test_revoke_endpoint(async_client: Any, backend: str) -> None:
    await _user()
    unknown = await async_client.post("/auth/token/revoke/", data={"token": "not-a-token"})
    assert (unknown.status_code, unknown.json()) == (200, {})
    missing = await async_client.post("/auth/token/revoke/", data={})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    pair = await _tokens(async_client)
    revoked = await async_client.post("/auth/token/revoke/", json={"token": pair["refresh_token"]})
    assert revoked.status_code == 200
    await _refused(async_client, pair["access_token"], "Token was revoked.")
    refresh = await async_client.post(
        "/auth/token/", data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
    )
    assert refresh.json()["error_description"] == "Refresh token was revoked."
    # An access token revokes its login too (a client that lost its refresh token can still log out).
    other = await _tokens(async_client)
    await async_client.post("/auth/token/revoke/", data={"token": other["access_token"]})
    await _refused(async_client, other["access_token"], "Token was revoked.")


async def test_stateless_access_tokens_when_revocation_checks_are_off(
    async_client: Any, backend: str, settings: Any
) -> None:
    settings.TOKEN_CHECK_REVOCATION = False
    await _user()
    pair = await _tokens(async_client)
    await async_client.post("/auth/token/revoke/", data={"token": pair["refresh_token"]})
    assert (await _me(async_client, pair["access_token"])).status_code == 200  # until it expires


async def test_inactive_user_and_password_change_end_every_token(async_client: Any, backend: str) -> None:
    ann = await _user()
    bob = await _user("bob")
    ann_pair = await _tokens(async_client)
    bob_pair = await _tokens(async_client, "bob")
    ann.is_active = False
    await ann.asave(update_fields=["is_active"])
    await _refused(async_client, ann_pair["access_token"], "The token's user is inactive.")
    refused = await async_client.post("/auth/token/refresh/", json={"refresh_token": ann_pair["refresh_token"]})
    assert refused.json()["error_description"] == "The token's user is inactive."
    bob.set_password("a-brand-new-password")
    await bob.asave(update_fields=["password"])
    await _refused(async_client, bob_pair["access_token"], "The password changed")
    refused = await async_client.post("/auth/token/refresh/", json={"refresh_token": bob_pair["refresh_token"]})
    assert "The password changed" in refused.json()["error_description"]
    relogin = await _login(async_client, "bob", "a-brand-new-password")
    assert (await _me(async_client, relogin.json()["access_token"])).status_code == 200


async def test_expired_refresh_token_is_refused(async_client: Any, backend: str) -> None:
    ann = await _user()
    now = int(time.time())
    token = _signed(
        {
            "token_type": "refresh",
            "sub": str(ann.pk),
            "jti": "x" * 32,
            "sid": "f" * 32,
            "iat": now - 90000,
            "exp": now - 3600,
        }
    )
    response = await async_client.post("/auth/token/refresh/", json={"refresh_token": token})
    assert response.json() == {"error": "invalid_grant", "error_description": "Token expired."}


# --------------------------------------------------------------------------- hostile tokens
async def test_hostile_access_tokens_are_refused(async_client: Any, backend: str) -> None:
    await _user()
    pair = await _tokens(async_client)
    access, refresh = pair["access_token"], pair["refresh_token"]
    claims = _claims(access)
    header_segment, payload_segment, signature = access.split(".")

    # alg "none" with no signature, in every spelling.
    for alg in ("none", "None", "NONE"):
        await _refused(async_client, f"{_segment({'alg': alg, 'typ': 'JWT'})}.{payload_segment}.", f"{alg!r} is not")
    # Tampered payload (a different user) under the original signature.
    forged = _segment({**claims, "sub": "999"})
    await _refused(async_client, f"{header_segment}.{forged}.{signature}", "Token signature is invalid.")
    # A flipped signature byte.
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    await _refused(async_client, f"{header_segment}.{payload_segment}.{flipped}", "Token signature is invalid.")
    # A token carrying its own key (jwk) or where to fetch one (jku, x5u), signed with that key.
    attacker = JsonWebKey.generate_key("RSA", 2048, is_private=True)
    for name, value in (
        ("jwk", attacker.as_dict(is_private=False)),
        ("jku", "https://evil.example/keys.json"),
        ("x5u", "https://evil.example/cert.pem"),
    ):
        header = {"alg": "HS256", name: value}
        token = JsonWebToken(["HS256"]).encode(header, claims, b"attacker-secret-" * 4).decode()
        await _refused(async_client, token, f"Token header parameter {name!r} is not accepted")
    token = JsonWebToken(["RS256"]).encode({"alg": "RS256", "jwk": attacker.as_dict()}, claims, attacker).decode()
    await _refused(async_client, token, "Token algorithm 'RS256' is not accepted")
    # An unknown key id.
    await _refused(async_client, _signed_with_header(claims, {"kid": "other"}), "Token key id 'other' is unknown.")
    # Right key, wrong claims.
    now = int(time.time())
    await _refused(async_client, _signed({**claims, "aud": "another-service"}), "Token audience is not accepted.")
    await _refused(async_client, _signed({**claims, "iss": "https://evil.example"}), "Token issuer is not accepted.")
    await _refused(async_client, _signed({**claims, "exp": now - 60}), "Token expired.")
    await _refused(async_client, _signed({**claims, "nbf": now + 600}), "Token not yet valid.")
    await _refused(async_client, _signed({key: v for key, v in claims.items() if key != "exp"}), "no 'exp' claim")
    # Within the leeway (10 s), a just-expired token still passes: clocks differ a little.
    assert (await _me(async_client, _signed({**claims, "exp": now - 2}))).status_code == 200
    # The refresh token is not an access token, and the access token is not a refresh token.
    await _refused(async_client, refresh, "Wrong token type: expected an access token, got 'refresh'.")
    wrong_type = await async_client.post("/auth/token/refresh/", json={"refresh_token": access})
    assert wrong_type.json()["error_description"] == "Wrong token type: expected an refresh token, got 'access'."
    # Garbage.
    await _refused(async_client, "abc", "Malformed token")
    await _refused(async_client, "a.b.c", "Malformed token")
    await _refused(async_client, "", "no token")


def _signed_with_header(claims: dict[str, Any], extra_header: dict[str, Any]) -> str:
    from fastjango.auth.tokens.jwt import token_keys

    keys = token_keys()
    header = {"alg": keys.algorithm, **extra_header}
    return str(JsonWebToken([keys.algorithm]).encode(header, claims, keys.signing).decode())


async def test_hs_rs_confusion_is_refused(async_client: Any, backend: str, settings: Any) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.TOKEN_ALGORITHM = "RS256"
    settings.TOKEN_SIGNING_KEY = _pem_private(private)
    await _user()
    pair = await _tokens(async_client)
    assert (await _me(async_client, pair["access_token"])).status_code == 200
    claims = _claims(pair["access_token"])
    # HS256 "signed" with the RSA public key (which is public) as the HMAC secret.
    public_pem = _pem_public(private).encode()
    import hashlib
    import hmac

    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT'})}.{_segment(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    await _refused(async_client, f"{signing_input}.{_b64(mac)}", "Token algorithm 'HS256' is not accepted")


@pytest.mark.parametrize("kind", ["ES256", "EdDSA"])
async def test_other_asymmetric_algorithms(async_client: Any, backend: str, settings: Any, kind: str) -> None:
    private: Any = ec.generate_private_key(ec.SECP256R1()) if kind == "ES256" else ed25519.Ed25519PrivateKey.generate()
    settings.TOKEN_ALGORITHM = kind
    settings.TOKEN_SIGNING_KEY = _pem_private(private)
    settings.TOKEN_KEY_ID = "2026-11"
    await _user()
    pair = await _tokens(async_client)
    header = json.loads(base64.urlsafe_b64decode(pair["access_token"].split(".")[0] + "=="))
    assert header == {"alg": kind, "typ": "JWT", "kid": "2026-11"}
    assert (await _me(async_client, pair["access_token"])).status_code == 200
    refreshed = await async_client.post("/auth/token/refresh/", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200


# --------------------------------------------------------------------------- settings
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"TOKEN_ALGORITHM": "none"}, "TOKEN_ALGORITHM 'none' is not one of HS256"),
        ({"TOKEN_ALGORITHM": "RS256"}, "TOKEN_ALGORITHM RS256 needs TOKEN_SIGNING_KEY"),
        ({"TOKEN_ALGORITHM": "RS256", "TOKEN_SIGNING_KEY": "not a pem"}, "TOKEN_SIGNING_KEY is not an unencrypted PEM"),
        (
            {"TOKEN_ALGORITHM": "ES256", "TOKEN_VERIFYING_KEY": "-----BEGIN PUBLIC KEY-----\nxx"},
            "TOKEN_VERIFYING_KEY is not",
        ),
        ({"TOKEN_SIGNING_KEY": "short"}, "TOKEN_SIGNING_KEY for HS256 must be a random secret of at least 32"),
        ({"ACCESS_TOKEN_LIFETIME": 0}, "token lifetimes must be positive"),
        ({"TOKEN_LEEWAY": 3600}, "TOKEN_LEEWAY must be between 0 and 5 minutes"),
    ],
)
def test_bad_token_settings_are_named(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TokenSettings.model_validate(values)


def test_a_key_of_the_wrong_kind_is_named() -> None:
    ec_key = _pem_private(ec.generate_private_key(ec.SECP384R1()))
    with pytest.raises(ValidationError, match=r"TOKEN_SIGNING_KEY holds a EC \(secp384r1\) key, but TOKEN_ALGORITHM"):
        TokenSettings.model_validate({"TOKEN_ALGORITHM": "ES256", "TOKEN_SIGNING_KEY": ec_key})
    small = _pem_private(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    with pytest.raises(ValidationError, match="1024-bit RSA key; use at least 2048 bits"):
        TokenSettings.model_validate({"TOKEN_ALGORITHM": "RS256", "TOKEN_SIGNING_KEY": small})
    one, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ValidationError, match="TOKEN_VERIFYING_KEY is not the public half of TOKEN_SIGNING_KEY"):
        TokenSettings.model_validate(
            {
                "TOKEN_ALGORITHM": "ES256",
                "TOKEN_SIGNING_KEY": _pem_private(one),
                "TOKEN_VERIFYING_KEY": _pem_public(other),
            }
        )
    with pytest.raises(ValidationError, match="REFRESH_TOKEN_LIFETIME must be at least ACCESS_TOKEN_LIFETIME"):
        TokenSettings.model_validate({"ACCESS_TOKEN_LIFETIME": 3600, "REFRESH_TOKEN_LIFETIME": 60})


def test_an_empty_secret_key_cannot_sign_hs256_tokens() -> None:
    from fastjango.core.exceptions import ImproperlyConfigured
    from fastjango.core.project import Project

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY, which is empty: anyone could sign tokens"):
        Project(
            {
                "INSTALLED_PLUGINS": ["orm", "auth"],
                "DATABASES": {"default": {"URL": "sqlite:////tmp/fj-empty.sqlite3"}},
                "SECRET_KEY": "",
            },
            environ={},
        )


async def test_verify_only_projects_accept_tokens_but_cannot_issue(
    async_client: Any, backend: str, settings: Any
) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    settings.TOKEN_ALGORITHM = "ES256"
    settings.TOKEN_SIGNING_KEY = _pem_private(private)
    await _user()
    pair = await _tokens(async_client)
    access = pair["access_token"]
    settings.TOKEN_SIGNING_KEY = None
    settings.TOKEN_VERIFYING_KEY = _pem_public(private)
    assert (await _me(async_client, access)).status_code == 200
    login = await _login(async_client)
    assert login.status_code == 400
    assert login.json()["error_description"] == "This project only verifies tokens: TOKEN_SIGNING_KEY is not set."
    # Refused before anything is consumed: the refresh token stays unused, so no reuse alarm later.
    refused = await async_client.post("/auth/token/refresh/", json={"refresh_token": pair["refresh_token"]})
    assert refused.status_code == 400 and "only verifies tokens" in refused.json()["error_description"]
    rows = [row async for row in RefreshToken.objects.all()]
    assert len(rows) == 1 and rows[0].used_at is None and rows[0].revoked_at is None


# --------------------------------------------------------------------------- with the token middleware
TOKEN_MIDDLEWARE_STACK = [
    *DEFAULT_MIDDLEWARE,
    "fastjango.auth.sessions.middleware.SessionMiddleware",
    "fastjango.auth.csrf.CsrfMiddleware",
    "fastjango.auth.tokens.middleware.TokenAuthenticationMiddleware",
    "fastjango.auth.middleware.AuthenticationMiddleware",
]


@pytest.fixture
def _token_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = TOKEN_MIDDLEWARE_STACK  # before the app is built


@pytest.mark.usefixtures("_token_middleware")
async def test_the_token_middleware_makes_current_user_accept_tokens(async_client: Any, backend: str) -> None:
    await _user()
    pair = await _tokens(async_client)
    assert (await async_client.get("/current/", headers=_bearer(pair["access_token"]))).json() == {"username": "ann"}
    assert (await async_client.get("/me/", headers=_bearer(pair["access_token"]))).json() == {"username": "ann"}
    refused = await async_client.get("/current/", headers=_bearer(pair["refresh_token"]))
    assert refused.status_code == 401
    assert (await async_client.get("/current/")).status_code == 401


def test_a_project_with_bad_token_settings_does_not_load() -> None:
    from auth_testing import project_for

    from fastjango.core.exceptions import ImproperlyConfigured

    secret_pem = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----"
    with pytest.raises(ImproperlyConfigured, match="TOKEN_SIGNING_KEY is not an unencrypted PEM private key") as caught:
        project_for("sqlite", TOKEN_ALGORITHM="ES256", TOKEN_SIGNING_KEY=secret_pem)
    assert "c2VjcmV0" not in str(caught.value)  # the private key is not echoed into logs


@pytest.mark.usefixtures("_token_middleware")
async def test_a_token_request_never_borrows_the_session(async_client: Any, backend: str) -> None:
    await _user()
    pair = await _tokens(async_client)
    await async_client.post("/session-login/")
    assert (await async_client.get("/current/")).json() == {"username": "ann"}  # the session works alone
    bogus = await async_client.get("/current/", headers=_bearer("not-a-token"))
    assert bogus.status_code == 401  # the bad token is not rescued by the session cookie
    refresh_as_access = await async_client.get("/current/", headers=_bearer(pair["refresh_token"]))
    assert refresh_as_access.status_code == 401
