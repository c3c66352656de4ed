"""ModelViewSet and routers through real HTTP requests: list, create, retrieve, update, destroy, actions."""

from __future__ import annotations

from typing import Any

import pytest
from rest_blog.models import Author, Comment, Post

from fastjango.core.urls import include, path, reverse
from fastjango.rest import routers, serializers, viewsets
from fastjango.rest.decorators import action
from fastjango.rest.response import Response

pytestmark = pytest.mark.usefixtures("db")


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name", "email"]


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "body", "status", "rating", "price", "author"]


class AuthorViewSet(viewsets.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class PostViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()
    serializer_class = PostSerializer

    @action(detail=True, methods=["post"])
    async def publish(self, request: Any, pk: str) -> Response:
        """Publish a post."""
        post = await self.aget_object()
        post.status = "published"
        await post.asave()
        return Response({"status": post.status})


router = routers.DefaultRouter()
router.register("authors", AuthorViewSet)
router.register("posts", PostViewSet)

urlpatterns = [path("api/", include(router.urls))]


async def _author(name: str = "Ann") -> Author:
    return await Author.objects.acreate(name=name)


async def test_list_create_retrieve_update_destroy(async_client: Any, backend: str) -> None:
    author = await _author()
    response = await async_client.post("/api/posts/", json={"title": "Hello", "author": author.pk, "price": "3.50"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["title"] == "Hello" and created["author"] == author.pk and created["price"] == "3.50"
    pk = created["id"]

    listing = await async_client.get("/api/posts/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()] == [pk]

    detail = await async_client.get(f"/api/posts/{pk}/")
    assert detail.json() == created

    put = await async_client.put(f"/api/posts/{pk}/", json={"title": "Bye", "author": author.pk})
    assert put.status_code == 200, put.text
    assert put.json()["title"] == "Bye"

    patch = await async_client.patch(f"/api/posts/{pk}/", json={"rating": 4})
    assert patch.status_code == 200 and patch.json()["rating"] == 4 and patch.json()["title"] == "Bye"

    published = await async_client.post(f"/api/posts/{pk}/publish/")
    assert published.json() == {"status": "published"}
    assert (await Post.objects.aget(pk=pk)).status == "published"

    deleted = await async_client.delete(f"/api/posts/{pk}/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert await Post.objects.filter(pk=pk).acount() == 0
    assert (await async_client.get(f"/api/posts/{pk}/")).status_code == 404


async def test_bad_input_is_a_clear_4xx(async_client: Any, backend: str) -> None:
    author = await _author()
    malformed = await async_client.post(
        "/api/posts/", content=b'{"title": ', headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400 and "JSON parse error" in malformed.json()["detail"]
    wrong_type = await async_client.post("/api/posts/", json={"title": "x", "author": author.pk, "rating": "many"})
    assert wrong_type.status_code == 400 and "rating" in wrong_type.json()
    missing = await async_client.post("/api/posts/", json={})
    assert missing.status_code == 400
    assert missing.json()["title"] == ["This field is required."]
    unknown = await async_client.post("/api/posts/", json={"title": "x", "author": author.pk, "colour": "red"})
    assert unknown.status_code == 400 and unknown.json() == {"colour": ["Unknown field."]}
    read_only = await async_client.post("/api/posts/", json={"id": 7, "title": "x", "author": author.pk})
    assert read_only.status_code == 400 and read_only.json() == {"id": ["This field is read-only."]}
    assert await Post.objects.acount() == 0  # nothing was written by any of them
    not_json = await async_client.post("/api/posts/", content=b"<xml/>", headers={"content-type": "application/xml"})
    assert not_json.status_code == 415
    assert (await async_client.get("/api/posts/abc/")).status_code == 404
    assert (await async_client.get("/api/posts/99999999999999999999999/")).status_code == 404
    unknown = await async_client.get("/api/posts/?titel=x")
    assert unknown.status_code == 400 and "titel" in unknown.json()
    method = await async_client.put("/api/posts/")
    assert method.status_code == 405


async def test_api_root_and_reverse(async_client: Any, backend: str) -> None:
    root = await async_client.get("/api/")
    assert root.json() == {"authors": "http://testserver/api/authors/", "posts": "http://testserver/api/posts/"}
    assert reverse("post-detail", kwargs={"pk": 3}) == "/api/posts/3/"
    assert reverse("post-publish", kwargs={"pk": 3}) == "/api/posts/3/publish/"


async def test_head_and_options_answer_as_in_drf(async_client: Any, backend: str) -> None:
    author = await _author()
    got = await async_client.get(f"/api/authors/{author.pk}/")
    head = await async_client.head(f"/api/authors/{author.pk}/")
    assert head.status_code == 200 and head.headers["content-type"] == got.headers["content-type"]
    assert (await async_client.head("/api/authors/999999/")).status_code == 404  # the GET handler's answer
    options = await async_client.options("/api/posts/")
    assert options.status_code == 200
    assert options.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert options.json() == {
        "name": "Post List",
        "description": "",
        "renders": ["application/json"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
    }
    detail = await async_client.options(f"/api/authors/{author.pk}/")
    assert detail.json()["name"] == "Author Instance"
    assert detail.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH, PUT"
    refused = await async_client.delete("/api/posts/")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    schema = (await async_client.get("/openapi.json")).json()["paths"]["/api/posts/"]
    assert set(schema) == {"get", "post"}  # neither is an operation of its own


async def test_openapi_describes_every_route(async_client: Any, backend: str) -> None:
    schema = (await async_client.get("/openapi.json")).json()
    paths = schema["paths"]
    assert set(paths["/api/posts/"]) == {"get", "post"}
    assert set(paths["/api/posts/{pk}/"]) == {"get", "put", "patch", "delete"}
    create = paths["/api/posts/"]["post"]
    assert "201" in create["responses"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("Input")
    detail = paths["/api/posts/{pk}/"]["get"]
    assert detail["parameters"][0]["schema"]["type"] == "integer"
    assert paths["/api/posts/{pk}/"]["delete"]["responses"].get("204") is not None
    assert paths["/api/posts/{pk}/publish/"]["post"]["summary"] == "Publish a post."
    assert paths["/api/posts/"]["get"]["tags"] == ["post"]


class CommentOut(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "name"]


class PostDetailSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)
    comments = CommentOut(many=True, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "title", "author", "author_name", "comments"]


class PostDetailViewSet(viewsets.ModelViewSet):
    """Output that reads relations: the view loads them with the rows (async code cannot load them lazily)."""

    queryset = Post.objects.order_by("id")
    serializer_class = PostDetailSerializer


details = routers.SimpleRouter()
details.register("post-details", PostDetailViewSet, basename="post-details")
urlpatterns.append(path("api/", include(details.urls)))


async def test_relations_the_output_reads_are_loaded_with_the_rows(async_client: Any, backend: str) -> None:
    author = await _author("Zed")
    first = await Post.objects.acreate(title="One", author=author)
    await Comment.objects.acreate(post=first, name="c1")
    await Comment.objects.acreate(post=first, name="c2")
    await Post.objects.acreate(title="Two", author=author)
    listing = await async_client.get("/api/post-details/")
    assert listing.status_code == 200, listing.text
    assert [(row["author_name"], [c["name"] for c in row["comments"]]) for row in listing.json()] == [
        ("Zed", ["c1", "c2"]),
        ("Zed", []),
    ]
    detail = await async_client.get(f"/api/post-details/{first.pk}/")
    assert detail.json()["author_name"] == "Zed" and len(detail.json()["comments"]) == 2
    created = await async_client.post("/api/post-details/", json={"title": "Three", "author": author.pk})
    assert created.status_code == 201, created.text
    assert created.json()["author_name"] == "Zed" and created.json()["comments"] == []
