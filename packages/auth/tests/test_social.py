"""Social login against a real authorization server on 127.0.0.1 (tests/oauth_server.py).

The test plays the browser: it opens our login URL, follows the redirect to
the provider (a real HTTP server made with authlib's server side), is sent
back to our callback with a code and a state, and our app redeems the code
over TCP. What a user would notice is checked: who ends up logged in, which
accounts exist, and the clear 4xx when something is forged or replayed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx2
import pytest
from oauth_server import CLIENT_SECRET, GITHUB_CLIENT_ID, OIDC_CLIENT_ID, OAuthTestServer, ProviderUser

from fastjango.auth.dependencies import AnyUser, CurrentUser
from fastjango.auth.models import User
from fastjango.auth.social import urls as social_urls
from fastjango.auth.social.models import SocialAccount
from fastjango.auth.social.settings import SocialSettings
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.project import Project
from fastjango.core.urls import include, path


async def me_view(user: AnyUser) -> dict[str, Any]:
    return {"username": user.username, "authenticated": bool(user.is_authenticated)}


async def private_view(user: CurrentUser) -> dict[str, str]:
    return {"username": user.username}


urlpatterns = [
    # Mounted in the "auth" namespace, as fastjango.auth.urls mounts it.
    path("accounts/", include((social_urls.urlpatterns, "auth"))),
    path("me/", me_view),
    path("private/", private_view),
]


@pytest.fixture(scope="session")
def oauth_server() -> Iterator[OAuthTestServer]:
    server = OAuthTestServer().start()
    try:
        yield server
    finally:
        server.stop()


def providers_for(server: OAuthTestServer) -> dict[str, dict[str, Any]]:
    return {
        "corp": {
            "NAME": "Corp SSO",
            "SERVER_METADATA_URL": server.metadata_url,
            "CLIENT_ID": OIDC_CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
        },
        "github": {
            "PRESET": "github",
            "CLIENT_ID": GITHUB_CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            # The preset's github.com / api.github.com addresses, pointed at the test server.
            "AUTHORIZE_URL": f"{server.url}/github/login/oauth/authorize",
            "ACCESS_TOKEN_URL": f"{server.url}/github/login/oauth/access_token",
            "USERINFO_URL": f"{server.url}/github/api/user",
            "EMAILS_URL": f"{server.url}/github/api/user/emails",
        },
    }


@pytest.fixture
def provider(oauth_server: OAuthTestServer, settings: Any, db: None, backend: str) -> Iterator[OAuthTestServer]:
    """The test server, reset, configured as the providers ``corp`` (OpenID Connect) and ``github``."""
    oauth_server.reset()
    settings.SOCIAL_AUTH_PROVIDERS = providers_for(oauth_server)
    yield oauth_server
    oauth_server.reset()


# -- the browser's side --------------------------------------------------------------------------
async def begin(client: Any, provider: str = "corp", next_url: str | None = None) -> str:
    """Open our login URL; return the provider's authorization URL it redirects to."""
    response = await client.get(f"/accounts/oauth/{provider}/login/", params={"next": next_url} if next_url else None)
    assert response.status_code == 302, response.text
    return str(response.headers["location"])


async def approve(authorization_url: str, who: str | None) -> str:
    """At the provider (real HTTP): ``who`` approves (None: denies). Returns our callback's path and query."""
    async with httpx2.AsyncClient() as browser:
        response = await browser.get(with_query(authorization_url, test_user=who) if who else authorization_url)
    assert response.status_code == 302, response.text
    location = str(response.headers["location"])
    assert location.startswith("http://testserver/accounts/oauth/"), location
    return location.removeprefix("http://testserver")


async def log_in_with(client: Any, who: str | None, provider: str = "corp", next_url: str | None = None) -> Any:
    callback = await approve(await begin(client, provider, next_url), who)
    return await client.get(callback)


async def whoami(client: Any) -> dict[str, Any]:
    return dict((await client.get("/me/")).json())


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def ann() -> ProviderUser:
    return ProviderUser(sub="sub-ann", email="ann@example.com", email_verified=True, name="Ann Example")


