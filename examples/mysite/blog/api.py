"""Views of the blog API: one viewset per resource, routed by the routers in urls.py.

A ``ModelViewSet`` answers list, create, retrieve, update, partial update and
delete; the list of posts is paginated, filtered, searched and ordered from
its query parameters, and ``POST /api/posts/<pk>/publish/`` publishes a post.
Comments live under their post: ``/api/posts/<post_pk>/comments/``.

Anyone may read. Writing needs a user with the model's permission
(``blog.add_post``, ``blog.change_post``, ...; ``DjangoModelPermissions``),
and publishing needs ``blog.publish_post``. Users log in with the session
(``/accounts/login/``) or send a token from ``/accounts/token/`` (the
``Authorize`` button of ``/docs``) or an API key; see the README.
"""

from typing import Any

from fastjango.rest import filters, pagination, permissions, viewsets
from fastjango.rest.decorators import action
from fastjango.rest.request import Request
from fastjango.rest.response import RawJSON, Response

from .models import Author, Comment, Post, Status, Tag
from .serializers import AuthorSerializer, CommentSerializer, PostSerializer, TagSerializer

__all__ = ["AuthorViewSet", "BlogPagination", "CanPublish", "CommentViewSet", "PostViewSet", "TagViewSet"]

#: Reads are open; each write needs the model's permission (an anonymous write is a 401, a user without it a 403).
GUARDED = (permissions.DjangoModelPermissionsOrAnonReadOnly,)


class CanPublish(permissions.BasePermission):
    """The custom permission ``blog.publish_post`` (``Post.Meta.permissions``)."""

    message = "You may not publish posts."

    async def has_permission(self, request: Request, view: Any) -> bool:
        return bool(await request.user.ahas_perm("blog.publish_post"))


class BlogPagination(pagination.PageNumberPagination):
    """Ten items a page; clients may ask for another size with ``?page_size=`` (up to MAX_PAGE_SIZE)."""

    page_size = 10
    page_size_query_param = "page_size"


class AuthorViewSet(viewsets.ModelViewSet):
    """The authors who write posts."""

    queryset = Author.objects.order_by("name")
    serializer_class = AuthorSerializer
    pagination_class = BlogPagination
    permission_classes = GUARDED


class TagViewSet(viewsets.ModelViewSet):
    """The tags posts are labelled with."""

    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    pagination_class = BlogPagination
    permission_classes = GUARDED


class PostViewSet(viewsets.ModelViewSet):
    """Posts, with their tags and comments.

    ``?status=published``, ``?author__name__iexact=ann`` and
    ``?created__gte=...`` / ``?created__lte=...`` filter the list; ``?search=``
    looks in titles and bodies; ``?ordering=title`` or ``-created`` sorts it
    (newest first by default).
    """

    queryset = Post.objects.all()  # the view loads the tags and comments its output reads
    serializer_class = PostSerializer
    pagination_class = BlogPagination
    permission_classes = GUARDED
    filter_backends = (filters.DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter)
    filterset_fields = {"status": ["exact"], "author__name": ["iexact"], "created": ["gte", "lte"]}  # noqa: RUF012
    search_fields = ("title", "body")
    ordering_fields = ("created", "title")
    ordering = ("-created", "-id")

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated & CanPublish])
    async def publish(self, request: Request, **kwargs: Any) -> Response:
        """Publish a post: its status becomes "published" (publishing twice changes nothing)."""
        post = await self.aget_object()
        if post.status != Status.PUBLISHED:
            post.status = Status.PUBLISHED
            await post.asave(update_fields=["status", "updated"])
        return Response(RawJSON(self.get_serializer(post).json()))


class CommentViewSet(viewsets.NestedViewSetMixin, viewsets.ModelViewSet):
    """The comments of one post; a new comment belongs to the post in its URL."""

    queryset = Comment.objects.all()
    serializer_class = CommentSerializer
    pagination_class = BlogPagination
    permission_classes = GUARDED
    parent_lookup_kwargs = {"post_pk": "post__pk"}  # noqa: RUF012
