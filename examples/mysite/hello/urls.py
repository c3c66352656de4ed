"""URL conf of the hello app, included at the root by mysite/urls.py.

``app_name`` is the namespace of the route names: ``reverse("hello:greeting", kwargs={"name": "Ada"})``.
"""

from fastjango.core.urls import path

from . import api

app_name = "hello"

urlpatterns = [
    path("", api.welcome, name="welcome"),
    path("hello/<str:name>/", api.greeting, name="greeting"),
]