# -- logging in -------------------------------------------------------------------------------------
async def test_a_new_user_is_created_and_logged_in(async_client: Any, provider: OAuthTestServer) -> None:
    provider.users["ann"] = ann()
    authorization_url = await begin(async_client, next_url="/private/?tab=2")
    before = async_client.cookies.get("sessionid")
    assert before  # the pending login lives in the session
    # The request the provider saw: code flow, PKCE S256, a state and a nonce.
    sent = parse_qs(urlsplit(authorization_url).query)
    assert authorization_url.startswith(f"{provider.url}/authorize?")
    assert sent["response_type"] == ["code"] and sent["code_challenge_method"] == ["S256"]
    assert sent["code_challenge"] and sent["state"] and sent["nonce"]
    assert sent["redirect_uri"] == ["http://testserver/accounts/oauth/corp/callback/"]

    done = await async_client.get(await approve(authorization_url, "ann"))
    assert done.status_code == 302, done.text
    assert done.headers["location"] == "/private/?tab=2"  # the safe next, kept in the session
    assert provider.token_requests[0]["code_verifier"]  # the verifier went to the token endpoint
    assert (await async_client.get("/private/")).json() == {"username": "ann"}

    after = async_client.cookies.get("sessionid")
    assert after and after != before  # a new session key at login
    user = await User.objects.aget(username="ann")
    assert user.email == "ann@example.com" and not user.has_usable_password()
    account = await SocialAccount.objects.aget(provider="corp", uid="sub-ann")
    assert account.user_id == user.pk and account.extra_data["email"] == "ann@example.com"
    assert account.last_login is not None

    # The session key from before login opens nothing.
    async_client.cookies.clear()
    async_client.cookies.set("sessionid", before)
    assert (await whoami(async_client))["authenticated"] is False


async def test_the_same_provider_account_logs_in_to_the_same_user(async_client: Any, provider: OAuthTestServer) -> None:
    provider.users["ann"] = ann()
    assert (await log_in_with(async_client, "ann")).status_code == 302
    async_client.cookies.clear()
    provider.users["ann"].email = "ann@new-job.example"  # the e-mail changed at the provider; the sub did not
    response = await log_in_with(async_client, "ann")
    assert response.status_code == 302 and response.headers["location"] == "/"
    assert (await whoami(async_client)) == {"username": "ann", "authenticated": True}
    assert await User.objects.acount() == 1
    assert (await SocialAccount.objects.aget(uid="sub-ann")).extra_data["email"] == "ann@new-job.example"


async def test_a_verified_email_links_the_existing_user(async_client: Any, provider: OAuthTestServer) -> None:
    bob = await User.objects.acreate_user("bob", "bob@example.com", "bobs-password-123")
    provider.users["bob"] = ProviderUser(sub="sub-bob", email="bob@example.com", email_verified=True)
    provider.email_in_id_token = False  # the e-mail comes from the userinfo endpoint this time
    response = await log_in_with(async_client, "bob")
    assert response.status_code == 302, response.text
    assert (await whoami(async_client)) == {"username": "bob", "authenticated": True}
    account = await SocialAccount.objects.aget(provider="corp", uid="sub-bob")
    assert account.user_id == bob.pk
    assert await User.objects.acount() == 1
    assert await (await User.objects.aget(pk=bob.pk)).acheck_password("bobs-password-123")  # untouched


async def test_link_by_email_off_refuses_even_a_verified_address(
    async_client: Any, provider: OAuthTestServer, settings: Any
) -> None:
    settings.SOCIAL_AUTH_PROVIDERS = {
        name: {**config, "LINK_BY_EMAIL": False} for name, config in settings.SOCIAL_AUTH_PROVIDERS.items()
    }
    await User.objects.acreate_user("bob", "bob@example.com", "bobs-password-123")
    provider.users["bob"] = ProviderUser(sub="sub-bob", email="bob@example.com", email_verified=True)
    response = await log_in_with(async_client, "bob")
    assert response.status_code == 409
    assert "not linked to accounts by e-mail here" in response.json()["detail"]
    assert not await SocialAccount.objects.aexists() and await User.objects.acount() == 1


async def test_an_unverified_email_of_an_existing_user_is_refused(async_client: Any, provider: OAuthTestServer) -> None:
    await User.objects.acreate_user("carol", "carol@example.com", "carols-password-1")
    provider.users["mallory"] = ProviderUser(sub="sub-mallory", email="carol@example.com", email_verified=False)
    response = await log_in_with(async_client, "mallory")
    assert response.status_code == 409
    assert "carol@example.com already exists" in response.json()["detail"]
    assert "does not confirm" in response.json()["detail"]
    assert (await whoami(async_client))["authenticated"] is False
    assert await User.objects.acount() == 1 and await SocialAccount.objects.acount() == 0


async def test_an_unverified_email_is_not_kept_on_a_new_user(async_client: Any, provider: OAuthTestServer) -> None:
    provider.users["dan"] = ProviderUser(sub="sub-dan", email="dan@example.com", email_verified=False, name="Dan")
    response = await log_in_with(async_client, "dan")
    assert response.status_code == 302
    user = await User.objects.aget(username="dan")
    assert user.email == ""  # kept in the social account's data only
    assert (await SocialAccount.objects.aget(uid="sub-dan")).extra_data["email"] == "dan@example.com"


