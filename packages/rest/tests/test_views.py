"""APIView, @api_view, generic views, sync handlers, nested routers, versioning and error mapping, over HTTP."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field
from rest_blog.models import Author, Comment, Post

from fastjango.core.urls import include, path, reverse
from fastjango.rest import exceptions, generics, routers, serializers, versioning, viewsets
from fastjango.rest.authentication import BaseAuthentication
from fastjango.rest.decorators import action, api_view
from fastjango.rest.request import Request
from fastjango.rest.response import Response
from fastjango.rest.views import APIView

pytestmark = pytest.mark.usefixtures("db")


class HeaderUser:
    """A user named by the ``X-User`` header (what a token scheme would resolve)."""

    is_authenticated = True
    is_staff = False

    def __init__(self, name: str) -> None:
        self.username = name
        self.pk = name


class HeaderAuthentication(BaseAuthentication):
    #: What the OpenAPI document says this scheme is (Swagger UI's Authorize button fills it in).
    openapi_security = APIKeyHeader(name="X-User", scheme_name="UserHeader", auto_error=False)

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        name = request.headers.get("x-user")
        if name == "bad":
            raise exceptions.AuthenticationFailed("Unknown user.")
        return (HeaderUser(name), "header") if name else None

    def authenticate_header(self, request: Request) -> str:
        return 'Header realm="api"'


class LoggedIn:
    message = "Log in first."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return True


class Echo(APIView):
    """Says back what it got."""

    async def get(self, request: Request) -> Response:
        return Response({"query": dict(request.query_params), "user": str(request.user)})

    async def post(self, request: Request) -> Response:
        return Response({"data": request.data}, status=201)

    def put(self, request: Request) -> dict[str, Any]:
        # A plain def handler: served from a worker thread, returning data instead of a Response.
        return {"thread": threading.current_thread().name != "MainThread", "data": request.data}


class Private(APIView):
    authentication_classes = [HeaderAuthentication]
    permission_classes = [LoggedIn]

    async def get(self, request: Request) -> Response:
        return Response({"user": request.user.username, "auth": request.auth})


class Failing(APIView):
    async def get(self, request: Request, kind: str) -> Response:
        if kind == "notfound":
            raise exceptions.NotFound("No such thing.")
        if kind == "denied":
            raise exceptions.PermissionDenied()
        if kind == "throttled":
            raise exceptions.Throttled(wait=2.2)
        if kind == "invalid":
            raise serializers.ValidationError({"field": ["Wrong."]})
        if kind == "missing":
            await Author.objects.aget(name="nobody")
        raise RuntimeError("boom")


@api_view(["GET", "POST"])
async def ping(request: Request) -> Response:
    return Response({"method": request.method})


@api_view()
def sync_ping(request: Request, number: int) -> dict[str, int]:
    return {"number": number * 2}


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class AuthorList(generics.ListCreateAPIView):
    queryset = Author.objects.order_by("name")
    serializer_class = AuthorSerializer


class AuthorDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "name", "post"]
        read_only_fields = ["post"]


class PostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()

    class PostOut(BaseModel):
        id: int
        title: str

    serializer_class = PostOut

    class Rename(BaseModel):
        title: str = Field(min_length=1, max_length=20)

    @action(
        detail=True,
        methods=["post"],
        serializer_class=Rename,
        authentication_classes=[HeaderAuthentication],
        permission_classes=[LoggedIn],
    )
    async def rename(self, request: Request, pk: str) -> Response:
        """Give a post a new title (logged-in users only)."""
        serializer = self.get_serializer(data=request.data)
        await serializer.ais_valid(raise_exception=True)
        post = await self.aget_object()
        post.title = serializer.validated_data["title"]
        await post.asave()
        return Response({"title": post.title})

    @action(detail=False)
    def titles(self, request: Request) -> Response:
        """Every title, from a plain def action."""
        return Response(sorted(post.title for post in Post.objects.all()))


class CommentViewSet(viewsets.NestedViewSetMixin, viewsets.ModelViewSet):
    queryset = Comment.objects.order_by("id")
    serializer_class = CommentSerializer
    parent_lookup_kwargs = {"post_pk": "post__pk"}


class VersionedView(APIView):
    versioning_class = versioning.URLPathVersioning
    allowed_versions = ["v1", "v2"]

    async def get(self, request: Request, version: str) -> Response:
        return Response({"version": request.version})


class HeaderVersioning(versioning.AcceptHeaderVersioning):
    allowed_versions = ["1.0", "2.0"]
    default_version = "1.0"


class HeaderVersioned(APIView):
    versioning_class = HeaderVersioning

    async def get(self, request: Request) -> Response:
        return Response({"version": request.version})


class QueryVersioning(versioning.QueryParameterVersioning):
    allowed_versions = ["1", "2"]
    default_version = "1"


class QueryVersionedAuthors(generics.ListAPIView):
    """A list endpoint: ``?version=`` is accepted beside its own parameters."""

    queryset = Author.objects.order_by("name")
    serializer_class = AuthorSerializer
    versioning_class = QueryVersioning

    async def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"version": request.version, "count": await self.get_queryset().acount()})


class PathVersioning(versioning.URLPathVersioning):
    allowed_versions = ["v1", "v2"]


VersionedView.versioning_class = PathVersioning

router = routers.DefaultRouter()
router.register("posts", PostViewSet)
comments = routers.NestedSimpleRouter(router, "posts", lookup="post")
comments.register("comments", CommentViewSet)

urlpatterns = [
    path("echo/", Echo.as_view(), name="echo"),
    path("private/", Private.as_view()),
    path("fail/<kind>/", Failing.as_view()),
    path("ping/", ping, name="ping"),
    path("double/<int:number>/", sync_ping),
    path("authors/", AuthorList.as_view(), name="author-list"),
    path("authors/<int:pk>/", AuthorDetail.as_view(), name="author-detail"),
    path("api/", include((router.urls + comments.urls, "api"))),
    path("<version>/whoami/", VersionedView.as_view()),
    path("versioned/", HeaderVersioned.as_view()),
    path("query-versioned/", QueryVersionedAuthors.as_view()),
]


async def test_apiview_methods_sync_and_async(async_client: Any, backend: str) -> None:
    got = await async_client.get("/echo/?a=1")
    assert got.json() == {"query": {"a": "1"}, "user": "AnonymousUser"}
    posted = await async_client.post("/echo/", json={"x": [1, 2]})
    assert posted.status_code == 201 and posted.json() == {"data": {"x": [1, 2]}}
    form = await async_client.post("/echo/", data={"name": "ann", "tags": ["a", "b"]})
    assert form.json() == {"data": {"name": "ann", "tags": ["a", "b"]}}
    put = await async_client.put("/echo/", json={"y": 1})
    assert put.json() == {"thread": True, "data": {"y": 1}}
    refused = await async_client.delete("/echo/")
    assert refused.status_code == 405
    assert reverse("echo") == "/echo/"


async def test_authentication_and_permission_refusals(async_client: Any, backend: str) -> None:
    anonymous = await async_client.get("/private/")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    assert anonymous.headers["www-authenticate"] == 'Header realm="api"'
    bad = await async_client.get("/private/", headers={"X-User": "bad"})
    assert bad.status_code == 401 and bad.json() == {"detail": "Unknown user."}
    ok = await async_client.get("/private/", headers={"X-User": "ann"})
    assert ok.json() == {"user": "ann", "auth": "header"}


@pytest.mark.parametrize(
    ("kind", "status", "body"),
    [
        ("notfound", 404, {"detail": "No such thing."}),
        ("denied", 403, {"detail": "You do not have permission to perform this action."}),
        ("throttled", 429, {"detail": "Request was throttled. Expected available in 3 seconds."}),
        ("invalid", 400, {"field": ["Wrong."]}),
        ("missing", 404, {"detail": "Not found."}),
    ],
)
async def test_exceptions_become_json_errors(
    async_client: Any, backend: str, kind: str, status: int, body: dict[str, Any]
) -> None:
    response = await async_client.get(f"/fail/{kind}/")
    assert response.status_code == status and response.json() == body
    if kind == "throttled":
        assert response.headers["retry-after"] == "3"


async def test_an_unexpected_error_is_a_plain_500_without_traceback(app: Any, backend: str) -> None:
    import httpx2

    transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/fail/other/")
    assert response.status_code == 500
    assert "boom" not in response.text and "Traceback" not in response.text


async def test_api_view_functions(async_client: Any, backend: str) -> None:
    assert (await async_client.get("/ping/")).json() == {"method": "GET"}
    assert (await async_client.post("/ping/")).json() == {"method": "POST"}
    assert (await async_client.delete("/ping/")).status_code == 405
    assert (await async_client.get("/double/21/")).json() == {"number": 42}


async def test_generic_views(async_client: Any, backend: str) -> None:
    created = await async_client.post("/authors/", json={"name": "Zoe"})
    assert created.status_code == 201
    await Author.objects.acreate(name="Adam")
    listing = await async_client.get("/authors/")
    assert [row["name"] for row in listing.json()] == ["Adam", "Zoe"]
    pk = created.json()["id"]
    assert (await async_client.patch(f"/authors/{pk}/", json={"name": "Zed"})).json()["name"] == "Zed"
    duplicate = await async_client.put(f"/authors/{pk}/", json={"name": "Adam"})
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    assert (await async_client.delete(f"/authors/{pk}/")).status_code == 204
    assert (await async_client.get(f"/authors/{pk}/")).status_code == 404


async def test_pydantic_models_as_serializers_and_action_overrides(async_client: Any, backend: str) -> None:
    author = await Author.objects.acreate(name="Ann")
    post = await Post.objects.acreate(title="Old", author=author)
    assert (await async_client.get(f"/api/posts/{post.pk}/")).json() == {"id": post.pk, "title": "Old"}
    anonymous = await async_client.post(f"/api/posts/{post.pk}/rename/", json={"title": "New"})
    assert anonymous.status_code == 401
    too_long = await async_client.post(
        f"/api/posts/{post.pk}/rename/", json={"title": "x" * 30}, headers={"X-User": "ann"}
    )
    assert too_long.status_code == 400 and "title" in too_long.json()
    renamed = await async_client.post(f"/api/posts/{post.pk}/rename/", json={"title": "New"}, headers={"X-User": "a"})
    assert renamed.json() == {"title": "New"}
    assert (await Post.objects.aget(pk=post.pk)).title == "New"
    assert reverse("api:post-rename", kwargs={"pk": 1}) == "/api/posts/1/rename/"


async def test_nested_router(async_client: Any, backend: str) -> None:
    author = await Author.objects.acreate(name="Ann")
    first = await Post.objects.acreate(title="One", author=author)
    second = await Post.objects.acreate(title="Two", author=author)
    made = await async_client.post(f"/api/posts/{first.pk}/comments/", json={"name": "hi"})
    assert made.status_code == 201 and made.json()["post"] == first.pk
    await Comment.objects.acreate(post=second, name="elsewhere")
    listing = await async_client.get(f"/api/posts/{first.pk}/comments/")
    assert [row["name"] for row in listing.json()] == ["hi"]
    other = await Comment.objects.aget(name="elsewhere")
    assert (await async_client.get(f"/api/posts/{first.pk}/comments/{other.pk}/")).status_code == 404
    assert (await async_client.post("/api/posts/999999/comments/", json={"name": "x"})).status_code == 404
    assert reverse("api:comment-list", kwargs={"post_pk": 5}) == "/api/posts/5/comments/"


async def test_versioning(async_client: Any, backend: str) -> None:
    assert (await async_client.get("/v2/whoami/")).json() == {"version": "v2"}
    unknown = await async_client.get("/v9/whoami/")
    assert unknown.status_code == 404 and "v9" in unknown.json()["detail"]
    assert (await async_client.get("/versioned/")).json() == {"version": "1.0"}
    chosen = await async_client.get("/versioned/", headers={"Accept": "application/json; version=2.0"})
    assert chosen.json() == {"version": "2.0"} and "Accept" in chosen.headers["vary"]
    refused = await async_client.get("/versioned/", headers={"Accept": "application/json; version=3.0"})
    assert refused.status_code == 406
    assert (await async_client.get("/query-versioned/")).json() == {"version": "1", "count": 0}
    assert (await async_client.get("/query-versioned/?version=2")).json()["version"] == "2"
    assert (await async_client.get("/query-versioned/?version=7")).status_code == 404
    assert (await async_client.get("/query-versioned/?versoin=2")).status_code == 400  # a typo is not ignored


async def test_docs_and_schema(async_client: Any, backend: str) -> None:
    assert (await async_client.get("/docs")).status_code == 200
    assert (await async_client.get("/redoc")).status_code == 200
    paths = (await async_client.get("/openapi.json")).json()["paths"]
    rename = paths["/api/posts/{pk}/rename/"]["post"]
    assert rename["summary"] == "Give a post a new title (logged-in users only)."
    assert rename["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("Rename")
    assert set(paths["/api/posts/{post_pk}/comments/"]) == {"get", "post"}
    nested = paths["/api/posts/{post_pk}/comments/{pk}/"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["type"] for p in nested} == {"post_pk": "integer", "pk": "integer"}
    assert "get" in paths["/echo/"] and "post" in paths["/echo/"]


class AuthorIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    email: str = ""


class PlainAuthorViewSet(viewsets.ModelViewSet):
    """A plain Pydantic model as the serializer of a ModelViewSet: the view's model saves it."""

    queryset = Author.objects.order_by("id")
    serializer_class = AuthorIn
    throttle_classes = ()

    class Links(BaseModel):
        self: str
        link: str

    @action(detail=True, methods=["get"], response_model=Links)
    async def link(self, request: Request, pk: str) -> Response:
        return Response({"self": self.reverse_action("detail", pk=pk), "link": self.reverse_action("link", pk=pk)})

    @action(detail=True, methods=["post"], serializer_class=PostViewSet.Rename)
    async def nickname(self, request: Request, pk: str) -> Response:
        return Response({"serializer": self.get_serializer_class().__name__})

    @nickname.mapping.delete
    async def drop_nickname(self, request: Request, pk: str) -> Response:
        return Response({"serializer": self.get_serializer_class().__name__})


