"""URL conf of the mysite project (ROOT_URLCONF): which view answers which path.

Every route is a real FastAPI route, listed at /docs and by ``python manage.py routes``.
Add an app's routes under a prefix with

    path("blog/", include("blog.urls")),
"""

from blog.urls import comments_router, router

from fastjango.core.urls import include, path

urlpatterns = [
    path("", include("hello.urls")),
    # The blog API (blog/api.py): its root at /api/, then authors, posts, tags and comments.
    path("api/", include(router.urls + comments_router.urls)),
    # Accounts (fastjango-auth): login, logout, password change and reset, the token endpoint for API clients.
    path("accounts/", include("fastjango.auth.urls")),
]
