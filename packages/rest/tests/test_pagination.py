"""Pagination on real databases: page numbers, limit/offset and cursors, their links and their errors."""

from __future__ import annotations

import base64
import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from pydantic import BaseModel, TypeAdapter
from rest_blog.models import Author, Post
from starlette.requests import Request as StarletteRequest

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.urls import include, path
from fastjango.rest import filters, routers, serializers, viewsets
from fastjango.rest.exceptions import NotFound, ValidationError
from fastjango.rest.pagination import (
    BasePagination,
    CursorPagination,
    LimitOffsetPagination,
    PageNumberPagination,
)
from fastjango.rest.request import Request
from fastjango.rest.response import RawJSON

pytestmark = pytest.mark.usefixtures("db")

BASE = "http://testserver/api/posts/"


def request_for(url: str) -> Request:
    """A GET request for ``url`` (absolute, or a query string appended to the posts list)."""
    parts = urlsplit(url if "://" in url else BASE + url)
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": parts.scheme,
        "server": ("testserver", 80),
        "path": parts.path,
        "root_path": "",
        "query_string": parts.query.encode(),
        "headers": [(b"host", b"testserver")],
    }
    return Request(StarletteRequest(scope))


async def make_posts(count: int, **values: Any) -> list[Post]:
    author = await Author.objects.acreate(name=f"author-{count}")
    return [await Post.objects.acreate(title=f"post {n:02}", author=author, **values) for n in range(count)]


class PageOfThree(PageNumberPagination):
    page_size = 3
    page_size_query_param = "size"
    max_page_size = 4


class LimitOfThree(LimitOffsetPagination):
    default_limit = 3
    max_limit = 4


class CursorOfThree(CursorPagination):
    page_size = 3
    ordering = "title"
    page_size_query_param = "page_size"
    max_page_size = 4


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "rating"]


