"""The code of docs/rest/tutorial.md, run through HTTP so the tutorial cannot drift from the library.

Each block below is a block of the tutorial (the models are rest_blog's, identical to the
tutorial's). Change one, change the other.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_blog.models import Author, Comment, Post, Status

from fastjango.core.urls import include, path, reverse
from fastjango.rest import authentication, exceptions, filters, pagination, permissions, routers, serializers, viewsets
from fastjango.rest.decorators import action, api_view
from fastjango.rest.response import Response

pytestmark = pytest.mark.usefixtures("db")


# --- tutorial: "Serializers" (blog/serializers.py) -----------------------------------------------
class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name", "email"]


class PostSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "title", "body", "status", "price", "created", "author", "author_name"]
        read_only_fields = ["status"]


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "name", "post"]
        read_only_fields = ["post"]


# --- tutorial: "Who is calling" (blog/api.py) -----------------------------------------------------
API_TOKENS = {"s3cret": "ann"}  # a stand-in for a real token table


class TokenUser:
    is_authenticated = True
    is_staff = False

    def __init__(self, username: str) -> None:
        self.pk = self.username = username


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``."""

    def authenticate(self, request: Any) -> tuple[TokenUser, str] | None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "token":
            return None  # not ours: the next class may try, or the client stays anonymous
        username = API_TOKENS.get(key)
        if username is None:
            raise exceptions.AuthenticationFailed("Unknown token.")
        return TokenUser(username), key

    def authenticate_header(self, request: Any) -> str:
        return "Token"


