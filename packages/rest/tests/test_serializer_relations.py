"""Relations in serializers: many-to-many lists, ``Meta.depth``, hyperlinks, ``many=True`` saves, nested parents.

Tests that reverse URLs outside a request take the ``app`` fixture: it builds the
app from this module's ``urlpatterns`` (the URL conf of its tests).

Each feature is checked on the serializer itself and through HTTP requests
to a ``ModelViewSet`` (whose relation loading must cover what the output
reads: async code cannot load a relation lazily).
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_blog.models import Article, Author, Comment, Post, Tag

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.urls import include, path
from fastjango.orm import IntegrityError
from fastjango.rest import routers, serializers, viewsets
from fastjango.rest.decorators import action
from fastjango.rest.response import Response
from fastjango.rest.serializers._related import related_lookups

pytestmark = pytest.mark.usefixtures("db")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "slug"]


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name", "email"]


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="article-detail")

    class Meta:
        model = Article
        fields = ["url", "id", "title", "author", "tags"]


class SlugArticleSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(many=True, slug_field="slug", queryset=Tag.objects.all(), required=False)

    class Meta:
        model = Article
        fields = ["id", "title", "tags"]


class ArticleDepthSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "author", "tags"]
        depth = 1


class CommentDepthSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "name", "post"]
        depth = 2


class ArticleWithAuthorSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Article
        fields = ["id", "title", "author"]


class ArticleLinksSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="article-detail")
    author = serializers.HyperlinkedRelatedField(view_name="author-detail", read_only=True)

    class Meta:
        model = Article
        fields = ["url", "title", "author"]


class ArticleViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleSerializer


class AuthorViewSet(viewsets.ModelViewSet):
    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


class TagViewSet(viewsets.ModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer

    @action(detail=False, methods=["post"])
    async def bulk(self, request: Any) -> Response:
        """Create several tags at once."""
        serializer = self.get_serializer(data=request.data, many=True)
        await serializer.ais_valid(raise_exception=True)
        await serializer.asave()
        return Response(serializer.data, status=201)


class SlugArticleViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()
    serializer_class = SlugArticleSerializer


class ArticleDepthViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleDepthSerializer


class CommentDepthViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Comment.objects.all()
    serializer_class = CommentDepthSerializer


class ArticleWithAuthorViewSet(viewsets.ModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleWithAuthorSerializer


class ArticleLinksViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Article.objects.all()
    serializer_class = ArticleLinksSerializer


router = routers.DefaultRouter()
router.register("articles", ArticleViewSet)
router.register("authors", AuthorViewSet)
router.register("tags", TagViewSet)
router.register("slug-articles", SlugArticleViewSet, basename="slug-article")
router.register("deep-articles", ArticleDepthViewSet, basename="deep-article")
router.register("deep-comments", CommentDepthViewSet, basename="deep-comment")
router.register("authored-articles", ArticleWithAuthorViewSet, basename="authored-article")
router.register("linked-articles", ArticleLinksViewSet, basename="linked-article")

urlpatterns = [path("api/", include(router.urls))]


async def _tags(*names: str) -> list[Tag]:
    return [await Tag.objects.acreate(name=name, slug=name.lower()) for name in names]


async def _tag_pks(article_pk: int) -> list[int]:
    article = await Article.objects.aget(pk=article_pk)
    return sorted(await article.tags.values_list("pk", flat=True).alist())


# ---------------------------------------------------------------------- many-to-many: the serializer
def test_a_many_to_many_field_maps_to_a_list_of_primary_keys() -> None:
    field = ArticleSerializer().fields["tags"]
    assert isinstance(field, serializers.PrimaryKeyRelatedField) and field.many and not field.required
    tags_in = ArticleSerializer.input_model.model_json_schema()["properties"]["tags"]
    assert tags_in["type"] == "array" and tags_in["items"] == {"type": "integer"}
    assert "tags" not in ArticleSerializer.input_model.model_json_schema().get("required", [])
    tags_out = ArticleSerializer.output_model.model_json_schema(mode="serialization")["properties"]["tags"]
    assert tags_out["type"] == "array" and tags_out["items"] == {"type": "integer"}

    class EverythingSerializer(serializers.ModelSerializer):
        class Meta:
            model = Article
            fields = "__all__"

    assert list(EverythingSerializer().fields) == ["id", "title", "author", "tags"]


def test_views_prefetch_many_to_many_and_skip_the_row_fast_path() -> None:
    assert related_lookups(ArticleSerializer) == ((), ("tags",))
    assert related_lookups(SlugArticleSerializer) == ((), ("tags",))
    assert ArticleSerializer._row_renderer() is None
    assert TagSerializer._row_renderer() is not None


async def test_unknown_primary_keys_are_reported_as_drf_words_them() -> None:
    (news,) = await _tags("News")
    serializer = ArticleSerializer(data={"title": "A", "tags": [news.pk, 9999, 9998]})
    assert not await serializer.ais_valid()
    assert serializer.errors == {
        "tags": ['Invalid pk "9999" - object does not exist.', 'Invalid pk "9998" - object does not exist.']
    }
    serializer = ArticleSerializer(data={"title": "A", "tags": "nope"})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"tags": ['Expected a list of items but got type "str".']}


async def test_many_to_many_create_update_and_clear_with_asave(app: Any) -> None:
    news, tech, art = await _tags("News", "Tech", "Art")
    serializer = ArticleSerializer(data={"title": "A", "tags": [tech.pk, news.pk, tech.pk]})
    assert await serializer.ais_valid(), serializer.errors
    assert serializer.validated_data["tags"] == [tech, news]  # rows, in order, each once
    article = await serializer.asave()
    assert await _tag_pks(article.pk) == sorted([news.pk, tech.pk])
    assert sorted(serializer.data["tags"]) == sorted([news.pk, tech.pk])  # output without a query

    serializer = ArticleSerializer(article, data={"title": "B", "tags": [art.pk]})
    assert await serializer.ais_valid(), serializer.errors
    await serializer.asave()
    assert await _tag_pks(article.pk) == [art.pk]
    assert serializer.data["tags"] == [art.pk]

    serializer = ArticleSerializer(article, data={"title": "C"}, partial=True)
    assert await serializer.ais_valid()
    await serializer.asave()
    assert await _tag_pks(article.pk) == [art.pk]  # absent: left alone

    serializer = ArticleSerializer(article, data={"tags": []}, partial=True)
    assert await serializer.ais_valid()
    await serializer.asave()
    assert await _tag_pks(article.pk) == []


def test_many_to_many_with_the_sync_api() -> None:
    news = Tag.objects.create(name="News", slug="news")
    tech = Tag.objects.create(name="Tech", slug="tech")
    serializer = ArticleSerializer(data={"title": "A", "tags": [news.pk]})
    assert serializer.is_valid(), serializer.errors
    article = serializer.save()
    assert [tag.pk for tag in article.tags.all()] == [news.pk]
    serializer = ArticleSerializer(article, data={"title": "A", "tags": [tech.pk, news.pk]})
    assert serializer.is_valid(), serializer.errors
    serializer.save()
    assert sorted(tag.pk for tag in Article.objects.get(pk=article.pk).tags.all()) == sorted([news.pk, tech.pk])
    serializer = ArticleSerializer(data={"title": "A", "tags": [12345]})
    assert not serializer.is_valid()
    assert serializer.errors == {"tags": ['Invalid pk "12345" - object does not exist.']}


async def test_slug_related_many_reads_and_writes_slugs() -> None:
    await _tags("News", "Tech")
    serializer = SlugArticleSerializer(data={"title": "A", "tags": ["tech", "nope"]})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"tags": ["Object with slug=nope does not exist."]}
    serializer = SlugArticleSerializer(data={"title": "A", "tags": ["tech", "news"]})
    assert await serializer.ais_valid(), serializer.errors
    article = await serializer.asave()
    assert serializer.data == {"id": article.pk, "title": "A", "tags": ["tech", "news"]}
    loaded = await Article.objects.prefetch_related("tags").aget(pk=article.pk)
    assert sorted(SlugArticleSerializer(loaded).data["tags"]) == ["news", "tech"]


async def test_a_read_only_slug_list_beside_the_writable_primary_keys() -> None:
    class LabelledSerializer(serializers.ModelSerializer):
        labels = serializers.SlugRelatedField(many=True, slug_field="slug", source="tags", read_only=True)

        class Meta:
            model = Article
            fields = ["id", "tags", "labels"]

    assert related_lookups(LabelledSerializer) == ((), ("tags",))
    news, tech = await _tags("News", "Tech")
    refused = LabelledSerializer(data={"tags": [news.pk], "labels": ["news"]})
    assert not await refused.ais_valid()
    assert refused.errors == {"labels": ["This field is read-only."]}
    serializer = LabelledSerializer(data={"tags": [news.pk, tech.pk]})
    assert await serializer.ais_valid(), serializer.errors
    article = await serializer.asave()
    assert serializer.data == {"id": article.pk, "tags": [news.pk, tech.pk], "labels": ["news", "tech"]}


async def test_a_reverse_relation_as_a_read_only_list_of_primary_keys() -> None:
    class AuthorPostsSerializer(serializers.ModelSerializer):
        posts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

        class Meta:
            model = Author
            fields = ["name", "posts"]

    assert related_lookups(AuthorPostsSerializer) == ((), ("posts",))
    ann = await Author.objects.acreate(name="Ann")
    first = await Post.objects.acreate(title="One", author=ann)
    second = await Post.objects.acreate(title="Two", author=ann)
    loaded = await Author.objects.prefetch_related("posts").aget(pk=ann.pk)
    assert AuthorPostsSerializer(loaded).json() == b'{"name":"Ann","posts":[%d,%d]}' % (first.pk, second.pk)


# ---------------------------------------------------------------------- Meta.depth: the serializer
def test_depth_nests_forward_relations_read_only() -> None:
    fields = CommentDepthSerializer().fields
    assert isinstance(fields["post"], serializers.ModelSerializer) and fields["post"].read_only
    assert related_lookups(CommentDepthSerializer) == (("post", "post__author"), ())
    assert related_lookups(ArticleDepthSerializer) == (("author",), ("tags",))
    assert "post" not in CommentDepthSerializer.input_model.model_json_schema()["properties"]

    class TooDeep(serializers.ModelSerializer):
        class Meta:
            model = Comment
            fields = "__all__"
            depth = -1

    with pytest.raises(ImproperlyConfigured, match="depth"):
        TooDeep().fields  # noqa: B018


async def test_depth_two_outputs_nested_rows_two_levels_down() -> None:
    ann = await Author.objects.acreate(name="Ann", email="ann@example.com")
    post = await Post.objects.acreate(title="Hello", author=ann)
    comment = await Comment.objects.acreate(post=post, name="first")
    loaded = await Comment.objects.select_related("post__author").aget(pk=comment.pk)
    data = CommentDepthSerializer(loaded).data
    assert data["name"] == "first" and data["post"]["title"] == "Hello"
    assert data["post"]["author"] == {"id": ann.pk, "name": "Ann", "email": "ann@example.com"}


# ---------------------------------------------------------------------- hyperlinks: the serializer
async def test_hyperlinks_are_relative_without_a_request(app: Any) -> None:
    ann = await Author.objects.acreate(name="Ann")
    article = await Article.objects.acreate(title="A", author=ann)
    assert ArticleLinksSerializer(article).data == {
        "url": f"/api/articles/{article.pk}/",
        "title": "A",
        "author": f"/api/authors/{ann.pk}/",
    }
    orphan = await Article.objects.acreate(title="B")
    assert ArticleLinksSerializer(orphan).data["author"] is None


async def test_a_view_name_that_does_not_reverse_is_explained(app: Any) -> None:
    class BrokenSerializer(serializers.ModelSerializer):
        link = serializers.HyperlinkedIdentityField(view_name="no-such-route")

        class Meta:
            model = Tag
            fields = ["link", "name"]

    tag = (await _tags("News"))[0]
    with pytest.raises(ImproperlyConfigured, match=r"BrokenSerializer\.link.*'no-such-route'"):
        BrokenSerializer(tag).data  # noqa: B018
    with pytest.raises(TypeError, match="read_only=True"):
        serializers.HyperlinkedRelatedField(view_name="author-detail")


# ---------------------------------------------------------------------- many=True saves: the serializer
async def test_many_true_asave_creates_every_item() -> None:
    serializer = TagSerializer(data=[{"name": "News", "slug": "news"}, {"name": "Tech", "slug": "tech"}], many=True)
    assert await serializer.ais_valid(), serializer.errors
    created = await serializer.asave()
    assert [tag.name for tag in created] == ["News", "Tech"]
    assert [row["slug"] for row in serializer.data] == ["news", "tech"]
    assert await Tag.objects.acount() == 2


def test_many_true_save_is_one_transaction() -> None:
    serializer = TagSerializer(data=[{"name": "News", "slug": "news"}, {"name": "News", "slug": "other"}], many=True)
    assert serializer.is_valid(), serializer.errors  # each item is free in the database, not within the batch
    with pytest.raises(IntegrityError):
        serializer.save()
    assert Tag.objects.count() == 0  # the first one was rolled back too
    serializer = TagSerializer(data=[{"name": "A", "slug": "a"}], many=True)
    assert serializer.is_valid()
    assert [tag.slug for tag in serializer.save(slug="fixed")] == ["fixed"]
    updating = TagSerializer(list(Tag.objects.all()), data=[{"name": "B", "slug": "b"}], many=True)
    assert updating.is_valid()
    with pytest.raises(NotImplementedError, match="one by one"):
        updating.save()


# ---------------------------------------------------------------------- nested forward foreign key: the serializer
async def test_nested_author_is_created_with_the_article_and_updated_in_place() -> None:
    serializer = ArticleWithAuthorSerializer(data={"title": "A", "author": {"name": "Ann"}})
    assert await serializer.ais_valid(), serializer.errors
    article = await serializer.asave()
    ann = await Author.objects.aget(name="Ann")
    assert article.author_id == ann.pk
    assert serializer.data == {"id": article.pk, "title": "A", "author": {"id": ann.pk, "name": "Ann", "email": ""}}

    loaded = await Article.objects.select_related("author").aget(pk=article.pk)
    serializer = ArticleWithAuthorSerializer(loaded, data={"title": "B", "author": {"name": "Ann", "email": "a@b.co"}})
    assert await serializer.ais_valid(), serializer.errors  # the author's own name is not a conflict
    await serializer.asave()
    assert await Author.objects.acount() == 1
    assert (await Author.objects.aget(pk=ann.pk)).email == "a@b.co"

    taken = ArticleWithAuthorSerializer(data={"title": "C", "author": {"name": "Ann"}})
    assert not await taken.ais_valid()
    assert taken.errors == {"author": {"name": ["Author with this name already exists."]}}
    assert await Article.objects.acount() == 1


def test_nested_author_sync_create_rolls_back_with_the_article() -> None:
    serializer = ArticleWithAuthorSerializer(data={"title": "x" * 60, "author": {"name": "Bob"}})
    assert not serializer.is_valid()
    assert serializer.errors == {"title": ["Ensure this field has no more than 50 characters."]}
    serializer = ArticleWithAuthorSerializer(data={"title": "ok", "author": {"name": "Bob"}})
    assert serializer.is_valid(), serializer.errors
    article = serializer.save()
    assert Article.objects.get(pk=article.pk).author.name == "Bob"


# ---------------------------------------------------------------------- over HTTP
async def test_http_many_to_many_read_write_replace_and_clear(async_client: Any, backend: str) -> None:
    news, tech, art = await _tags("News", "Tech", "Art")
    created = await async_client.post("/api/articles/", json={"title": "A", "tags": [news.pk, tech.pk]})
    assert created.status_code == 201, created.text
    body = created.json()
    pk = body["id"]
    assert sorted(body["tags"]) == sorted([news.pk, tech.pk])
    assert body["url"] == f"http://testserver/api/articles/{pk}/"
    assert created.headers["location"] == body["url"]

    await Article.objects.acreate(title="Untagged")
    listing = await async_client.get("/api/articles/")
    assert listing.status_code == 200, listing.text
    assert [(row["title"], sorted(row["tags"])) for row in listing.json()] == [
        ("A", sorted([news.pk, tech.pk])),
        ("Untagged", []),
    ]
    detail = await async_client.get(f"/api/articles/{pk}/")
    assert detail.status_code == 200 and detail.json()["url"] == body["url"]

    put = await async_client.put(f"/api/articles/{pk}/", json={"title": "A2", "tags": [art.pk]})
    assert put.status_code == 200, put.text
    assert put.json()["tags"] == [art.pk] and await _tag_pks(pk) == [art.pk]

    patch = await async_client.patch(f"/api/articles/{pk}/", json={"title": "A3"})
    assert patch.status_code == 200 and patch.json()["tags"] == [art.pk]

    cleared = await async_client.patch(f"/api/articles/{pk}/", json={"tags": []})
    assert cleared.status_code == 200 and cleared.json()["tags"] == [] and await _tag_pks(pk) == []


async def test_http_unknown_primary_keys_are_a_400(async_client: Any, backend: str) -> None:
    response = await async_client.post("/api/articles/", json={"title": "A", "tags": [424242]})
    assert response.status_code == 400
    assert response.json() == {"tags": ['Invalid pk "424242" - object does not exist.']}
    assert await Article.objects.acount() == 0


async def test_http_slug_many(async_client: Any, backend: str) -> None:
    await _tags("News", "Tech")
    created = await async_client.post("/api/slug-articles/", json={"title": "A", "tags": ["news", "tech"]})
    assert created.status_code == 201, created.text
    detail = await async_client.get(f"/api/slug-articles/{created.json()['id']}/")
    assert sorted(detail.json()["tags"]) == ["news", "tech"]
    wrong = await async_client.post("/api/slug-articles/", json={"title": "B", "tags": ["sport"]})
    assert wrong.status_code == 400 and wrong.json() == {"tags": ["Object with slug=sport does not exist."]}


async def test_http_depth_one_and_two_on_list_and_detail(async_client: Any, backend: str) -> None:
    ann = await Author.objects.acreate(name="Ann")
    (news,) = await _tags("News")
    article = await Article.objects.acreate(title="A", author=ann)
    await article.tags.aadd(news)
    await Article.objects.acreate(title="Lonely")
    expected = {
        "id": article.pk,
        "title": "A",
        "author": {"id": ann.pk, "name": "Ann", "email": ""},
        "tags": [{"id": news.pk, "name": "News", "slug": "news"}],
    }
    listing = await async_client.get("/api/deep-articles/")
    assert listing.status_code == 200, listing.text
    assert listing.json()[0] == expected and listing.json()[1]["author"] is None
    detail = await async_client.get(f"/api/deep-articles/{article.pk}/")
    assert detail.status_code == 200 and detail.json() == expected

    post = await Post.objects.acreate(title="P", author=ann)
    comment = await Comment.objects.acreate(post=post, name="c1")
    deep = await async_client.get("/api/deep-comments/")
    assert deep.status_code == 200, deep.text
    assert deep.json()[0]["post"]["author"] == {"id": ann.pk, "name": "Ann", "email": ""}
    one = await async_client.get(f"/api/deep-comments/{comment.pk}/")
    assert one.status_code == 200 and one.json()["post"]["title"] == "P"


async def test_http_hyperlinks_are_absolute(async_client: Any, backend: str) -> None:
    ann = await Author.objects.acreate(name="Ann")
    article = await Article.objects.acreate(title="A", author=ann)
    listing = await async_client.get("/api/linked-articles/")
    assert listing.status_code == 200, listing.text
    assert listing.json() == [
        {
            "url": f"http://testserver/api/articles/{article.pk}/",
            "title": "A",
            "author": f"http://testserver/api/authors/{ann.pk}/",
        }
    ]
    followed = await async_client.get(listing.json()[0]["author"])
    assert followed.status_code == 200 and followed.json()["name"] == "Ann"


async def test_http_many_true_create(async_client: Any, backend: str) -> None:
    response = await async_client.post(
        "/api/tags/bulk/", json=[{"name": "News", "slug": "news"}, {"name": "Tech", "slug": "tech"}]
    )
    assert response.status_code == 201, response.text
    assert [row["name"] for row in response.json()] == ["News", "Tech"]
    assert await Tag.objects.acount() == 2
    missing = await async_client.post("/api/tags/bulk/", json=[{"name": "Art", "slug": "art"}, {"name": "Sport"}])
    assert missing.status_code == 400 and missing.json() == [{}, {"slug": ["This field is required."]}]
    taken = await async_client.post(
        "/api/tags/bulk/", json=[{"name": "Art", "slug": "art"}, {"name": "News", "slug": "n"}]
    )
    assert taken.status_code == 400 and taken.json() == [{}, {"name": ["Tag with this name already exists."]}]
    assert await Tag.objects.acount() == 2


async def test_http_nested_author_write(async_client: Any, backend: str) -> None:
    created = await async_client.post("/api/authored-articles/", json={"title": "A", "author": {"name": "Ann"}})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["author"]["name"] == "Ann"
    put = await async_client.put(
        f"/api/authored-articles/{body['id']}/", json={"title": "B", "author": {"name": "Anne"}}
    )
    assert put.status_code == 200, put.text
    assert put.json()["author"] == {"id": body["author"]["id"], "name": "Anne", "email": ""}


async def test_http_openapi_types(async_client: Any, backend: str) -> None:
    schema = (await async_client.get("/openapi.json")).json()
    components = schema["components"]["schemas"]
    create = schema["paths"]["/api/articles/"]["post"]
    input_name = create["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert components[input_name]["properties"]["tags"]["type"] == "array"
    assert components[input_name]["properties"]["tags"]["items"] == {"type": "integer"}
    assert "url" not in components[input_name]["properties"]
    output = schema["paths"]["/api/articles/{pk}/"]["get"]["responses"]["200"]["content"]["application/json"]
    output_name = output["schema"]["$ref"].rsplit("/", 1)[-1]
    assert components[output_name]["properties"]["tags"]["items"] == {"type": "integer"}
    assert components[output_name]["properties"]["url"]["type"] == "string"
