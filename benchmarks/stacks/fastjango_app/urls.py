"""The URL conf (``ROOT_URLCONF``)."""

from fastjango.core.urls import path
from stacks.fastjango_app.views import hello

urlpatterns = [
    path("hello/", hello, name="hello"),
]
