"""fastjango-rest views authenticated by JWTs, API keys and the session, checked by DjangoModelPermissions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from auth_app.models import Article
from auth_testing import default_project, project_for
from fastapi import Request

from fastjango.auth import alogin
from fastjango.auth.csrf import csrf_token_view
from fastjango.auth.models import Permission, User
from fastjango.auth.permissions import acreate_permissions
from fastjango.auth.rest import APIKeyAuthentication, JWTAuthentication, SessionAuthentication
from fastjango.auth.tokens.models import ApiKey
from fastjango.core.project import Project
from fastjango.core.urls import include, path
from fastjango.orm.testing.backends import require_backend
from fastjango.rest import routers, serializers, viewsets
from fastjango.rest.decorators import api_view
from fastjango.rest.permissions import DjangoModelPermissions

pytestmark = pytest.mark.usefixtures("db")

PASSWORD = "s3cret-horse-battery"


class ArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title"]


class ArticleViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleSerializer
    authentication_classes = [JWTAuthentication, APIKeyAuthentication, SessionAuthentication]
    permission_classes = [DjangoModelPermissions]


async def session_login(request: Request) -> dict[str, bool]:
    user = await User.objects.aget(username="ann")
    await alogin(request, user, backend="fastjango.auth.backends.ModelBackend")
    return {"ok": True}


@api_view(["GET"])
async def whoami(request: Any) -> dict[str, Any]:
    user = request.user
    return {"class": f"{type(user).__module__}.{type(user).__name__}", "same": user is request.scope.get("user")}


router = routers.SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
urlpatterns = [
    path("api/", include(router.urls)),
    path("auth/", include("fastjango.auth.tokens.urls")),
    path("session-login/", session_login, methods=["POST"]),
    path("csrf/", csrf_token_view),
    path("whoami/", whoami),
]


@pytest.fixture
def fastjango_project(backend: str) -> Iterator[Project]:
    """The auth tests' project with the rest plugin too."""
    project = project_for(require_backend(backend), INSTALLED_PLUGINS=["orm", "auth", "rest"])
    with default_project(project):
        yield project


async def _access(client: Any, name: str = "ann") -> dict[str, str]:
    form = {"grant_type": "password", "username": name, "password": PASSWORD}
    response = await client.post("/auth/token/", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _grant(user: Any, codename: str) -> None:
    await acreate_permissions()
    await user.user_permissions.aadd(await Permission.objects.aget(app_label="auth_app", codename=codename))


async def test_anonymous_401_without_permission_403_with_it_201(async_client: Any, backend: str) -> None:
    ann = await User.objects.acreate_user("ann", "ann@example.com", PASSWORD)
    anonymous = await async_client.post("/api/articles/", json={"title": "Hi"})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="api"'
    headers = await _access(async_client)
    refused = await async_client.post("/api/articles/", json={"title": "Hi"}, headers=headers)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    await _grant(ann, "add_article")
    created = await async_client.post("/api/articles/", json={"title": "Hi"}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Hi"
    assert await Article.objects.acount() == 1


async def test_bad_tokens_are_401_naming_the_problem(async_client: Any, backend: str) -> None:
    await User.objects.acreate_user("ann", "ann@example.com", PASSWORD)
    bad = await async_client.get("/api/articles/", headers={"Authorization": "Bearer a.b.c"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == 'Bearer realm="api"'
    assert "Malformed token" in bad.json()["detail"]
    wrong_key = await async_client.get("/api/articles/", headers={"X-API-Key": "fj_" + "a" * 10 + "_" + "b" * 40})
    assert (wrong_key.status_code, wrong_key.json()["detail"]) == (401, "Invalid API key.")


async def test_api_key_authentication(async_client: Any, backend: str) -> None:
    ann = await User.objects.acreate_user("ann", "ann@example.com", PASSWORD)
    _, plaintext = await ApiKey.objects.acreate_key(ann, "importer")
    headers = {"Authorization": f"Api-Key {plaintext}"}
    assert (await async_client.post("/api/articles/", json={"title": "Hi"}, headers=headers)).status_code == 403
    await _grant(ann, "add_article")
    assert (await async_client.post("/api/articles/", json={"title": "Hi"}, headers=headers)).status_code == 201


async def test_session_users_need_the_csrf_token_and_tokens_do_not_borrow_the_session(
    async_client: Any, backend: str
) -> None:
    ann = await User.objects.acreate_user("ann", "ann@example.com", PASSWORD)
    await _grant(ann, "add_article")
    csrf = (await async_client.get("/csrf/")).json()["csrfToken"]
    assert (await async_client.post("/session-login/", headers={"X-CSRFToken": csrf})).status_code == 200
    csrf = (await async_client.get("/csrf/")).json()["csrfToken"]  # rotated at login
    # The CSRF middleware refuses a cookie request without the token before the view runs.
    forged = await async_client.post("/api/articles/", json={"title": "Forged"})
    assert forged.status_code == 403 and forged.json()["detail"].startswith("CSRF Failed")
    created = await async_client.post("/api/articles/", json={"title": "Mine"}, headers={"X-CSRFToken": csrf})
    assert created.status_code == 201
    # With an Authorization header the CSRF check is skipped, so the session must not count.
    borrowed = await async_client.post(
        "/api/articles/", json={"title": "Borrowed"}, headers={"Authorization": "Bearer not-a-token"}
    )
    assert borrowed.status_code == 401
    assert await Article.objects.acount() == 1


async def test_an_anonymous_api_request_has_the_sites_anonymous_user(async_client: Any, backend: str) -> None:
    """The REST layer keeps the AnonymousUser the auth middleware set, not a class of its own."""
    answer = (await async_client.get("/whoami/")).json()
    assert answer == {"class": "fastjango.auth.models.AnonymousUser", "same": True}
