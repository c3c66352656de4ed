"""Routers of the blog API; mysite/urls.py includes ``router.urls + comments_router.urls`` under ``api/``.

``router.urls`` holds the API root (``/api/``) and, for each viewset, its
list and detail routes (``/api/posts/``, ``/api/posts/<pk>/``) and actions
(``/api/posts/<pk>/publish/``); ``comments_router.urls`` the comments nested
under a post (``/api/posts/<post_pk>/comments/``). Route names are
``<basename>-list``, ``<basename>-detail`` and ``<basename>-<action>``, e.g.
``reverse("post-publish", kwargs={"pk": 1})``.
"""

from fastjango.rest import routers

from . import api

router = routers.DefaultRouter()
router.register("authors", api.AuthorViewSet)
router.register("posts", api.PostViewSet)
router.register("tags", api.TagViewSet)

comments_router = routers.NestedSimpleRouter(router, "posts", lookup="post")
comments_router.register("comments", api.CommentViewSet)