class DefaultPostViewSet(viewsets.ReadOnlyModelViewSet):
    """Paginated (or not) as the REST_FRAMEWORK settings say."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    filter_backends = [filters.SearchFilter]
    search_fields = ["title"]


class PagePostViewSet(DefaultPostViewSet):
    pagination_class = PageOfThree


class WindowPostViewSet(DefaultPostViewSet):
    pagination_class = LimitOfThree


class CursorPostViewSet(DefaultPostViewSet):
    pagination_class = CursorOfThree
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    ordering_fields = ["title", "rating", "author__name"]


class SyncPostViewSet(viewsets.GenericViewSet):
    """A plain ``def`` handler: it runs in a worker thread and pages with the sync ORM."""

    queryset = Post.objects.all()
    serializer_class = PostSerializer
    pagination_class = PageOfThree

    def list(self, request: Any) -> Any:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


router = routers.DefaultRouter()
router.register("posts", DefaultPostViewSet, basename="post")
router.register("pages", PagePostViewSet, basename="page")
router.register("windows", WindowPostViewSet, basename="window")
router.register("cursors", CursorPostViewSet, basename="cursor")
router.register("sync-pages", SyncPostViewSet, basename="sync-page")

urlpatterns = [path("api/", include(router.urls))]


async def walk(paginator_class: type[BasePagination], url: str, link: str = "next") -> list[dict[str, Any]]:
    """Every envelope met following ``link`` from ``url`` until it is null."""
    envelopes: list[dict[str, Any]] = []
    queryset = Post.objects.all()
    next_url: str | None = url
    while next_url is not None:
        paginator = paginator_class()
        page = await paginator.apaginate_queryset(queryset, request_for(next_url))
        assert page is not None
        envelope = orjson.loads(paginator.get_paginated_response([post.title for post in page]).body)
        envelopes.append(envelope)
        next_url = envelope[link]
        assert len(envelopes) < 20, "the links loop"
    return envelopes


# ---------------------------------------------------------------------- page numbers
async def test_page_numbers_link_every_page_and_keep_other_parameters(backend: str) -> None:
    posts = await make_posts(8)
    envelopes = await walk(PageOfThree, "?status=draft")
    assert [e["results"] for e in envelopes] == [
        ["post 00", "post 01", "post 02"],
        ["post 03", "post 04", "post 05"],
        ["post 06", "post 07"],
    ]
    assert {e["count"] for e in envelopes} == {len(posts)}
    assert [e["next"] for e in envelopes] == [BASE + "?status=draft&page=2", BASE + "?status=draft&page=3", None]
    # Page 1's link has no page parameter at all, as in DRF.
    assert [e["previous"] for e in envelopes] == [None, BASE + "?status=draft", BASE + "?status=draft&page=2"]
    backwards = await walk(PageOfThree, "?status=draft&page=last", link="previous")
    assert [e["results"][0] for e in backwards] == ["post 06", "post 03", "post 00"]


async def test_bad_page_numbers_are_404(backend: str) -> None:
    await make_posts(4)
    for page in ("0", "-1", "abc", "3", "1.5"):
        with pytest.raises(NotFound) as raised:
            await PageOfThree().apaginate_queryset(Post.objects.all(), request_for(f"?page={page}"))
        assert raised.value.detail == "Invalid page."


async def test_the_first_page_of_an_empty_list_is_empty_not_an_error(backend: str) -> None:
    paginator = PageOfThree()
    assert await paginator.apaginate_queryset(Post.objects.all(), request_for("?page=1")) == []
    assert orjson.loads(paginator.get_paginated_response([]).body) == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    with pytest.raises(NotFound):
        await PageOfThree().apaginate_queryset(Post.objects.all(), request_for("?page=2"))


async def test_clients_choose_the_page_size_up_to_the_maximum(backend: str) -> None:
    await make_posts(9)
    paginator = PageOfThree()
    page = await paginator.apaginate_queryset(Post.objects.all(), request_for("?size=2&page=2"))
    assert [post.title for post in page or []] == ["post 02", "post 03"]
    assert paginator.get_next_link() == BASE + "?size=2&page=3"
    with pytest.raises(ValidationError) as oversized:
        await PageOfThree().apaginate_queryset(Post.objects.all(), request_for("?size=500"))
    assert oversized.value.detail == {"size": ["Ensure this value is at most 4; got 500."]}
    # Without page_size_query_param the parameter means nothing.
    fixed = await PageNumberPagination().apaginate_queryset(Post.objects.all(), request_for("?page_size=1"))
    assert fixed is None  # and no PAGE_SIZE setting: not paginated


@pytest.mark.parametrize("size", ["abc", "0", "-2", "2.5"])
async def test_a_bad_page_size_is_a_400_naming_the_parameter(backend: str, size: str) -> None:
    await make_posts(2)
    with pytest.raises(ValidationError) as raised:
        await PageOfThree().apaginate_queryset(Post.objects.all(), request_for(f"?size={size}"))
    assert raised.value.detail == {"size": [f"Must be a positive integer; got {size!r}."]}


async def test_sizes_default_to_the_settings(backend: str, settings: Any) -> None:
    await make_posts(7)
    assert await PageNumberPagination().apaginate_queryset(Post.objects.all(), request_for("")) is None
    settings.REST_FRAMEWORK = {"PAGE_SIZE": 5, "MAX_PAGE_SIZE": 6}

    class ClientSized(PageNumberPagination):
        page_size_query_param = "page_size"

    assert len(await ClientSized().apaginate_queryset(Post.objects.all(), request_for("")) or []) == 5
    assert len(await ClientSized().apaginate_queryset(Post.objects.all(), request_for("?page_size=6")) or []) == 6
    with pytest.raises(ValidationError):  # MAX_PAGE_SIZE is the most a client may ask for
        await ClientSized().apaginate_queryset(Post.objects.all(), request_for("?page_size=7"))
    assert len(await LimitOffsetPagination().apaginate_queryset(Post.objects.all(), request_for("")) or []) == 5


def test_sync_handlers_paginate_with_the_sync_orm(backend: str) -> None:
    author = Author.objects.create(name="sync")
    for n in range(5):
        Post.objects.create(title=f"post {n:02}", author=author)
    pages = PageOfThree(), LimitOfThree(), CursorOfThree()
    for paginator in pages:
        page = paginator.paginate_queryset(Post.objects.all(), request_for(""))
        assert [post.title for post in page or []] == ["post 00", "post 01", "post 02"]
        assert orjson.loads(paginator.get_paginated_response([]).body)["next"] is not None


# ---------------------------------------------------------------------- limit / offset
async def test_limit_offset_windows_and_their_links(backend: str) -> None:
    await make_posts(7)
    envelopes = await walk(LimitOfThree, "?status=draft")
    assert [e["results"] for e in envelopes] == [
        ["post 00", "post 01", "post 02"],
        ["post 03", "post 04", "post 05"],
        ["post 06"],
    ]
    assert [e["next"] for e in envelopes] == [
        BASE + "?status=draft&limit=3&offset=3",
        BASE + "?status=draft&limit=3&offset=6",
        None,
    ]
    assert [e["previous"] for e in envelopes] == [
        None,
        BASE + "?status=draft&limit=3",
        BASE + "?status=draft&limit=3&offset=3",
    ]
    assert {e["count"] for e in envelopes} == {7}

    paginator = LimitOfThree()
    page = await paginator.apaginate_queryset(Post.objects.all(), request_for("?limit=4&offset=2"))
    assert [post.title for post in page or []] == ["post 02", "post 03", "post 04", "post 05"]
    with pytest.raises(ValidationError) as oversized:
        await LimitOfThree().apaginate_queryset(Post.objects.all(), request_for("?limit=100"))
    assert oversized.value.detail == {"limit": ["Ensure this value is at most 4; got 100."]}
    beyond = LimitOfThree()
    assert await beyond.apaginate_queryset(Post.objects.all(), request_for("?offset=50")) == []
    assert beyond.get_next_link() is None
    assert beyond.get_previous_link() == BASE + "?limit=3&offset=4"  # the last full window


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ("limit=abc", "limit", "Must be a positive integer; got 'abc'."),
        ("limit=-1", "limit", "Must be a positive integer; got '-1'."),
        ("limit=0", "limit", "Must be a positive integer; got '0'."),
        ("offset=-3", "offset", "Must be a non-negative integer; got '-3'."),
        ("offset=x", "offset", "Must be a non-negative integer; got 'x'."),
    ],
)
async def test_bad_limit_or_offset_is_a_400_naming_it(backend: str, query: str, name: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        await LimitOfThree().apaginate_queryset(Post.objects.all(), request_for("?" + query))
    assert raised.value.detail == {name: [message]}


# ---------------------------------------------------------------------- cursors
async def test_cursor_pages_forwards_and_backwards_see_every_row_once(backend: str) -> None:
    await make_posts(8)
    forwards = await walk(CursorOfThree, "?status=draft")
    assert [e["results"] for e in forwards] == [
        ["post 00", "post 01", "post 02"],
        ["post 03", "post 04", "post 05"],
        ["post 06", "post 07"],
    ]
    assert all("count" not in e for e in forwards)
    assert forwards[0]["previous"] is None and forwards[-1]["next"] is None
    assert all(e["next"].startswith(BASE + "?status=draft&cursor=") for e in forwards[:-1])
    backwards = await walk(CursorOfThree, forwards[-1]["previous"], link="previous")
    assert [e["results"] for e in backwards] == [
        ["post 03", "post 04", "post 05"],
        ["post 00", "post 01", "post 02"],
    ]
    # Going forward again from a page reached backwards.
    assert backwards[-1]["next"] is not None
    again = await walk(CursorOfThree, backwards[-1]["next"])
    assert [e["results"] for e in again] == [["post 03", "post 04", "post 05"], ["post 06", "post 07"]]


async def test_cursor_ties_are_broken_by_primary_key(backend: str) -> None:
    await make_posts(7)
    same = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    await Post.objects.filter(title__in=["post 01", "post 02", "post 03", "post 04"]).aupdate(created=same)

    class ByCreated(CursorPagination):
        page_size = 2  # default ordering "-created"

    seen = [title for e in await walk(ByCreated, "") for title in e["results"]]
    assert sorted(seen) == [f"post {n:02}" for n in range(7)]
    assert seen[-4:] == ["post 01", "post 02", "post 03", "post 04"]  # the tie, in primary key order


async def test_cursor_is_stable_when_rows_are_inserted_before_it(backend: str) -> None:
    posts = await make_posts(6)

    class Newest(CursorPagination):
        page_size = 2
        ordering = "-id"

    first = Newest()
    page = await first.apaginate_queryset(Post.objects.all(), request_for(""))
    assert [post.title for post in page or []] == ["post 05", "post 04"]
    next_link = first.get_next_link()
    assert next_link is not None
    await Post.objects.acreate(title="newer", author_id=posts[0].author_id)
    second = Newest()
    page = await second.apaginate_queryset(Post.objects.all(), request_for(next_link))
    assert [post.title for post in page or []] == ["post 03", "post 02"]  # an offset would repeat post 04
    previous_link = second.get_previous_link()
    assert previous_link is not None
    back = Newest()
    page = await back.apaginate_queryset(Post.objects.all(), request_for(previous_link))
    assert [post.title for post in page or []] == ["post 05", "post 04"]
    assert back.get_previous_link() is not None  # "newer" is before them now


async def test_a_cursor_whose_rows_were_deleted_leads_back_to_the_list(backend: str) -> None:
    await make_posts(5)
    first = CursorOfThree()
    await first.apaginate_queryset(Post.objects.all(), request_for(""))
    next_link = first.get_next_link()
    assert next_link is not None
    await Post.objects.filter(title__gte="post 03").adelete()
    emptied = CursorOfThree()
    assert await emptied.apaginate_queryset(Post.objects.all(), request_for(next_link)) == []
    assert emptied.get_next_link() is None
    previous_link = emptied.get_previous_link()
    assert previous_link is not None
    last = await CursorOfThree().apaginate_queryset(Post.objects.all(), request_for(previous_link))
    assert [post.title for post in last or []] == ["post 00", "post 01", "post 02"]


async def test_cursor_over_a_nullable_field_keeps_the_nulls(backend: str) -> None:
    posts = await make_posts(7)
    for post, rating in zip(posts, [3, None, 1, None, 3, 2, None], strict=True):
        post.rating = rating
        await post.asave()
    for ordering in ("rating", "-rating"):

        class ByRating(CursorPagination):
            page_size = 2

        ByRating.ordering = ordering
        forwards = [title for e in await walk(ByRating, "") for title in e["results"]]
        assert sorted(forwards) == [f"post {n:02}" for n in range(7)]
        nulls = ["post 01", "post 03", "post 06"]
        assert (forwards[:3] if ordering == "rating" else forwards[-3:]) == nulls


async def test_cursor_follows_the_views_ordering(backend: str) -> None:
    await make_posts(4)

    class View:
        ordering = ["-title"]

    paginator = CursorOfThree()
    page = await paginator.apaginate_queryset(Post.objects.all(), request_for(""), View())
    assert [post.title for post in page or []] == ["post 03", "post 02", "post 01"]


def _token(payload: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "Zm9v",  # "foo"
        _token([1, 2]),
        _token({"o": ["title", "id"], "p": ["post 01"]}),  # one value short
        _token({"o": ["title", "id"], "p": ["post 01", "abc"]}),  # not an id
        base64.urlsafe_b64encode(b'{"o":["title","id"],"p":["post 01",18446744073709551616]}').decode(),  # too big
        _token({"o": ["title", "id"], "p": ["post 01", None]}),
        _token({"o": ["title", "id"], "p": [{"x": 1}, 1]}),
        _token({"o": ["title", "id"], "p": ["a\x00b", 1]}),
        _token({"o": ["-created", "id"], "p": ["2024-01-01", 1]}),  # a cursor of another ordering
        _token({"o": ["title", "id"], "p": ["post 01", 1], "r": 7}),
    ],
)
async def test_a_tampered_cursor_is_404(backend: str, cursor: str) -> None:
    await make_posts(2)
    with pytest.raises(NotFound) as raised:
        await CursorOfThree().apaginate_queryset(Post.objects.all(), request_for(f"?cursor={cursor}"))
    assert raised.value.detail == "Invalid cursor"


async def test_an_unparseable_datetime_position_is_404(backend: str) -> None:
    await make_posts(1)

    class ByCreated(CursorPagination):
        page_size = 2

    cursor = _token({"o": ["-created", "id"], "p": ["yesterday", 1]})
    with pytest.raises(NotFound):
        await ByCreated().apaginate_queryset(Post.objects.all(), request_for(f"?cursor={cursor}"))
    valid = _token({"o": ["-created", "id"], "p": ["2030-01-01T00:00:00", 1]})
    assert len(await ByCreated().apaginate_queryset(Post.objects.all(), request_for(f"?cursor={valid}")) or []) == 1


async def test_cursor_orderings_across_relations_are_refused_clearly(backend: str) -> None:
    class ByAuthor(CursorOfThree):
        ordering = "author__name"

    with pytest.raises(ImproperlyConfigured, match="author__name"):
        await ByAuthor().apaginate_queryset(Post.objects.all(), request_for(""))


# ---------------------------------------------------------------------- responses and schema
async def test_a_rendered_page_is_spliced_into_the_envelope(backend: str) -> None:
    await make_posts(4)
    paginator = PageOfThree()
    await paginator.apaginate_queryset(Post.objects.all(), request_for(""))
    response = paginator.get_paginated_response(RawJSON(b'[{"title":"\\u00e9 as sent"}]'))
    assert response.body == (
        b'{"count":4,"next":"http://testserver/api/posts/?page=2","previous":null,'
        b'"results":[{"title":"\\u00e9 as sent"}]}'
    )


def test_envelope_models_describe_the_page() -> None:
    class Item(BaseModel):
        title: str

    model = PageNumberPagination().get_paginated_response_model(Item)
    assert model is LimitOffsetPagination().get_paginated_response_model(Item)  # same shape, one schema
    schema = model.model_json_schema()
    assert list(schema["properties"]) == ["count", "next", "previous", "results"]
    assert schema["properties"]["results"]["items"] == {"$ref": "#/$defs/Item"}
    assert schema["required"] == ["count", "results"]
    cursor_model = CursorPagination().get_paginated_response_model(Item)
    assert list(cursor_model.model_json_schema()["properties"]) == ["next", "previous", "results"]
    assert cursor_model is CursorPagination().get_paginated_response_model(Item)
    assert cursor_model.__name__ != model.__name__


def test_schema_parameters_name_what_each_paginator_reads() -> None:
    def described(paginator: BasePagination) -> list[tuple[str, Any]]:
        parameters = paginator.get_schema_parameters(None)
        assert all(parameter.description for parameter in parameters)
        return [(parameter.name, TypeAdapter(parameter.annotation).json_schema()) for parameter in parameters]

    page = ("page", {"type": "integer", "minimum": 1})
    assert described(PageNumberPagination()) == [page]
    assert described(PageOfThree()) == [page, ("size", {"type": "integer", "minimum": 1, "maximum": 4})]
    assert described(LimitOffsetPagination()) == [
        ("limit", {"type": "integer", "minimum": 1, "maximum": 1000}),
        ("offset", {"type": "integer", "minimum": 0}),
    ]
    assert described(CursorPagination()) == [("cursor", {"type": "string"})]
    assert described(CursorOfThree()) == [
        ("cursor", {"type": "string"}),
        ("page_size", {"type": "integer", "minimum": 1, "maximum": 4}),
    ]


# ---------------------------------------------------------------------- through HTTP
async def crawl(client: Any, url: str, link: str = "next") -> list[dict[str, Any]]:
    """Every envelope met following ``link`` over HTTP from ``url``."""
    envelopes: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url is not None:
        response = await client.get(next_url)
        assert response.status_code == 200, response.text
        envelopes.append(response.json())
        next_url = envelopes[-1][link]
        assert len(envelopes) < 20, "the links loop"
    return envelopes


def titles(envelopes: list[dict[str, Any]]) -> list[str]:
    return [row["title"] for envelope in envelopes for row in envelope["results"]]


@pytest.mark.parametrize("prefix", ["pages", "windows", "cursors"])
async def test_every_paginator_walks_the_list_over_http(async_client: Any, backend: str, prefix: str) -> None:
    await make_posts(8)
    forwards = await crawl(async_client, f"/api/{prefix}/")
    assert titles(forwards) == [f"post {n:02}" for n in range(8)]
    assert [len(envelope["results"]) for envelope in forwards] == [3, 3, 2]
    assert set(forwards[0]["results"][0]) == {"id", "title", "rating"}
    assert forwards[0]["previous"] is None
    assert all(envelope["next"].startswith(f"http://testserver/api/{prefix}/?") for envelope in forwards[:-1])
    if prefix != "cursors":
        assert {envelope["count"] for envelope in forwards} == {8}
    backwards = await crawl(async_client, forwards[-1]["previous"], link="previous")
    assert titles(backwards) == [f"post {n:02}" for n in (3, 4, 5, 0, 1, 2)]


def test_sync_handlers_page_over_http(client: Any, backend: str) -> None:
    # The sync client serves from another thread, which cannot see this test's uncommitted rows: an empty list.
    response = client.get("/api/sync-pages/?page=1")
    assert (response.status_code, response.json()) == (200, {"count": 0, "next": None, "previous": None, "results": []})
    response = client.get("/api/sync-pages/?page=2")
    assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."})
    response = client.get("/api/sync-pages/?size=-1")
    assert (response.status_code, response.json()) == (400, {"size": ["Must be a positive integer; got '-1'."]})


async def test_links_keep_the_filters(async_client: Any, backend: str) -> None:
    await make_posts(8)
    await Post.objects.filter(title__in=["post 01", "post 05"]).aupdate(title="other")
    for prefix in ("pages", "windows", "cursors"):
        envelopes = await crawl(async_client, f"/api/{prefix}/?search=post")
        assert titles(envelopes) == ["post 00", "post 02", "post 03", "post 04", "post 06", "post 07"]
        assert "search=post" in envelopes[0]["next"]


async def test_client_page_sizes_over_http(async_client: Any, backend: str) -> None:
    await make_posts(9)
    response = await async_client.get("/api/pages/?size=100")
    assert response.status_code == 400  # more than max_page_size: refused, not silently cut
    assert response.json() == {"size": ["Ensure this value is at most 4; got 100."]}
    response = await async_client.get("/api/cursors/?page_size=2")
    assert len(response.json()["results"]) == 2
    assert "page_size=2" in response.json()["next"]
    response = await async_client.get("/api/windows/?limit=4&offset=1")
    assert [row["title"] for row in response.json()["results"]] == ["post 01", "post 02", "post 03", "post 04"]
    oversized = await async_client.get("/api/windows/?limit=9999&offset=1")
    assert oversized.status_code == 400 and oversized.json() == {"limit": ["Ensure this value is at most 4; got 9999."]}


@pytest.mark.parametrize(
    ("url", "status", "body"),
    [
        ("/api/pages/?page=0", 404, {"detail": "Invalid page."}),
        ("/api/pages/?page=-1", 404, {"detail": "Invalid page."}),
        ("/api/pages/?page=abc", 404, {"detail": "Invalid page."}),
        ("/api/pages/?page=9", 404, {"detail": "Invalid page."}),
        ("/api/pages/?size=abc", 400, {"size": ["Must be a positive integer; got 'abc'."]}),
        ("/api/pages/?size=0", 400, {"size": ["Must be a positive integer; got '0'."]}),
        ("/api/pages/?size=-5", 400, {"size": ["Must be a positive integer; got '-5'."]}),
        ("/api/windows/?limit=abc", 400, {"limit": ["Must be a positive integer; got 'abc'."]}),
        ("/api/windows/?limit=-1", 400, {"limit": ["Must be a positive integer; got '-1'."]}),
        ("/api/windows/?offset=-1", 400, {"offset": ["Must be a non-negative integer; got '-1'."]}),
        ("/api/windows/?offset=two", 400, {"offset": ["Must be a non-negative integer; got 'two'."]}),
        ("/api/cursors/?cursor=bm90IGEgY3Vyc29y", 404, {"detail": "Invalid cursor"}),
        ("/api/cursors/?cursor=%%%", 404, {"detail": "Invalid cursor"}),
        ("/api/cursors/?page_size=x", 400, {"page_size": ["Must be a positive integer; got 'x'."]}),
    ],
)
async def test_bad_pagination_parameters_over_http(
    async_client: Any, backend: str, url: str, status: int, body: dict[str, Any]
) -> None:
    await make_posts(4)
    response = await async_client.get(url)
    assert (response.status_code, response.json()) == (status, body)


async def test_a_cursor_edited_by_the_client_is_404_over_http(async_client: Any, backend: str) -> None:
    await make_posts(5)
    next_link = (await async_client.get("/api/cursors/")).json()["next"]
    cursor = next_link.split("cursor=")[1]
    payload = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["p"][1] = "not an id"
    response = await async_client.get(f"/api/cursors/?cursor={_token(payload)}")
    assert (response.status_code, response.json()) == (404, {"detail": "Invalid cursor"})
    payload["o"] = ["-title", "id"]  # a cursor of another ordering
    payload["p"][1] = 1
    response = await async_client.get(f"/api/cursors/?cursor={_token(payload)}")
    assert response.status_code == 404


async def test_cursor_pages_stay_put_when_rows_are_inserted_in_front(async_client: Any, backend: str) -> None:
    posts = await make_posts(6)
    first = (await async_client.get("/api/cursors/")).json()
    assert titles([first]) == ["post 00", "post 01", "post 02"]
    for title in ("a first", "a second"):  # they sort before every other title
        await Post.objects.acreate(title=title, author_id=posts[0].author_id)
    second = (await async_client.get(first["next"])).json()
    assert titles([second]) == ["post 03", "post 04", "post 05"]
    back = (await async_client.get(second["previous"])).json()
    assert titles([back]) == ["post 00", "post 01", "post 02"]
    assert titles(await crawl(async_client, back["previous"], link="previous")) == ["a first", "a second"]


async def test_cursor_follows_the_clients_ordering(async_client: Any, backend: str) -> None:
    posts = await make_posts(7)
    for post, rating in zip(posts, [3, None, 1, None, 3, 2, None], strict=True):
        post.rating = rating
        await post.asave()
    envelopes = await crawl(async_client, "/api/cursors/?ordering=-rating")
    assert all("ordering=-rating" in envelope["next"] for envelope in envelopes[:-1])
    assert titles(envelopes) == ["post 00", "post 04", "post 05", "post 02", "post 01", "post 03", "post 06"]
    response = await async_client.get("/api/cursors/?ordering=author__name")
    assert response.status_code == 400
    assert "author__name" in response.json()["ordering"][0]


async def test_global_default_pagination_and_per_viewset_override(
    async_client: Any, backend: str, settings: Any
) -> None:
    await make_posts(12)
    unpaginated = (await async_client.get("/api/posts/")).json()
    assert isinstance(unpaginated, list) and len(unpaginated) == 12
    settings.REST_FRAMEWORK = {
        "DEFAULT_PAGINATION_CLASS": "fastjango.rest.pagination.PageNumberPagination",
        "PAGE_SIZE": 5,
    }
    paginated = (await async_client.get("/api/posts/?page=3")).json()
    assert paginated["count"] == 12
    assert [row["title"] for row in paginated["results"]] == ["post 10", "post 11"]
    assert paginated["previous"] == "http://testserver/api/posts/?page=2"
    overridden = (await async_client.get("/api/windows/")).json()
    assert len(overridden["results"]) == 3 and overridden["next"].endswith("limit=3&offset=3")


async def test_openapi_describes_the_paginated_lists(async_client: Any, backend: str) -> None:
    schema = (await async_client.get("/openapi.json")).json()

    def operation(prefix: str) -> dict[str, Any]:
        return dict(schema["paths"][f"/api/{prefix}/"]["get"])

    def params(prefix: str) -> dict[str, Any]:
        return {p["name"]: p for p in operation(prefix).get("parameters", [])}

    def envelope(prefix: str) -> dict[str, Any]:
        ref = operation(prefix)["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        return dict(schema["components"]["schemas"][ref.rsplit("/", 1)[1]])

    assert {"page", "size", "search"} <= set(params("pages"))
    assert "integer" in str(params("pages")["page"]["schema"])
    assert {"limit", "offset"} <= set(params("windows"))
    assert {"cursor", "page_size", "ordering"} <= set(params("cursors"))
    assert list(envelope("pages")["properties"]) == ["count", "next", "previous", "results"]
    assert envelope("pages")["properties"]["results"]["items"]["$ref"] == "#/components/schemas/PostOutput"
    assert envelope("pages")["title"] == "PaginatedPostList"
    assert envelope("cursors")["title"] == "CursorPaginatedPostList"
    assert list(envelope("cursors")["properties"]) == ["next", "previous", "results"]
    assert "page" not in params("posts")  # no DEFAULT_PAGINATION_CLASS: not paginated
    assert "404" in operation("pages")["responses"] and "404" in operation("cursors")["responses"]  # bad page/cursor
    assert "404" not in operation("posts")["responses"]
