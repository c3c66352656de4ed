"""The mountable account endpoints through real HTTP: login, logout, password change, JSON and forms."""

from __future__ import annotations

from typing import Any

import pytest

from fastjango.auth.csrf import csrf_token_view
from fastjango.auth.dependencies import AnyUser
from fastjango.auth.hashers import PBKDF2PasswordHasher
from fastjango.auth.models import User
from fastjango.auth.ratelimit import reset_memory_stores
from fastjango.core.urls import include, path, reverse

pytestmark = pytest.mark.usefixtures("db")

PASSWORD = "s3cret-horse-battery"


async def me_view(user: AnyUser) -> dict[str, Any]:
    return {"username": user.username, "authenticated": bool(user.is_authenticated)}


urlpatterns = [
    path("accounts/", include("fastjango.auth.urls")),
    path("me/", me_view),
    path("csrf/", csrf_token_view),
]


class CountingHasher(PBKDF2PasswordHasher):
    """A real PBKDF2 hasher that counts how often it hashes (the enumeration test's witness)."""

    algorithm = "pbkdf2_counting"
    iterations = 1000
    calls = 0

    def _derive(self, password: str | bytes, salt: str, iterations: int) -> bytes:
        type(self).calls += 1
        return super()._derive(password, salt, iterations)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    reset_memory_stores()


async def _user(name: str = "ann", **extra: Any) -> Any:
    return await User.objects.acreate_user(name, f"{name}@example.com", PASSWORD, **extra)


async def _csrf(client: Any) -> dict[str, str]:
    return {"X-CSRFToken": (await client.get("/csrf/")).json()["csrfToken"]}


async def _me(client: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await client.get("/me/")).json()
    return result


def test_the_names_reverse_under_the_auth_namespace(fastjango_project: Any, app: Any, backend: str) -> None:
    assert reverse("auth:login") == "/accounts/login/"
    assert reverse("auth:logout") == "/accounts/logout/"
    assert reverse("auth:password_change") == "/accounts/password/change/"
    assert reverse("auth:password_reset") == "/accounts/password/reset/"
    assert reverse("auth:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "a-b"}) == (
        "/accounts/password/reset/MQ/a-b/"
    )


async def test_json_login_and_logout(async_client: Any, backend: str) -> None:
    await _user()
    done = await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
    assert done.status_code == 200, done.text
    assert done.json() == {"username": "ann"}
    assert (await _me(async_client))["authenticated"] is True
    assert (await async_client.get("/accounts/logout/")).status_code == 405  # logging out is a POST
    assert (await async_client.post("/accounts/logout/")).status_code == 403  # with the session cookie: CSRF
    out = await async_client.post("/accounts/logout/", headers=await _csrf(async_client))
    assert out.status_code == 200 and out.json() == {"detail": "Logged out."}
    assert (await _me(async_client))["authenticated"] is False


async def test_form_login_redirects_to_next_or_the_default(async_client: Any, settings: Any, backend: str) -> None:
    await _user()
    settings.LOGIN_REDIRECT_URL = "/welcome/"
    form = {"username": "ann", "password": PASSWORD}
    plain = await async_client.post("/accounts/login/", data=form)
    assert plain.status_code == 303 and plain.headers["location"] == "/welcome/"
    async_client.cookies.clear()
    field = await async_client.post("/accounts/login/", data={**form, "next": "/dashboard/?a=1"})
    assert field.status_code == 303 and field.headers["location"] == "/dashboard/?a=1"
    async_client.cookies.clear()
    query = await async_client.post("/accounts/login/?next=/inbox/", data=form)
    assert query.headers["location"] == "/inbox/"
    assert (await _me(async_client))["authenticated"] is True


