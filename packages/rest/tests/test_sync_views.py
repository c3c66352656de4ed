"""Plain ``def`` handlers read and write the database from a worker thread (committed data, sync client)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from rest_blog.models import Author

from fastjango.core.urls import include, path
from fastjango.rest import routers, serializers, viewsets
from fastjango.rest.decorators import action
from fastjango.rest.request import Request
from fastjango.rest.response import Response

pytestmark = pytest.mark.usefixtures("transactional_db")


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class AuthorViewSet(viewsets.GenericViewSet):
    """Every handler is a plain ``def``: the sync ORM API, the sync helpers."""

    queryset = Author.objects.order_by("name")
    serializer_class = AuthorSerializer

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = page if page is not None else list(self.get_queryset())
        return Response(
            {"names": [a.name for a in rows], "worker": threading.current_thread() is not threading.main_thread()}
        )

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=201)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @action(detail=True, methods=["post"])
    def shout(self, request: Request, pk: str) -> Response:
        author = self.get_object()
        author.name = author.name.upper()
        author.save()
        return Response({"name": author.name})


router = routers.SimpleRouter()
router.register("authors", AuthorViewSet)
urlpatterns = [path("api/", include(router.urls))]


def test_sync_handlers_use_the_sync_orm_off_the_event_loop(client: Any, backend: str) -> None:
    created = client.post("/api/authors/", json={"name": "ann"})
    assert created.status_code == 201, created.text
    assert client.post("/api/authors/", json={"name": "ann"}).status_code == 400  # unique, checked in the thread
    Author.objects.create(name="bob")
    listing = client.get("/api/authors/").json()
    assert listing == {"names": ["ann", "bob"], "worker": True}
    pk = created.json()["id"]
    assert client.get(f"/api/authors/{pk}/").json() == {"id": pk, "name": "ann"}
    assert client.post(f"/api/authors/{pk}/shout/").json() == {"name": "ANN"}
    assert Author.objects.get(pk=pk).name == "ANN"
    assert client.get("/api/authors/424242/").status_code == 404
