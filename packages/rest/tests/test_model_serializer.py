"""ModelSerializer on real databases: field mapping, database checks, saving, nested writes, fast output."""

from __future__ import annotations

import decimal
import json
from typing import Any

import pytest
from rest_blog.models import Author, Comment, Post

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import SynchronousOnlyOperation
from fastjango.rest import serializers

pytestmark = pytest.mark.usefixtures("db")


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = "__all__"


class CommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "name"]


class PostSerializer(serializers.ModelSerializer):
    comments = CommentSerializer(many=True, required=False)

    class Meta:
        model = Post
        fields = ["id", "title", "body", "status", "rating", "price", "created", "author", "comments"]
        extra_kwargs = {"body": {"write_only": True}}


class PostSummarySerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Post
        exclude = ["body", "created"]
        read_only_fields = ["status"]


def test_model_fields_map_to_the_three_models() -> None:
    schema = PostSerializer.input_model.model_json_schema()
    properties = schema["properties"]
    assert sorted(schema["required"]) == ["author", "title"]  # default, blank, null: not required
    assert "id" not in properties and "created" not in properties  # primary key and auto_now_add: read-only
    assert properties["title"] == {
        "maxLength": 20,
        "title": "Title",
        "description": "Shown in lists.",
        "type": "string",
    }
    assert properties["status"]["enum"] == ["draft", "published"]
    assert properties["rating"]["anyOf"] == [{"minimum": 0, "type": "integer"}, {"type": "null"}]
    assert properties["author"]["type"] == "integer"
    assert properties["comments"]["items"] == {"$ref": "#/$defs/CommentInput"}
    assert "required" not in PostSerializer.partial_model.model_json_schema()
    output = PostSerializer.output_model.model_json_schema(mode="serialization")["properties"]
    assert {"id", "created", "author", "comments"} <= set(output) and "body" not in output
    assert output["created"]["format"] == "date-time"
    assert output["status"]["enum"] == ["draft", "published"]
    assert set(PostSummarySerializer.output_model.model_fields) >= {"author_name", "status"}
    assert "status" not in PostSummarySerializer.input_model.model_fields


async def test_invalid_model_data_reports_drf_errors() -> None:
    serializer = PostSerializer(data={"title": "x" * 21, "status": "gone", "rating": -1, "price": "1234.567"})
    assert not await serializer.ais_valid()
    assert serializer.errors == {
        "title": ["Ensure this field has no more than 20 characters."],
        "status": ['"gone" is not a valid choice.'],
        "rating": ["Ensure this value is greater than or equal to 0."],
        "price": ["Ensure that there are no more than 6 digits in total."],
        "author": ["This field is required."],
    }


async def test_primary_key_related_field_checks_the_row_exists() -> None:
    serializer = PostSerializer(data={"title": "Hello", "author": 999999})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"author": ['Invalid pk "999999" - object does not exist.']}
    author = await Author.objects.acreate(name="Ann")
    serializer = PostSerializer(data={"title": "Hello", "author": author.pk})
    assert await serializer.ais_valid(), serializer.errors
    assert serializer.validated_data == {"title": "Hello", "author_id": author.pk}


async def test_unique_values_are_checked_against_the_database() -> None:
    ann = await Author.objects.acreate(name="Ann")
    serializer = AuthorSerializer(data={"name": "Ann"})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"name": ["Author with this name already exists."]}
    # Updating Ann herself keeps her name free.
    assert await AuthorSerializer(ann, data={"name": "Ann", "email": "ann@example.com"}).ais_valid()


async def test_unique_together_is_a_non_field_error() -> None:
    author = await Author.objects.acreate(name="Ann")
    post = await Post.objects.acreate(title="P", author=author)
    await Comment.objects.acreate(post=post, name="first")

    class FullCommentSerializer(serializers.ModelSerializer):
        class Meta:
            model = Comment
            fields = ["post", "name"]

    serializer = FullCommentSerializer(data={"post": post.pk, "name": "first"})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"non_field_errors": ["The fields post, name must make a unique set."]}


async def test_is_valid_on_the_event_loop_points_to_ais_valid() -> None:
    with pytest.raises(SynchronousOnlyOperation, match="ais_valid"):
        AuthorSerializer(data={"name": "Ann"}).is_valid()


def test_sync_create_update_and_partial_update() -> None:
    author = Author.objects.create(name="Ann")
    serializer = PostSerializer(data={"title": "Hello", "author": author.pk, "body": "Text"})
    assert serializer.is_valid(), serializer.errors
    post = serializer.save()
    assert Post.objects.get(pk=post.pk).body == "Text"
    assert serializer.data["title"] == "Hello" and "body" not in serializer.data  # write_only
    assert serializer.data["author"] == author.pk and serializer.data["price"] == "0.00"

    serializer = PostSerializer(post, data={"rating": 4}, partial=True)
    assert serializer.is_valid(), serializer.errors
    serializer.save()
    fresh = Post.objects.get(pk=post.pk)
    assert (fresh.title, fresh.rating, fresh.body) == ("Hello", 4, "Text")

    serializer = PostSerializer(post, data={"rating": 5})
    assert not serializer.is_valid()  # a full update needs the required fields
    assert serializer.errors == {"title": ["This field is required."], "author": ["This field is required."]}


