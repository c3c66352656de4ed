"""URLs: the hello view and the item viewset's routes (``/items/`` and ``/items/<pk>/``)."""

from __future__ import annotations

from django.urls import include, path
from items.views import ItemViewSet, hello
from rest_framework.routers import SimpleRouter

router = SimpleRouter()
router.register("items", ItemViewSet, basename="item")

urlpatterns = [
    path("hello/", hello, name="hello"),
    path("", include(router.urls)),
]