async def test_usernames_stay_unique(async_client: Any, provider: OAuthTestServer) -> None:
    await User.objects.acreate_user("ann", "someone-else@example.com", "another-password-1")
    provider.users["ann"] = ann()
    assert (await log_in_with(async_client, "ann")).status_code == 302
    assert (await whoami(async_client)) == {"username": "ann2", "authenticated": True}


async def test_inactive_users_are_refused(async_client: Any, provider: OAuthTestServer) -> None:
    await User.objects.acreate_user("erin", "erin@example.com", "erins-password-1", is_active=False)
    provider.users["erin"] = ProviderUser(sub="sub-erin", email="erin@example.com", email_verified=True)
    response = await log_in_with(async_client, "erin")
    assert response.status_code == 403 and response.json()["detail"] == "This account is disabled."
    assert (await whoami(async_client))["authenticated"] is False


async def test_no_sign_up_when_auto_signup_is_off(async_client: Any, provider: OAuthTestServer, settings: Any) -> None:
    settings.SOCIAL_AUTH_AUTO_SIGNUP = False
    provider.users["ann"] = ann()
    response = await log_in_with(async_client, "ann")
    assert response.status_code == 403 and "No account here belongs" in response.json()["detail"]
    assert await User.objects.acount() == 0


# -- forged, replayed and refused callbacks -------------------------------------------------------------
async def test_a_state_works_once(async_client: Any, provider: OAuthTestServer) -> None:
    provider.users["ann"] = ann()
    callback = await approve(await begin(async_client), "ann")
    assert (await async_client.get(callback)).status_code == 302
    replay = await async_client.get(callback)
    assert replay.status_code == 400
    assert "already used" in replay.json()["detail"]
    assert len(provider.token_requests) == 1  # the replay never reached the provider


async def test_a_state_from_another_browser_is_refused(async_client: Any, app: Any, provider: OAuthTestServer) -> None:
    provider.users["mallory"] = ProviderUser(sub="sub-mallory", email="mallory@example.com")
    # The attacker starts a login in their browser and makes the victim open the callback (login CSRF).
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as attacker:
        planted = await approve(await begin(attacker), "mallory")
    await begin(async_client)  # the victim has a session, and a login of their own pending
    response = await async_client.get(planted)
    assert response.status_code == 400 and "does not match a login started in this browser" in response.text
    assert (await whoami(async_client))["authenticated"] is False
    # And a browser without any session at all.
    async_client.cookies.clear()
    assert (await async_client.get(planted)).status_code == 400
    assert await User.objects.acount() == 0 and provider.token_requests == []


async def test_a_callback_without_state_or_code_is_refused(async_client: Any, provider: OAuthTestServer) -> None:
    response = await async_client.get("/accounts/oauth/corp/callback/")
    assert response.status_code == 400 and "start the login again" in response.json()["detail"]
    state = parse_qs(urlsplit(await begin(async_client)).query)["state"][0]
    response = await async_client.get("/accounts/oauth/corp/callback/", params={"state": state})
    assert (
        response.status_code == 400
        and response.json()["detail"] == "The provider's response has no authorization code."
    )