async def test_async_save_with_extra_values() -> None:
    ann = await Author.objects.acreate(name="Ann")
    bob = await Author.objects.acreate(name="Bob")
    serializer = PostSerializer(data={"title": "Hello", "author": ann.pk, "price": "3.50"})
    assert await serializer.ais_valid()
    post = await serializer.asave(author_id=bob.pk, rating=2)
    fresh = await Post.objects.aget(pk=post.pk)
    assert (fresh.author_id, fresh.rating, fresh.price) == (bob.pk, 2, decimal.Decimal("3.50"))
    serializer = PostSerializer(post, data={"title": "Renamed"}, partial=True)
    assert await serializer.ais_valid()
    await serializer.asave()
    assert (await Post.objects.aget(pk=post.pk)).title == "Renamed"


async def test_nested_create_writes_parent_and_children_together() -> None:
    author = await Author.objects.acreate(name="Ann")
    serializer = PostSerializer(
        data={"title": "Hello", "author": author.pk, "comments": [{"name": "one"}, {"name": "two"}]}
    )
    assert await serializer.ais_valid(), serializer.errors
    post = await serializer.asave()
    names = await Comment.objects.filter(post=post).order_by("id").values_list("name", flat=True).alist()
    assert names == ["one", "two"]


async def test_a_failing_child_rolls_back_the_parent_and_reports_its_path() -> None:
    author = await Author.objects.acreate(name="Ann")
    serializer = PostSerializer(
        data={"title": "Hello", "author": author.pk, "comments": [{"name": "same"}, {"name": "same"}]}
    )
    assert await serializer.ais_valid()  # the post does not exist yet: nothing to collide with
    with pytest.raises(serializers.ValidationError) as caught:
        await serializer.asave()
    assert caught.value.detail == {
        "comments": [{}, {"non_field_errors": ["Comment with this post, name already exists."]}]
    }
    assert await Post.objects.acount() == 0
    assert await Comment.objects.acount() == 0


def test_sync_nested_update_replaces_the_children_and_rolls_back_on_error() -> None:
    author = Author.objects.create(name="Ann")
    post = Post.objects.create(title="Hello", author=author)
    Comment.objects.create(post=post, name="old")
    serializer = PostSerializer(post, data={"title": "Hi", "author": author.pk, "comments": [{"name": "new"}]})
    assert serializer.is_valid(), serializer.errors
    serializer.save()
    assert list(Comment.objects.filter(post=post).values_list("name", flat=True)) == ["new"]

    serializer = PostSerializer(
        post, data={"title": "Bye", "author": author.pk, "comments": [{"name": "a"}, {"name": "a"}]}
    )
    assert serializer.is_valid()
    with pytest.raises(serializers.ValidationError):
        serializer.save()
    assert Post.objects.get(pk=post.pk).title == "Hi"
    assert list(Comment.objects.filter(post=post).values_list("name", flat=True)) == ["new"]

    serializer = PostSerializer(post, data={"title": "Kept children"}, partial=True)
    assert serializer.is_valid()
    serializer.save()
    assert list(Comment.objects.filter(post=post).values_list("name", flat=True)) == ["new"]


def test_nested_input_errors_are_reported_at_nested_paths() -> None:
    author = Author.objects.create(name="Ann")
    serializer = PostSerializer(
        data={"title": "Hello", "author": author.pk, "comments": [{"name": "ok"}, {"name": ""}]}
    )
    assert not serializer.is_valid()
    assert serializer.errors == {"comments": [{}, {"name": ["This field may not be blank."]}]}


async def test_many_output_matches_the_expected_json() -> None:
    author = await Author.objects.acreate(name="Ann")
    first = await Post.objects.acreate(title="One", author=author, rating=3)
    second = await Post.objects.acreate(title="Two", author=author, status="published")
    await Comment.objects.acreate(post=first, name="c1")
    posts = [post async for post in Post.objects.select_related("author").prefetch_related("comments").order_by("id")]

    def expected(post: Post, comments: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": post.pk,
            "title": post.title,
            "status": post.status,
            "rating": post.rating,
            "price": "0.00",
            "created": post.created.isoformat().replace("+00:00", "Z"),
            "author": author.pk,
            "comments": comments,
        }

    comment = await Comment.objects.aget(name="c1")
    want = [expected(first, [{"id": comment.pk, "name": "c1"}]), expected(second, [])]
    data = PostSerializer(posts, many=True).data
    assert data == want
    body = PostSerializer.render_json(posts)
    assert json.loads(body) == want
    assert body == json.dumps(want, separators=(",", ":")).encode()

    summary = PostSummarySerializer(posts, many=True).data
    assert [row["author_name"] for row in summary] == ["Ann", "Ann"]
    assert summary[0]["status"] == "draft"


def test_meta_mistakes_are_explained() -> None:
    class NoFields(serializers.ModelSerializer):
        class Meta:
            model = Author

    class Unknown(serializers.ModelSerializer):
        class Meta:
            model = Author
            fields = ["name", "nickname"]

    with pytest.raises(ImproperlyConfigured, match="needs `fields`"):
        _ = NoFields.input_model
    with pytest.raises(ImproperlyConfigured, match="'nickname'"):
        _ = Unknown.input_model


async def test_slug_related_field_looks_up_the_row_by_its_slug() -> None:
    ann = await Author.objects.acreate(name="Ann")

    class ByNameSerializer(serializers.Serializer):
        author = serializers.SlugRelatedField(slug_field="name", queryset=Author.objects.all())

    serializer = ByNameSerializer(data={"author": "Nobody"})
    assert not await serializer.ais_valid()
    assert serializer.errors == {"author": ["Object with name=Nobody does not exist."]}
    serializer = ByNameSerializer(data={"author": "Ann"})
    assert await serializer.ais_valid()
    assert serializer.validated_data["author"] == ann
    post = await Post.objects.select_related("author").aget(pk=(await Post.objects.acreate(title="P", author=ann)).pk)
    assert ByNameSerializer(post).data == {"author": "Ann"}