class DeepCommentViewSet(viewsets.NestedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Comment.objects.order_by("id")
    serializer_class = CommentSerializer
    parent_lookup_kwargs = {"author_pk": "post__author__pk"}


plain = routers.SimpleRouter()
plain.register("plain-authors", PlainAuthorViewSet, basename="plain-author")
plain.register("by-author/<author_pk>/comments", DeepCommentViewSet, basename="deep-comment")
urlpatterns.append(path("v/", include((plain.urls, "v"))))


async def test_plain_pydantic_model_creates_and_updates_through_the_views_model(
    async_client: Any, backend: str
) -> None:
    created = await async_client.post("/v/plain-authors/", json={"name": "Ann"})
    assert created.status_code == 201, created.text
    assert created.json() == {"name": "Ann", "email": ""}
    author = await Author.objects.aget(name="Ann")
    patched = await async_client.patch(f"/v/plain-authors/{author.pk}/", json={"email": "a@example.com"})
    assert patched.status_code == 200, patched.text
    assert patched.json() == {"name": "Ann", "email": "a@example.com"}
    assert (await Author.objects.aget(pk=author.pk)).name == "Ann"
    assert (await async_client.post("/v/plain-authors/", json={"name": ""})).status_code == 400


async def test_reverse_action_keeps_the_namespace_and_mapping_shares_overrides(async_client: Any, backend: str) -> None:
    author = await Author.objects.acreate(name="Ann")
    links = (await async_client.get(f"/v/plain-authors/{author.pk}/link/")).json()
    assert links == {
        "self": f"http://testserver/v/plain-authors/{author.pk}/",
        "link": f"http://testserver/v/plain-authors/{author.pk}/link/",
    }
    assert (await async_client.post(f"/v/plain-authors/{author.pk}/nickname/")).json()[
        "serializer"
    ] == "RenameSerializer"
    assert (await async_client.delete(f"/v/plain-authors/{author.pk}/nickname/")).json()["serializer"] == (
        "RenameSerializer"
    )


async def test_parent_lookups_through_relations(async_client: Any, backend: str) -> None:
    author = await Author.objects.acreate(name="Ann")
    post = await Post.objects.acreate(title="One", author=author)
    await Comment.objects.acreate(post=post, name="hi")
    listing = await async_client.get(f"/v/by-author/{author.pk}/comments/")
    assert [row["name"] for row in listing.json()] == ["hi"]
    assert (await async_client.get("/v/by-author/abc/comments/")).status_code == 404


async def test_non_field_errors_key_setting(async_client: Any, backend: str, settings: Any) -> None:
    class Pair(serializers.Serializer):
        low = serializers.IntegerField()
        high = serializers.IntegerField()

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs["low"] > attrs["high"]:
                raise serializers.ValidationError("low is above high")
            return attrs

    from fastjango.rest.views import exception_handler

    serializer = Pair(data={"low": 3, "high": 1})
    assert not serializer.is_valid()
    settings.REST_FRAMEWORK = {"NON_FIELD_ERRORS_KEY": "errors"}
    response = exception_handler(serializers.ValidationError(serializer.errors), {})
    assert response is not None and response.status_code == 400
    assert response.body == b'{"errors":["low is above high"]}'


async def test_schema_lists_the_errors_a_route_can_give(async_client: Any, backend: str, settings: Any) -> None:
    paths = (await async_client.get("/openapi.json")).json()["paths"]
    listing = paths["/authors/"]["get"]["responses"]
    assert "422" not in listing and "403" not in listing and "429" not in listing
    private = paths["/private/"]["get"]["responses"]
    assert "403" in private and "401" in private  # HeaderAuthentication challenges: anonymous is a 401
    assert paths["/private/"]["get"]["security"] == [{"UserHeader": []}]
    assert "security" not in paths["/authors/"]["get"]  # the default authentication declares no scheme
    schemes = (await async_client.get("/openapi.json")).json()["components"]["securitySchemes"]
    assert schemes == {"UserHeader": {"type": "apiKey", "in": "header", "name": "X-User"}}
    link = paths["/v/plain-authors/{pk}/link/"]["get"]
    assert link["summary"] == "Link (author)" and "description" not in link  # not the viewset's docstring
    assert link["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Links")
    detail = paths["/v/plain-authors/{pk}/"]["get"]["responses"]
    assert "404" in detail and "422" not in detail  # API views answer bad input with 400, never 422
    assert "400" in paths["/v/plain-authors/"]["post"]["responses"]


async def test_options_passes_the_views_authentication_and_permissions(async_client: Any, backend: str) -> None:
    """As in DRF, OPTIONS is a request like any other: an anonymous caller learns nothing of a private view."""
    anonymous = await async_client.options("/private/")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == 'Header realm="api"'
    known = await async_client.options("/private/", headers={"X-User": "ann"})
    assert known.status_code == 200
    assert known.json()["name"] == "Private" and known.headers["allow"] == "GET, HEAD, OPTIONS"
    assert (await async_client.options("/private/", headers={"X-User": "bad"})).status_code == 401
