"""The URL conf of the ``fastjango-rest`` stack: the hello view and the item viewset's routes."""

from fastjango.core.urls import include, path
from fastjango.rest import routers
from stacks.fastjango_app.rest.views import ItemViewSet
from stacks.fastjango_app.views import hello

router = routers.SimpleRouter()
router.register("items", ItemViewSet, basename="item")

urlpatterns = [
    path("hello/", hello, name="hello"),
    path("", include(router.urls)),
]
