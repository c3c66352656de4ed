"""/openapi.json of a project mounting ``fastjango.auth.urls``: every answer of the account endpoints is documented.

Schema-driven clients (generated SDKs, schemathesis) trust the documented
status codes and bodies; these tests read the served schema, and send real
requests to check that what the endpoints answer is what the schema says.
"""

from __future__ import annotations

from typing import Any

import pytest

from fastjango.auth.models import User
from fastjango.auth.ratelimit import reset_memory_stores
from fastjango.core.urls import include, path

pytestmark = pytest.mark.usefixtures("db")

PASSWORD = "s3cret-horse-battery"

urlpatterns = [path("accounts/", include("fastjango.auth.urls"))]


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    reset_memory_stores()


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


async def _schema(client: Any) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200, response.text
    schema: dict[str, Any] = response.json()
    return schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` (``#/components/schemas/Name``) followed."""
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _json_body(schema: dict[str, Any], operation: dict[str, Any], status: int) -> dict[str, Any]:
    """The documented JSON body schema of ``status``."""
    documented = operation["responses"][str(status)]
    return _resolve(schema, documented["content"]["application/json"]["schema"])


async def test_the_token_endpoint_documents_the_pair_rfc_errors_and_the_rate_limit(
    async_client: Any, backend: str
) -> None:
    schema = await _schema(async_client)
    token = schema["paths"]["/accounts/token/"]["post"]
    assert set(token["responses"]) == {"200", "400", "429"}
    pair = _json_body(schema, token, 200)
    assert set(pair["required"]) == {"access_token", "token_type", "expires_in", "refresh_token"}
    for status in (400, 429):
        assert set(_json_body(schema, token, status)["required"]) == {"error", "error_description"}
    assert "Retry-After" in token["responses"]["429"]["headers"]
    # The password grant is a form post (what Swagger UI's Authorize sends), never JSON.
    assert list(token["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
    refresh = schema["paths"]["/accounts/token/refresh/"]["post"]
    assert set(refresh["responses"]) == {"200", "400"}
    assert set(schema["paths"]["/accounts/token/revoke/"]["post"]["responses"]) == {"200", "400"}


async def test_password_change_documents_each_refusal(async_client: Any, backend: str) -> None:
    schema = await _schema(async_client)
    change = schema["paths"]["/accounts/password/change/"]["post"]
    assert set(change["responses"]) == {"200", "303", "400", "401", "403", "415", "429"}
    assert set(_json_body(schema, change, 400)["required"]) == {"detail", "code"}
    assert "errors" in _json_body(schema, change, 400)["properties"]
    assert set(_json_body(schema, change, 429)["required"]) == {"detail", "code", "retry_after"}
    assert _json_body(schema, change, 401)["required"] == ["detail"]
    # A form's redirect: a Location and no body.
    assert "content" not in change["responses"]["303"] and "Location" in change["responses"]["303"]["headers"]


async def test_the_login_page_is_documented_as_html_or_the_csrf_token(async_client: Any, backend: str) -> None:
    schema = await _schema(async_client)
    page = schema["paths"]["/accounts/login/"]["get"]
    assert set(page["responses"]) == {"200"}
    content = page["responses"]["200"]["content"]
    assert content["text/html"]["schema"] == {"type": "string"}
    assert _resolve(schema, content["application/json"]["schema"])["required"] == ["csrfToken"]
    answered = await async_client.get("/accounts/login/", headers={"Accept": "text/html"})
    assert answered.headers["content-type"].startswith("text/html")


async def test_what_the_endpoints_answer_is_documented(async_client: Any, backend: str) -> None:
    """Real refusals, one per kind: each status is documented for its operation, with the body's keys."""
    await User.objects.acreate_user("ann", "ann@example.com", PASSWORD)
    schema = await _schema(async_client)
    login = "/accounts/login/"
    cases = [
        ("/accounts/login/", await async_client.post(login, content=b"\x00", headers=_json())),
        ("/accounts/login/", await async_client.post(login, content=b"x", headers={"Content-Type": "text/plain"})),
        ("/accounts/login/", await async_client.post(login, json={"username": "ann", "password": "wrong"})),
        ("/accounts/password/change/", await async_client.post("/accounts/password/change/", json={})),
        ("/accounts/password/reset/", await async_client.post("/accounts/password/reset/", json={"email": "no"})),
        ("/accounts/token/", await async_client.post("/accounts/token/", data={"grant_type": "magic"})),
        ("/accounts/token/", await async_client.post("/accounts/token/", content=b"\x00", headers=_json())),
        (
            "/accounts/token/",
            await async_client.post(
                "/accounts/token/", content=b"--x\r\n", headers={"Content-Type": "multipart/form-data; boundary=x"}
            ),
        ),
        ("/accounts/token/refresh/", await async_client.post("/accounts/token/refresh/", json={"refresh_token": "x"})),
        ("/accounts/token/revoke/", await async_client.post("/accounts/token/revoke/", json=[])),
    ]
    seen = set()
    for url, response in cases:
        operation = schema["paths"][url]["post"]
        assert str(response.status_code) in operation["responses"], (url, response.status_code, response.text)
        body = _json_body(schema, operation, response.status_code)
        assert set(body["required"]) <= set(response.json()) <= set(body["properties"]), (url, response.text)
        seen.add(response.status_code)
    assert seen == {400, 401, 415}
    # With a session cookie, an unsafe request without the CSRF token is refused: documented as a 403.
    logged_in = await async_client.post(login, json={"username": "ann", "password": PASSWORD})
    assert logged_in.status_code == 200, logged_in.text
    refused = await async_client.post("/accounts/logout/", json={})
    assert refused.status_code == 403 and refused.json()["detail"].startswith("CSRF Failed")
    assert "403" in schema["paths"]["/accounts/logout/"]["post"]["responses"]