async def test_a_provider_error_is_a_clear_400(async_client: Any, provider: OAuthTestServer) -> None:
    callback = await approve(await begin(async_client), None)  # the user clicks "Deny"
    assert "error=access_denied" in callback
    response = await async_client.get(callback)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The provider did not log you in (access_denied")
    assert (await whoami(async_client))["authenticated"] is False
    assert (await async_client.get(callback)).json()["detail"].startswith("The provider did not log you in")


async def test_a_tampered_code_is_refused_by_the_provider(async_client: Any, provider: OAuthTestServer) -> None:
    provider.users["ann"] = ann()
    callback = await approve(await begin(async_client), "ann")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = await async_client.get(with_query(callback, code=code[:-2] + ("xy" if code[-2:] != "xy" else "zz")))
    assert response.status_code == 400
    assert "invalid_grant" in response.json()["detail"]
    assert (await whoami(async_client))["authenticated"] is False


async def test_pkce_an_intercepted_code_is_useless(async_client: Any, app: Any, provider: OAuthTestServer) -> None:
    provider.users["ann"] = ann()
    callback = await approve(await begin(async_client), "ann")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    redirect_uri = "http://testserver/accounts/oauth/corp/callback/"
    # Redeemed without the verifier (even with the client's credentials): the provider refuses.
    async with httpx2.AsyncClient() as thief:
        stolen = await thief.post(
            f"{provider.url}/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(OIDC_CLIENT_ID, CLIENT_SECRET),
        )
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_request"
    assert "code_verifier" in stolen.json()["error_description"]
    # Injected into the attacker's own login (their state, their verifier): refused too.
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as attacker:
        own = await approve(await begin(attacker), "ann")
        injected = await attacker.get(with_query(own, code=code))
        assert injected.status_code == 400 and "invalid_grant" in injected.json()["detail"]
        assert (await attacker.get("/me/")).json()["authenticated"] is False
    # The victim's own browser, holding the verifier, still completes the login.
    assert (await async_client.get(callback)).status_code == 302
    assert (await whoami(async_client))["username"] == "ann"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"aud": "another-client"}, "aud"),
        ({"aud": ["another-client"], "azp": OIDC_CLIENT_ID}, "aud"),
        ({"nonce": "not-the-nonce-we-sent"}, "nonce"),
        ({"iss": "https://impostor.example"}, "iss"),
    ],
)
async def test_an_id_token_with_wrong_claims_is_refused(
    async_client: Any, provider: OAuthTestServer, overrides: dict[str, Any], problem: str
) -> None:
    provider.users["ann"] = ann()
    provider.id_token_overrides = overrides
    response = await log_in_with(async_client, "ann")
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "id_token is not valid" in detail and problem in detail
    assert (await whoami(async_client))["authenticated"] is False
    assert await User.objects.acount() == 0


async def test_an_id_token_signed_with_another_key_is_refused(async_client: Any, provider: OAuthTestServer) -> None:
    from joserfc.jwk import RSAKey

    provider.users["ann"] = ann()
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid}, private=True)
    response = await log_in_with(async_client, "ann")
    assert response.status_code == 400 and "id_token is not valid" in response.json()["detail"]
    assert (await whoami(async_client))["authenticated"] is False


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "https:evil.example"]
)
async def test_an_open_redirect_next_is_ignored(async_client: Any, provider: OAuthTestServer, next_url: str) -> None:
    provider.users["ann"] = ann()
    response = await log_in_with(async_client, "ann", next_url=next_url)
    assert response.status_code == 302 and response.headers["location"] == "/"  # LOGIN_REDIRECT_URL


async def test_a_slow_login_is_refused(async_client: Any, provider: OAuthTestServer, settings: Any) -> None:
    settings.SOCIAL_AUTH_LOGIN_TIMEOUT = 1
    provider.users["ann"] = ann()
    callback = await approve(await begin(async_client), "ann")
    await asyncio.sleep(1.2)
    response = await async_client.get(callback)
    assert response.status_code == 400 and "took too long" in response.json()["detail"]


# -- GitHub (OAuth2, not OpenID Connect) ------------------------------------------------------------------
async def test_github_logs_in_with_the_verified_primary_email(async_client: Any, provider: OAuthTestServer) -> None:
    provider.users["octo"] = ProviderUser(
        sub="4242",
        login="octocat",
        name="Mona Octocat",
        github_emails=[
            {"email": "old@example.com", "primary": False, "verified": False},
            {"email": "mona@example.com", "primary": True, "verified": True},
        ],
    )
    authorization_url = await begin(async_client, "github")
    assert authorization_url.startswith(f"{provider.url}/github/login/oauth/authorize?")
    sent = parse_qs(urlsplit(authorization_url).query)
    assert sent["scope"] == ["read:user user:email"] and sent["code_challenge_method"] == ["S256"]
    response = await async_client.get(await approve(authorization_url, "octo"))
    assert response.status_code == 302, response.text
    assert (await whoami(async_client)) == {"username": "octocat", "authenticated": True}
    user = await User.objects.aget(username="octocat")
    assert (user.email, user.first_name, user.last_name) == ("mona@example.com", "Mona", "Octocat")
    assert (await SocialAccount.objects.aget(provider="github")).uid == "4242"
    token_request = provider.token_requests[0]
    assert token_request["client_id"] == GITHUB_CLIENT_ID and token_request["code_verifier"]  # client_secret_post


async def test_github_unverified_email_is_not_linked(async_client: Any, provider: OAuthTestServer) -> None:
    await User.objects.acreate_user("dave", "dave@example.com", "daves-password-1")
    provider.users["octo"] = ProviderUser(sub="77", login="dave", email="dave@example.com", email_verified=False)
    response = await log_in_with(async_client, "octo", provider="github")
    assert response.status_code == 409 and "GitHub does not confirm" in response.json()["detail"]
    assert await SocialAccount.objects.acount() == 0