HOSTILE_NEXT = [
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "https:evil.com",
    "http://evil.com",
    "https://evil.com/accounts/",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "/\t/evil.com",
    "\x00//evil.com",
    "///evil.com",
    "http://testserver@evil.com",
    "http://testserver:80@evil.com/",
    "http:\\\\evil.com",
    " //evil.com",
]


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
async def test_login_never_redirects_off_site(async_client: Any, hostile: str, backend: str) -> None:
    await _user()
    response = await async_client.post(
        "/accounts/login/", data={"username": "ann", "password": PASSWORD, "next": hostile}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"  # LOGIN_REDIRECT_URL, not the hostile target


async def test_login_follows_allowed_other_hosts(async_client: Any, settings: Any, backend: str) -> None:
    await _user()
    settings.LOGIN_REDIRECT_ALLOWED_HOSTS = ["app.example.com"]
    form = {"username": "ann", "password": PASSWORD}
    ok = await async_client.post("/accounts/login/", data={**form, "next": "https://app.example.com/home"})
    assert ok.headers["location"] == "https://app.example.com/home"
    async_client.cookies.clear()
    own = await async_client.post("/accounts/login/", data={**form, "next": "http://testserver/mine/"})
    assert own.headers["location"] == "http://testserver/mine/"


async def test_wrong_credentials_do_not_tell_which_part_was_wrong(async_client: Any, backend: str) -> None:
    await _user()
    await _user("gone", is_active=False)
    wrong_password = await async_client.post("/accounts/login/", json={"username": "ann", "password": "nope"})
    unknown_user = await async_client.post("/accounts/login/", json={"username": "nobody", "password": "nope"})
    inactive = await async_client.post("/accounts/login/", json={"username": "gone", "password": PASSWORD})
    assert wrong_password.status_code == unknown_user.status_code == inactive.status_code == 400
    assert wrong_password.json() == unknown_user.json() == inactive.json()
    assert "sessionid" not in wrong_password.cookies


async def test_unknown_usernames_still_cost_a_hash(async_client: Any, settings: Any, backend: str) -> None:
    from fastjango.auth.hashers import get_hasher

    settings.PASSWORD_HASHERS = ["test_endpoints.CountingHasher"]
    await _user()
    counting: Any = type(get_hasher())  # the class the settings loaded (pytest may import this module twice)
    assert counting.__name__ == "CountingHasher"
    counting.calls = 0
    await async_client.post("/accounts/login/", json={"username": "ann", "password": "wrong"})
    known = counting.calls
    counting.calls = 0
    await async_client.post("/accounts/login/", json={"username": "nobody-here", "password": "wrong"})
    assert known == 1 and counting.calls == known


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"json": {"username": "ann"}}, 400, "password"),
        ({"json": {}}, 400, "username"),
        ({"json": ["ann", "pw"]}, 400, "JSON object"),
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "not valid JSON"),
        ({"content": b"ann", "headers": {"Content-Type": "text/plain"}}, 415, "application/json"),
        ({"json": {"username": 5, "password": "x"}}, 400, "must be a string"),
    ],
)
async def test_bad_bodies_are_named(
    async_client: Any, kwargs: dict[str, Any], status: int, fragment: str, backend: str
) -> None:
    response = await async_client.post("/accounts/login/", **kwargs)
    assert response.status_code == status, response.text
    assert fragment in response.json()["detail"]


