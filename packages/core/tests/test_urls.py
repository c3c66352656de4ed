"""URL confs: converters, include and namespaces, OpenAPI output, reverse() and its errors."""

from __future__ import annotations

import contextlib
import importlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter
from starlette.requests import Request
from starlette.testclient import TestClient

from fastjango.core import ImproperlyConfigured, NoReverseMatch, Project, include, path, reverse, url_for
from fastjango.core.urls import register_converter

MakeProject = Callable[..., Project]


async def post_detail(pk):  # type: ignore[no-untyped-def]  # unannotated on purpose: the route types it
    return {"pk": pk, "type": type(pk).__name__}


async def by_slug(slug: str) -> dict[str, str]:
    return {"slug": slug}


async def by_uuid(key: uuid.UUID) -> dict[str, str]:
    return {"key": str(key)}


async def files(rest: str) -> dict[str, str]:
    return {"rest": rest}


async def create_post() -> dict[str, bool]:
    return {"created": True}


async def absolute(request: Request) -> dict[str, str]:
    return {"url": url_for("blog:post-detail", request=request, pk=7)}


router = APIRouter(tags=["items"])


@router.get("/items/{item_id}", name="item")
async def read_item(item_id: int) -> dict[str, int]:
    return {"item_id": item_id}


def blog_patterns() -> list[Any]:
    return [
        path("posts/<int:pk>/", post_detail, name="post-detail"),
        path("posts/", create_post, name="post-create", methods=["POST"], status_code=201),
        path("tags/<slug:slug>/", by_slug, name="tag"),
        path("absolute/", absolute),
    ]


@pytest.fixture
def project(package: Callable[..., str], make_project: MakeProject) -> Iterator[Project]:
    name = package(urls="urlpatterns = []\n", blog_urls="app_name = 'blog'\nurlpatterns = []\n")
    blog = importlib.import_module(f"{name}.blog_urls")
    blog.urlpatterns = blog_patterns()
    root = importlib.import_module(f"{name}.urls")
    root.urlpatterns = [
        path("blog/", include(f"{name}.blog_urls")),
        path("mirror/", include(f"{name}.blog_urls", namespace="mirror")),
        path("keys/<uuid:key>/", by_uuid, name="key"),
        path("files/<path:rest>", files, name="files"),
        path("api/", include(router, namespace="api")),
        path("nested/", include(([path("v1/", include(([path("ping/", create_post, name="ping")], "v1")))], "outer"))),
    ]
    project = make_project(ROOT_URLCONF=f"{name}.urls", ALLOWED_HOSTS=["testserver"])
    with project.activated():
        yield project


@pytest.fixture
def client(project: Project) -> Iterator[TestClient]:
    with TestClient(project.app) as test_client:
        yield test_client


def test_int_converter_matches_digits_only_and_types_the_view(client: TestClient) -> None:
    assert client.get("/blog/posts/42/").json() == {"pk": 42, "type": "int"}
    assert client.get("/blog/posts/abc/").status_code == 404  # no match, as in Django, not a 422


def test_slug_uuid_and_path_converters(client: TestClient) -> None:
    assert client.get("/blog/tags/hello-world_2/").json() == {"slug": "hello-world_2"}
    assert client.get("/blog/tags/not a slug/").status_code == 404
    key = uuid.uuid4()
    assert client.get(f"/keys/{key}/").json() == {"key": str(key)}
    assert client.get("/keys/not-a-uuid/").status_code == 404
    assert client.get("/files/a/b/c.txt").json() == {"rest": "a/b/c.txt"}


def test_methods_and_fastapi_options_pass_through(client: TestClient) -> None:
    created = client.post("/blog/posts/")
    assert (created.status_code, created.json()) == (201, {"created": True})
    assert client.get("/blog/posts/").status_code == 405