async def test_github_verified_email_links(async_client: Any, provider: OAuthTestServer) -> None:
    dave = await User.objects.acreate_user("dave", "dave@example.com", "daves-password-1")
    provider.users["octo"] = ProviderUser(sub="77", login="dave-gh", email="dave@example.com", email_verified=True)
    assert (await log_in_with(async_client, "octo", provider="github")).status_code == 302
    assert (await whoami(async_client)) == {"username": "dave", "authenticated": True}
    assert (await SocialAccount.objects.aget(provider="github", uid="77")).user_id == dave.pk


# -- endpoints and settings -----------------------------------------------------------------------------------
async def test_unknown_providers_are_404(async_client: Any, provider: OAuthTestServer) -> None:
    for url in ("/accounts/oauth/nope/login/", "/accounts/oauth/nope/callback/?code=x&state=y"):
        response = await async_client.get(url)
        assert response.status_code == 404 and response.json()["detail"] == "There is no login provider named 'nope'."


async def test_an_unreachable_provider_is_a_502(async_client: Any, settings: Any, db: None, backend: str) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SOCIAL_AUTH_PROVIDERS = {
        "down": {
            "SERVER_METADATA_URL": f"http://127.0.0.1:{port}/.well-known/openid-configuration",
            "CLIENT_ID": "x",
            "CLIENT_SECRET": "y",
        }
    }
    response = await async_client.get("/accounts/oauth/down/login/")
    assert response.status_code == 502 and "cannot be reached" in response.json()["detail"]


@pytest.mark.parametrize(
    ("providers", "message"),
    [
        ({"g": {"PRESET": "gogle", "CLIENT_ID": "a", "CLIENT_SECRET": "b"}}, "SOCIAL_AUTH_PROVIDERS['g']['PRESET']"),
        ({"g": {"PRESET": "google", "CLIENT_SECRET": "b"}}, "SOCIAL_AUTH_PROVIDERS['g'] needs a CLIENT_ID"),
        (
            {"g": {"PRESET": "google", "CLIENTID": "a", "CLIENT_SECRET": "b"}},
            "SOCIAL_AUTH_PROVIDERS['g'] has an unknown key 'CLIENTID'; did you mean 'CLIENT_ID'?",
        ),
        (
            {"corp": {"CLIENT_ID": "a", "CLIENT_SECRET": "b"}},
            "SOCIAL_AUTH_PROVIDERS['corp'] needs a SERVER_METADATA_URL",
        ),
        ({"g": {"PRESET": "google", "CLIENT_ID": "a"}}, "SOCIAL_AUTH_PROVIDERS['g'] needs a CLIENT_SECRET"),
        ({"g": "secret-value-xyz"}, "SOCIAL_AUTH_PROVIDERS['g'] must be a dict of settings, not str"),
        ({"Bad Name": {"PRESET": "google", "CLIENT_ID": "a", "CLIENT_SECRET": "b"}}, "provider named 'Bad Name'"),
        (
            {"gh": {"PRESET": "github", "CLIENT_ID": "a", "CLIENT_SECRET": "b", "USERINFO_URL": "api/user"}},
            "SOCIAL_AUTH_PROVIDERS['gh']['USERINFO_URL'] must be an absolute http(s) URL",
        ),
    ],
)
def test_bad_provider_settings_name_the_setting(providers: dict[str, Any], message: str) -> None:
    config = {
        "INSTALLED_PLUGINS": ["orm", "auth"],
        "DATABASES": {"default": {"URL": "sqlite:////tmp/fastjango-social-settings.sqlite3"}},
        "SECRET_KEY": "s" * 50,
        "SOCIAL_AUTH_PROVIDERS": providers,
    }
    with pytest.raises(ImproperlyConfigured) as caught:  # refused when the project loads, not at the first login
        Project(config, environ={})
    problems = str(caught.value)
    assert message in problems
    assert "'b'" not in problems and "secret-value" not in problems  # the client secret is not echoed


def test_good_provider_settings_apply_the_presets() -> None:
    settings = SocialSettings.model_validate(
        {"SOCIAL_AUTH_PROVIDERS": {"google": {"PRESET": "google", "CLIENT_ID": "a", "CLIENT_SECRET": "b"}}}
    )
    from fastjango.auth.social.settings import parse_providers

    google = parse_providers(settings.SOCIAL_AUTH_PROVIDERS)["google"]
    assert google.kind == "oidc" and google.display_name == "Google"
    assert google.server_metadata_url == "https://accounts.google.com/.well-known/openid-configuration"
    assert google.scope == "openid email profile"