async def test_the_login_page_for_browsers(async_client: Any, backend: str) -> None:
    page = await async_client.get("/accounts/login/?next=/private/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.text
    assert 'name="next" value="/private/"' in page.text
    hostile = await async_client.get('/accounts/login/?next="><script>', headers={"Accept": "text/html"})
    assert "<script>" not in hostile.text


async def test_password_change(async_client: Any, app: Any, backend: str) -> None:
    import httpx2

    await _user()
    anonymous = await async_client.post(
        "/accounts/password/change/", json={"old_password": PASSWORD, "new_password": "x"}
    )
    assert anonymous.status_code == 401
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as other:
        await other.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
        await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
        headers = await _csrf(async_client)
        wrong_old = await async_client.post(
            "/accounts/password/change/",
            json={"old_password": "nope", "new_password": "another-fine-passphrase"},
            headers=headers,
        )
        assert wrong_old.status_code == 400 and "old_password" in wrong_old.json()["errors"]
        weak = await async_client.post(
            "/accounts/password/change/", json={"old_password": PASSWORD, "new_password": "123"}, headers=headers
        )
        assert weak.status_code == 400
        messages = weak.json()["errors"]["new_password"]
        assert any("too short" in message for message in messages)
        assert any("entirely numeric" in message for message in messages)
        mismatch = await async_client.post(
            "/accounts/password/change/",
            json={"old_password": PASSWORD, "new_password": "another-fine-passphrase", "new_password2": "x"},
            headers=headers,
        )
        assert mismatch.status_code == 400 and "new_password2" in mismatch.json()["errors"]
        done = await async_client.post(
            "/accounts/password/change/",
            json={"old_password": PASSWORD, "new_password": "another-fine-passphrase"},
            headers=headers,
        )
        assert done.status_code == 200, done.text
        assert (await _me(async_client))["authenticated"] is True  # this session stays
        assert (await _me(other))["authenticated"] is False  # the other one is logged out
    async_client.cookies.clear()
    old = await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
    assert old.status_code == 400
    new = await async_client.post("/accounts/login/", json={"username": "ann", "password": "another-fine-passphrase"})
    assert new.status_code == 200


async def test_logout_form_redirects(async_client: Any, settings: Any, backend: str) -> None:
    await _user()
    settings.LOGOUT_REDIRECT_URL = "/bye/"
    await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
    token = (await _csrf(async_client))["X-CSRFToken"]
    out = await async_client.post("/accounts/logout/", data={"csrfmiddlewaretoken": token, "next": "//evil.com"})
    assert out.status_code == 303 and out.headers["location"] == "/bye/"
    assert (await _me(async_client))["authenticated"] is False


async def test_a_cross_site_login_form_is_refused(async_client: Any, backend: str) -> None:
    """Login CSRF: another site's page posting the attacker's credentials into the victim's browser."""
    await _user()
    forged = await async_client.post(
        "/accounts/login/",
        data={"username": "ann", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403
    assert (await _me(async_client))["authenticated"] is False


async def test_the_endpoints_are_in_the_openapi_schema(async_client: Any, backend: str) -> None:
    schema = (await async_client.get("/openapi.json")).json()
    login = schema["paths"]["/accounts/login/"]["post"]
    assert set(login["requestBody"]["content"]) == {"application/json", "application/x-www-form-urlencoded"}
    assert "password" in login["requestBody"]["content"]["application/json"]["schema"]["properties"]
    for route in ("/accounts/logout/", "/accounts/password/change/", "/accounts/password/reset/"):
        assert "post" in schema["paths"][route]
    assert "requestBody" not in schema["paths"]["/accounts/login/"]["get"]
    confirm = schema["paths"]["/accounts/password/reset/{uidb64}/{token}/"]
    assert "requestBody" not in confirm["get"] and "requestBody" in confirm["post"]


def test_the_included_token_and_social_names(fastjango_project: Any, app: Any, backend: str) -> None:
    assert reverse("auth:token") == "/accounts/token/"
    assert reverse("auth:social_login", kwargs={"provider": "github"}) == "/accounts/oauth/github/login/"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/accounts/login/", b'{"username": "an\\u0000n", "password": "x"}', "username"),  # PostgreSQL refuses NUL
        ("/accounts/login/", b'{"username": "\\ud800", "password": "x"}', "username"),  # a lone surrogate
        ("/accounts/password/reset/", b'{"email": "a\\u0000@example.com"}', "email"),
        ("/accounts/password/reset/", b'{"email": "\\udfff@example.com"}', "email"),
    ],
)
async def test_characters_no_database_stores_are_a_400(
    async_client: Any, url: str, body: bytes, field: str, backend: str
) -> None:
    response = await async_client.post(url, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == {field: ["Contains a NUL character or invalid Unicode."]}


async def test_an_over_long_new_password_is_a_400(async_client: Any, backend: str) -> None:
    await _user()
    login = await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
    assert login.status_code == 200
    csrf = await _csrf(async_client)
    body = {"old_password": PASSWORD, "new_password": "x" * 5000}
    response = await async_client.post("/accounts/password/change/", json=body, headers=csrf)
    assert response.status_code == 400 and response.json()["code"] == "password_invalid"
    assert "limited to 4096 characters" in response.json()["detail"]
    again = await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD}, headers=csrf)
    assert again.status_code == 200  # nothing changed: the old password still logs in
