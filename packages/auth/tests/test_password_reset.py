"""Password reset through real HTTP: the e-mail, the link, used and expired tokens, no enumeration."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from fastjango.auth import mail
from fastjango.auth.csrf import csrf_token_view
from fastjango.auth.dependencies import AnyUser
from fastjango.auth.models import User
from fastjango.auth.ratelimit import reset_memory_stores
from fastjango.auth.tokens_reset import PasswordResetTokenGenerator, TokenCheck, default_token_generator, uid_encode
from fastjango.core.urls import include, path

pytestmark = pytest.mark.usefixtures("db")

PASSWORD = "s3cret-horse-battery"
NEW_PASSWORD = "a-completely-new-passphrase"


async def me_view(user: AnyUser) -> dict[str, Any]:
    return {"authenticated": bool(user.is_authenticated)}


urlpatterns = [
    path("accounts/", include("fastjango.auth.urls")),
    path("me/", me_view),
    path("csrf/", csrf_token_view),
]


@pytest.fixture(autouse=True)
def _locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "locmem"
    mail.outbox.clear()
    reset_memory_stores()


async def _user(name: str = "ann", **extra: Any) -> Any:
    return await User.objects.acreate_user(name, f"{name}@example.com", PASSWORD, **extra)


def _link(message: Any) -> tuple[str, str, str]:
    match = re.search(r"http://testserver(/accounts/password/reset/([^/]+)/([^/]+)/)", message.body)
    assert match, message.body
    return match.group(1), match.group(2), match.group(3)


async def test_the_whole_reset(async_client: Any, app: Any, backend: str) -> None:
    import httpx2

    await _user()
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://testserver") as other:
        assert (await other.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})).status_code == 200
        asked = await async_client.post("/accounts/password/reset/", json={"email": "ANN@example.com"})
        assert asked.status_code == 200
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["ann@example.com"] and "Password reset" in message.subject
        assert message.html is not None and "Choose a new password" in message.html
        link, _, _ = _link(message)
        check = await async_client.get(link)
        assert check.status_code == 200 and check.headers["referrer-policy"] == "no-referrer"
        weak = await async_client.post(link, json={"new_password": "12345"})
        assert weak.status_code == 400 and "new_password" in weak.json()["errors"]
        done = await async_client.post(link, json={"new_password": NEW_PASSWORD})
        assert done.status_code == 200, done.text
        assert (await other.get("/me/")).json()["authenticated"] is False  # every session of Ann ended
    again = await async_client.post(link, json={"new_password": "yet-another-passphrase"})
    assert again.status_code == 400 and again.json()["code"] == "invalid_token"
    assert "already been used" in again.json()["detail"]
    old = await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
    assert old.status_code == 400
    new = await async_client.post("/accounts/login/", json={"username": "ann", "password": NEW_PASSWORD})
    assert new.status_code == 200


async def test_no_enumeration(async_client: Any, backend: str) -> None:
    await _user()
    await _user("nopass")
    nopass = await User.objects.aget(username="nopass")
    nopass.set_unusable_password()
    await nopass.asave(update_fields=["password"])
    await _user("gone", is_active=False)
    known = await async_client.post("/accounts/password/reset/", json={"email": "ann@example.com"})
    unknown = await async_client.post("/accounts/password/reset/", json={"email": "nobody@example.com"})
    unusable = await async_client.post("/accounts/password/reset/", json={"email": "nopass@example.com"})
    inactive = await async_client.post("/accounts/password/reset/", data={"email": "gone@example.com"})
    assert known.status_code == unknown.status_code == unusable.status_code == inactive.status_code == 200
    assert known.json() == unknown.json() == unusable.json() == inactive.json()
    assert [message.to for message in mail.outbox] == [["ann@example.com"]]


async def test_bad_links_name_the_problem_and_change_nothing(async_client: Any, backend: str) -> None:
    ann = await _user()
    uid = uid_encode(ann.pk)
    token = default_token_generator.make_token(ann)
    cases = {
        f"/accounts/password/reset/{uid}/not-a-token/": "invalid_token",
        f"/accounts/password/reset/{uid}/{token[:-2]}xx/": "invalid_token",
        f"/accounts/password/reset/{uid_encode(ann.pk + 999)}/{token}/": "invalid_token",
        f"/accounts/password/reset/%25%25%25/{token}/": "invalid_token",
        f"/accounts/password/reset/{uid_encode('abc')}/{token}/": "invalid_token",
        f"/accounts/password/reset/{uid_encode(10**30)}/{token}/": "invalid_token",
        f"/accounts/password/reset/{uid_encode(-1)}/{token}/": "invalid_token",
    }
    answers = set()
    for link, code in cases.items():
        response = await async_client.post(link, json={"new_password": NEW_PASSWORD})
        assert response.status_code == 400, (link, response.text)
        assert response.json()["code"] == code, link
        answers.add(response.text)
    # One answer whether or not the link names an account: reset links do not reveal which user ids exist.
    assert len(answers) == 1, answers
    await ann.arefresh_from_db()
    assert await ann.acheck_password(PASSWORD)


async def test_expired_links(async_client: Any, settings: Any, backend: str) -> None:
    ann = await _user()
    four_days_ago = PasswordResetTokenGenerator(clock=lambda: time.time() - 4 * 24 * 3600)
    old_token = four_days_ago.make_token(ann)
    link = f"/accounts/password/reset/{uid_encode(ann.pk)}/{old_token}/"
    response = await async_client.post(link, json={"new_password": NEW_PASSWORD})
    assert response.status_code == 400 and response.json()["code"] == "expired_token"
    assert "expired" in response.json()["detail"]
    settings.PASSWORD_RESET_TIMEOUT = 5 * 24 * 3600  # a longer lifetime: the same link works
    assert (await async_client.get(link)).status_code == 200


async def test_a_login_voids_older_links(async_client: Any, backend: str) -> None:
    ann = await _user()
    token = default_token_generator.make_token(ann)
    assert default_token_generator.check_token(ann, token) is TokenCheck.VALID
    await async_client.post("/accounts/login/", json={"username": "ann", "password": PASSWORD})
    await ann.arefresh_from_db()
    assert default_token_generator.check_token(ann, token) is TokenCheck.INVALID


async def test_front_end_links_and_form_posts(async_client: Any, settings: Any, backend: str) -> None:
    await _user()
    settings.PASSWORD_RESET_URL = "https://app.example.com/reset/{uidb64}/{token}"
    asked = await async_client.post("/accounts/password/reset/", data={"email": "ann@example.com", "next": "/sent/"})
    assert asked.status_code == 303 and asked.headers["location"] == "/sent/"
    match = re.search(r"https://app\.example\.com/reset/([^/\s]+)/([^/\s]+)", mail.outbox[0].body)
    assert match
    confirm = await async_client.post(
        f"/accounts/password/reset/{match.group(1)}/{match.group(2)}/",
        data={"new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert confirm.status_code == 303 and confirm.headers["location"] == "/accounts/login/"


@pytest.mark.parametrize("email", ["", "not-an-address", "ann@example.com\r\nBcc: x@evil.com"])
async def test_bad_addresses_are_refused(async_client: Any, email: str, backend: str) -> None:
    response = await async_client.post("/accounts/password/reset/", json={"email": email})
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert mail.outbox == []


def test_a_reset_url_with_other_placeholders_is_refused_at_start_up() -> None:
    from pydantic import ValidationError

    from fastjango.auth.views.settings import AccountSettings

    with pytest.raises(ValidationError, match="may hold no placeholder but"):
        AccountSettings.model_validate({"PASSWORD_RESET_URL": "https://app.example.com/{lang}/{uidb64}/{token}/"})
    fine = AccountSettings.model_validate({"PASSWORD_RESET_URL": "https://app.example.com/r/{uidb64}/{token}/"})
    assert fine.PASSWORD_RESET_URL is not None