# --- tutorial: "Viewsets" (blog/api.py) -----------------------------------------------------------
class AuthorViewSet(viewsets.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class PostPages(pagination.PageNumberPagination):
    page_size = 10
    page_size_query_param = "page_size"


class PostViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()
    serializer_class = PostSerializer
    pagination_class = PostPages
    filter_backends = [filters.DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    filterset_fields = {"status": ["exact"], "author": ["exact"], "price": ["gte", "lte"]}
    search_fields = ["title", "body"]
    ordering_fields = ["created", "price", "title"]
    ordering = ["-created"]
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    lookup_value_converter = "int"

    @action(detail=True, methods=["post"])
    async def publish(self, request: Any, pk: int) -> Response:
        """Publish a post."""
        post = await self.aget_object()
        post.status = Status.PUBLISHED
        await post.asave()
        return Response(self.get_serializer(post).data)


class CommentViewSet(viewsets.NestedViewSetMixin, viewsets.ModelViewSet):
    queryset = Comment.objects.all()
    serializer_class = CommentSerializer
    parent_lookup_kwargs = {"post_pk": "post__pk"}


# --- tutorial: "A view of your own" (blog/api.py) -------------------------------------------------
@api_view(["GET"])
async def post_stats(request: Any) -> dict[str, int]:
    """How many posts there are in each status."""
    return {status.value: await Post.objects.filter(status=status).acount() for status in Status}


# --- tutorial: "URLs" (mysite/urls.py) ------------------------------------------------------------
router = routers.DefaultRouter()
router.register("authors", AuthorViewSet)
router.register("posts", PostViewSet)

post_router = routers.NestedSimpleRouter(router, "posts", lookup="post")
post_router.register("comments", CommentViewSet)

urlpatterns = [
    path("api/", include(router.urls + post_router.urls)),
    path("api/stats/", post_stats, name="post-stats"),
]

TOKEN = {"Authorization": "Token s3cret"}


# --- tutorial: "Try it" ---------------------------------------------------------------------------
async def test_the_api_root_lists_the_collections(async_client: Any, backend: str) -> None:
    root = await async_client.get("/api/")
    assert root.json() == {"authors": "http://testserver/api/authors/", "posts": "http://testserver/api/posts/"}


async def test_create_read_update_delete(async_client: Any, backend: str) -> None:
    ann = await async_client.post("/api/authors/", json={"name": "Ann", "email": "ann@example.com"})
    assert ann.status_code == 201 and ann.json() == {"id": ann.json()["id"], "name": "Ann", "email": "ann@example.com"}
    author_id = ann.json()["id"]

    created = await async_client.post(
        "/api/posts/", json={"title": "Hello", "body": "First!", "price": "9.50", "author": author_id}, headers=TOKEN
    )
    assert created.status_code == 201, created.text
    post = created.json()
    assert post["author_name"] == "Ann" and post["status"] == "draft" and post["price"] == "9.50"
    assert post["created"].endswith("Z")

    pk = post["id"]
    assert (await async_client.get(f"/api/posts/{pk}/")).json() == post
    patched = await async_client.patch(f"/api/posts/{pk}/", json={"title": "Hello again"}, headers=TOKEN)
    assert patched.status_code == 200 and patched.json()["title"] == "Hello again"
    refused = await async_client.patch(f"/api/posts/{pk}/", json={"status": "published"}, headers=TOKEN)
    assert refused.status_code == 400 and refused.json() == {"status": ["This field is read-only."]}

    published = await async_client.post(f"/api/posts/{pk}/publish/", headers=TOKEN)
    assert published.status_code == 200 and published.json()["status"] == "published"

    assert (await async_client.delete(f"/api/posts/{pk}/", headers=TOKEN)).status_code == 204
    assert (await async_client.get(f"/api/posts/{pk}/")).status_code == 404


async def test_reads_are_open_and_writes_need_a_token(async_client: Any, backend: str) -> None:
    author = await Author.objects.acreate(name="Ann")
    anonymous = await async_client.post("/api/posts/", json={"title": "x", "author": author.pk})
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    assert anonymous.headers["www-authenticate"] == "Token"
    wrong = await async_client.post(
        "/api/posts/", json={"title": "x", "author": author.pk}, headers={"Authorization": "Token nope"}
    )
    assert wrong.status_code == 401 and wrong.json() == {"detail": "Unknown token."}
    assert (await async_client.get("/api/posts/")).status_code == 200
    assert await Post.objects.acount() == 0


async def test_pages_filters_search_and_ordering(async_client: Any, backend: str) -> None:
    ann = await Author.objects.acreate(name="Ann")
    bob = await Author.objects.acreate(name="Bob")
    for number in range(12):
        await Post.objects.acreate(title=f"Post {number:02}", price=number, author=ann if number % 2 else bob)

    first = (await async_client.get("/api/posts/")).json()
    assert first["count"] == 12 and len(first["results"]) == 10
    assert first["next"] == "http://testserver/api/posts/?page=2" and first["previous"] is None

    cheap = (await async_client.get(f"/api/posts/?author={ann.pk}&price__lte=5&ordering=-price")).json()
    assert [row["title"] for row in cheap["results"]] == ["Post 05", "Post 03", "Post 01"]

    found = (await async_client.get("/api/posts/?search=1&ordering=title&page_size=2")).json()
    assert [row["title"] for row in found["results"]] == ["Post 01", "Post 10"] and found["count"] == 3

    typo = await async_client.get("/api/posts/?auhtor=1")
    assert typo.status_code == 400
    assert typo.json() == {
        "auhtor": [
            "Unknown query parameter. This endpoint accepts: "
            "author, ordering, page, page_size, price__gte, price__lte, search, status."
        ]
    }
    bad_order = await async_client.get("/api/posts/?ordering=body")
    assert bad_order.status_code == 400 and "ordering" in bad_order.json()
    assert (await async_client.get("/api/posts/?page=9")).status_code == 404


async def test_comments_live_under_their_post(async_client: Any, backend: str) -> None:
    ann = await Author.objects.acreate(name="Ann")
    post = await Post.objects.acreate(title="Hello", author=ann)
    other = await Post.objects.acreate(title="Other", author=ann)

    made = await async_client.post(f"/api/posts/{post.pk}/comments/", json={"name": "Nice"})
    assert made.status_code == 201 and made.json() == {"id": made.json()["id"], "name": "Nice", "post": post.pk}
    await Comment.objects.acreate(post=other, name="Elsewhere")

    listing = await async_client.get(f"/api/posts/{post.pk}/comments/")
    assert [row["name"] for row in listing.json()] == ["Nice"]
    assert (await async_client.post("/api/posts/999999/comments/", json={"name": "x"})).status_code == 404
    duplicate = await async_client.post(f"/api/posts/{post.pk}/comments/", json={"name": "Nice"})
    assert duplicate.status_code == 409


async def test_a_function_view(async_client: Any, backend: str) -> None:
    ann = await Author.objects.acreate(name="Ann")
    await Post.objects.acreate(title="One", author=ann, status=Status.PUBLISHED)
    await Post.objects.acreate(title="Two", author=ann)
    await Post.objects.acreate(title="Three", author=ann)
    assert (await async_client.get("/api/stats/")).json() == {"draft": 2, "published": 1}
    assert (await async_client.post("/api/stats/")).status_code == 405


async def test_route_names(async_client: Any, backend: str) -> None:
    assert reverse("post-list") == "/api/posts/"
    assert reverse("post-detail", kwargs={"pk": 7}) == "/api/posts/7/"
    assert reverse("post-publish", kwargs={"pk": 7}) == "/api/posts/7/publish/"
    assert reverse("comment-detail", kwargs={"post_pk": 7, "pk": 3}) == "/api/posts/7/comments/3/"
    assert reverse("api-root") == "/api/"
    assert reverse("post-stats") == "/api/stats/"


# --- tutorial: "The OpenAPI document" ------------------------------------------------------------
async def test_the_schema_describes_the_api(async_client: Any, backend: str) -> None:
    assert (await async_client.get("/docs")).status_code == 200
    paths = (await async_client.get("/openapi.json")).json()["paths"]
    listing = paths["/api/posts/"]["get"]
    assert listing["summary"] == "List posts" and listing["tags"] == ["post"]
    params = {p["name"] for p in listing["parameters"]}
    assert params == {"status", "author", "price__gte", "price__lte", "search", "ordering", "page", "page_size"}
    envelope = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert envelope.endswith("PaginatedPostList")
    assert paths["/api/posts/{pk}/publish/"]["post"]["summary"] == "Publish a post."
    assert set(paths["/api/posts/{post_pk}/comments/{pk}/"]) == {"get", "put", "patch", "delete"}


async def test_the_schema_lists_error_responses(async_client: Any, backend: str) -> None:
    paths = (await async_client.get("/openapi.json")).json()["paths"]
    detail = paths["/api/posts/{pk}/"]["get"]["responses"]
    assert {"200", "403", "404"} <= set(detail) and "422" not in detail
    assert "400" in paths["/api/posts/"]["get"]["responses"]
