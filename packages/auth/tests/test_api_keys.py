"""API keys through real HTTP: the headers they travel in, and every way a key is refused."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from click.testing import CliRunner

from fastjango.auth.models import User
from fastjango.auth.tokens.commands import createapikey
from fastjango.auth.tokens.dependencies import TokenUser
from fastjango.auth.tokens.models import ApiKey
from fastjango.core.urls import path

PASSWORD = "s3cret-horse-battery"


async def whoami(user: TokenUser) -> dict[str, Any]:
    return {"username": user.username}


urlpatterns = [path("whoami/", whoami)]


async def _key(name: str = "ann", **options: Any) -> tuple[Any, ApiKey, str]:
    user = await User.objects.acreate_user(name, f"{name}@example.com", PASSWORD)
    api_key, plaintext = await ApiKey.objects.acreate_key(user, "billing service", **options)
    return user, api_key, plaintext


async def _refused(client: Any, headers: dict[str, str], detail: str) -> None:
    response = await client.get("/whoami/", headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json() == {"detail": detail}


@pytest.mark.usefixtures("db")
async def test_a_key_works_in_each_header(async_client: Any, backend: str) -> None:
    _, api_key, plaintext = await _key()
    assert plaintext.startswith(f"fj_{api_key.prefix}_") and len(plaintext) == 3 + 10 + 1 + 40
    secret = plaintext.split("_")[2]
    assert secret not in api_key.hashed_secret  # only a digest is stored: its SHA-256
    assert api_key.hashed_secret == hashlib.sha256(secret.encode()).hexdigest()
    for headers in (
        {"X-API-Key": plaintext},
        {"Authorization": f"Api-Key {plaintext}"},
        {"Authorization": f"Bearer {plaintext}"},
    ):
        response = await async_client.get("/whoami/", headers=headers)
        assert response.json() == {"username": "ann"}, headers
    stored = await ApiKey.objects.aget(pk=api_key.pk)
    assert stored.last_used_at is not None
    assert str(stored) == f"billing service (fj_{api_key.prefix}_…)"


@pytest.mark.usefixtures("db")
async def test_a_custom_header_name(async_client: Any, backend: str, settings: Any) -> None:
    settings.API_KEY_HEADER = "X-Service-Key"
    _, _, plaintext = await _key()
    assert (await async_client.get("/whoami/", headers={"X-Service-Key": plaintext})).status_code == 200
    assert (await async_client.get("/whoami/", headers={"X-API-Key": plaintext})).status_code == 401
    schema = (await async_client.get("/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-Service-Key"


@pytest.mark.usefixtures("db")
async def test_wrong_revoked_expired_and_malformed_keys_are_refused(async_client: Any, backend: str) -> None:
    user, api_key, plaintext = await _key()
    head, secret = plaintext.rsplit("_", 1)
    wrong = f"{head}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    await _refused(async_client, {"X-API-Key": wrong}, "Invalid API key.")
    unknown_prefix = f"fj_{'Z' * 10}_{secret}"
    await _refused(async_client, {"X-API-Key": unknown_prefix}, "Invalid API key.")
    await _refused(async_client, {"X-API-Key": "fj_short_key"}, "Malformed API key.")
    await _refused(async_client, {"Authorization": "Api-Key nonsense"}, "Malformed API key.")

    api_key.revoked_at = datetime.datetime.now(datetime.UTC)
    await api_key.asave(update_fields=["revoked_at"])
    await _refused(async_client, {"X-API-Key": plaintext}, "API key was revoked.")

    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    _, expired_text = await ApiKey.objects.acreate_key(user, "old", expires_at=past)
    await _refused(async_client, {"X-API-Key": expired_text}, "API key expired.")
    future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    _, fresh_text = await ApiKey.objects.acreate_key(user, "new", expires_at=future)
    assert (await async_client.get("/whoami/", headers={"X-API-Key": fresh_text})).status_code == 200

    user.is_active = False
    await user.asave(update_fields=["is_active"])
    await _refused(async_client, {"X-API-Key": fresh_text}, "The API key's user is inactive.")


@pytest.mark.usefixtures("transactional_db")
def test_createapikey_prints_the_key_once(backend: str, fastjango_project: Any) -> None:
    User.objects.create_user("svc", "svc@example.com", PASSWORD)
    result = CliRunner().invoke(createapikey, ["svc", "--name", "nightly export", "--expires-in-days", "30"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.strip().splitlines()[-1]
    api_key = ApiKey.objects.get(name="nightly export")
    assert plaintext.startswith(f"fj_{api_key.prefix}_")
    assert api_key.secret_matches(plaintext.rsplit("_", 1)[1])
    assert api_key.expires_at is not None
    assert datetime.timedelta(days=29) < api_key.expires_at - datetime.datetime.now(datetime.UTC)
    missing = CliRunner().invoke(createapikey, ["nobody", "--name", "x"])
    assert missing.exit_code != 0 and "User 'nobody' does not exist." in missing.output


@pytest.mark.usefixtures("transactional_db")
def test_cleartokens_deletes_expired_refresh_tokens(backend: str, fastjango_project: Any) -> None:
    from fastjango.auth.tokens.commands import cleartokens
    from fastjango.auth.tokens.models import RefreshToken

    user = User.objects.create_user("svc", "svc@example.com", PASSWORD)
    now = datetime.datetime.now(datetime.UTC)
    past, future = now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)
    rows = (("old", "ended", past), ("older", "ended", past), ("revoked", "going", past), ("live", "going", future))
    for jti, family, expires_at in rows:
        RefreshToken.objects.create(jti=jti, family=family, user=user, expires_at=expires_at, revoked_at=now)
    result = CliRunner().invoke(cleartokens, [])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 expired refresh token(s)." in result.output
    # A login with a token still valid keeps its expired rows: they are how its revocation is known.
    assert sorted(RefreshToken.objects.values_list("jti", flat=True)) == ["live", "revoked"]
