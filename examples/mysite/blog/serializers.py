"""Serializers of the blog API: what each resource accepts and answers, in JSON.

Each one is a ``ModelSerializer``: its fields, their limits and the unique
checks come from the model. Posts name their tags by slug and carry their
comments, which may be sent along when the post is created. The views load
the relations the output reads (tags, comments) with the rows.
"""

from fastjango.rest import serializers

from .models import Author, Comment, Post, Tag

__all__ = ["AuthorSerializer", "CommentSerializer", "PostSerializer", "TagSerializer"]


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ("id", "name", "email", "bio")


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("id", "name", "slug")


class CommentSerializer(serializers.ModelSerializer):
    """A comment; its post comes from the URL (``/api/posts/<post_pk>/comments/``) or from the enclosing post."""

    class Meta:
        model = Comment
        fields = ("id", "post", "name", "body", "created")
        read_only_fields = ("post",)


class PostSerializer(serializers.ModelSerializer):
    """A post with its tags (by slug) and its comments; ``status`` changes through ``POST .../publish/`` only.

    The tags and the comments are written with the post, in one transaction:
    the tags as given (an unknown slug is a 400 naming it), the comments
    created under the new post.
    """

    tags = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Tag.objects.all(), required=False, help_text="Slugs of existing tags."
    )
    comments = CommentSerializer(many=True, required=False)

    class Meta:
        model = Post
        fields = ("id", "title", "slug", "body", "status", "author", "tags", "comments", "created", "updated")
        read_only_fields = ("status",)