def test_missing_trailing_slash_redirects(client: TestClient) -> None:
    response = client.get("/blog/posts/3", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith("/blog/posts/3/")


def test_routes_appear_in_openapi_with_types_and_tags(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    detail = schema["paths"]["/blog/posts/{pk}/"]["get"]
    assert detail["parameters"][0]["name"] == "pk"
    assert detail["parameters"][0]["schema"]["type"] == "integer"
    assert schema["paths"]["/keys/{key}/"]["get"]["parameters"][0]["schema"]["format"] == "uuid"
    assert schema["paths"]["/api/items/{item_id}"]["get"]["tags"] == ["items"]
    assert "201" in schema["paths"]["/blog/posts/"]["post"]["responses"]
    assert client.get("/docs").status_code == 200


def test_reverse_through_namespaces(project: Project) -> None:
    assert reverse("blog:post-detail", kwargs={"pk": 5}) == "/blog/posts/5/"
    assert reverse("blog:post-detail", args=[5]) == "/blog/posts/5/"
    assert reverse("mirror:post-detail", kwargs={"pk": 5}) == "/mirror/posts/5/"
    assert reverse("api:item", kwargs={"item_id": 9}) == "/api/items/9"
    assert reverse("outer:v1:ping") == "/nested/v1/ping/"
    assert reverse("files", kwargs={"rest": "a/b"}) == "/files/a/b"
    assert reverse("blog:tag", kwargs={"slug": "x"}, query={"page": 2}) == "/blog/tags/x/?page=2"


def test_reverse_errors_say_what_is_wrong(project: Project) -> None:
    with pytest.raises(NoReverseMatch, match="No route is named 'blog:post-detial'. Did you mean 'blog:post-detail'"):
        reverse("blog:post-detial", kwargs={"pk": 1})
    with pytest.raises(
        NoReverseMatch, match=r"got arguments \['id'\]; the route /blog/posts/\{pk:int\}/ takes \['pk'\]"
    ):
        reverse("blog:post-detail", kwargs={"id": 1})
    with pytest.raises(NoReverseMatch, match="args or kwargs, not both"):
        reverse("blog:post-detail", args=[1], kwargs={"pk": 1})
    with pytest.raises(NoReverseMatch, match="does not fit"):
        reverse("blog:post-detail", kwargs={"pk": -1})


def test_url_for_builds_absolute_urls_from_the_request(client: TestClient) -> None:
    assert client.get("/blog/absolute/").json() == {"url": "http://testserver/blog/posts/7/"}


def test_routes_added_straight_to_fastapi_still_work_and_reverse(project: Project) -> None:
    app = project.app

    @app.get("/direct/{n}", name="direct")
    async def direct(n: int) -> dict[str, int]:
        return {"n": n}

    with TestClient(app) as client:
        assert client.get("/direct/3").json() == {"n": 3}
    assert reverse("direct", kwargs={"n": 3}) == "/direct/3"


def test_view_missing_a_captured_parameter_fails_at_startup(
    package: Callable[..., str], make_project: MakeProject
) -> None:
    name = package(urls="urlpatterns = []\n")

    async def detail(id: int) -> dict[str, int]:  # noqa: A002
        return {}

    importlib.import_module(f"{name}.urls").urlpatterns = [path("posts/<int:pk>/", detail)]
    project = make_project(ROOT_URLCONF=f"{name}.urls")
    with pytest.raises(
        ImproperlyConfigured, match="captures 'pk', but the view .*detail.* has no parameter named 'pk'"
    ):
        _ = project.app


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("posts/<integer:pk>/", "Unknown path converter 'integer'; known converters: int, path, slug, str, uuid"),
        ("posts/<int:1pk>/", "uses '1pk' as a parameter name"),
        ("posts/<int:pk/", "unmatched '<' or '>'"),
        ("a/<pk>/<int:pk>/", "captures 'pk' twice"),
    ],
)
def test_malformed_routes_are_named(route: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        path(route, post_detail)


def test_bad_url_conf_modules_are_named(package: Callable[..., str], make_project: MakeProject) -> None:
    name = package(empty="X = 1\n")
    with pytest.raises(ImproperlyConfigured, match="must define a `urlpatterns` list"):
        _ = make_project(ROOT_URLCONF=f"{name}.empty").urls
    with pytest.raises(ImproperlyConfigured, match="The URL conf 'nowhere.urls' cannot be imported"):
        _ = make_project(ROOT_URLCONF="nowhere.urls").urls
    with pytest.raises(ImproperlyConfigured, match="pass a function or include"):
        path("x/", "not a view")  # type: ignore[arg-type]


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year < 1900:
            raise ValueError("too old")
        return year

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


async def archive(year: int) -> dict[str, int]:
    return {"year": year}


def test_custom_converters_work_like_djangos(package: Callable[..., str], make_project: MakeProject) -> None:
    with contextlib.suppress(ValueError):  # registered by an earlier test in this process
        register_converter(FourDigitYear, "yyyy")
    name = package(urls="urlpatterns = []\n")
    importlib.import_module(f"{name}.urls").urlpatterns = [path("archive/<yyyy:year>/", archive, name="archive")]
    project = make_project(ROOT_URLCONF=f"{name}.urls", ALLOWED_HOSTS=["testserver"])
    with TestClient(project.app) as client:
        assert client.get("/archive/2024/").json() == {"year": 2024}
        assert client.get("/archive/24/").status_code == 404
        assert client.get("/archive/1850/").status_code == 404  # ValueError in to_python is "no match"
    with project.activated():
        assert reverse("archive", kwargs={"year": 2024}) == "/archive/2024/"
