"""Filter backends on real databases: field filters, FilterSets, search and ordering, and every refusal."""

from __future__ import annotations

import datetime
import decimal
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
from rest_blog.models import Author, Comment, Post
from starlette.requests import Request as StarletteRequest

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.urls import include, path
from fastjango.rest import routers, serializers, viewsets
from fastjango.rest.exceptions import ValidationError
from fastjango.rest.filters import (
    BooleanFilter,
    CharFilter,
    ChoiceFilter,
    DjangoFilterBackend,
    FilterSet,
    NumberFilter,
    OrderingFilter,
    SearchFilter,
)
from fastjango.rest.request import Request

pytestmark = pytest.mark.usefixtures("db")

UTC = datetime.UTC


class PostSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "title", "body", "status", "rating", "price", "created", "author", "author_name"]
        extra_kwargs = {"body": {"write_only": True}}


def request_for(params: dict[str, str] | str = "") -> Request:
    query = params if isinstance(params, str) else urlencode(params)
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/posts/",
        "query_string": query.encode(),
        "headers": [],
        "server": ("testserver", 80),
        "scheme": "http",
    }
    return Request(StarletteRequest(scope))


def view(**config: Any) -> Any:
    """A stand-in for a list view: the attributes the backends read."""
    defaults: dict[str, Any] = {"queryset": Post.objects.all(), "detail": False, "action": "list"}
    attributes = {**defaults, **config}
    attributes.setdefault("get_serializer_class", lambda: PostSerializer)
    return type("PostListView", (SimpleNamespace,), {})(**attributes)


def titles(queryset: Any) -> list[str]:
    return [post.title for post in queryset]


def run(backend_class: type, params: dict[str, str] | str, **config: Any) -> list[str]:
    the_view = view(**config)
    queryset = backend_class().filter_queryset(request_for(params), the_view.queryset, the_view)
    return titles(queryset)


def refused(backend_class: type, params: dict[str, str] | str, **config: Any) -> Any:
    with pytest.raises(ValidationError) as caught:
        run(backend_class, params, **config)
    return caught.value.detail


@pytest.fixture
def blog() -> dict[str, Any]:
    ann = Author.objects.create(name="Ann Lee", email="ann@example.com")
    bob = Author.objects.create(name="Bob Stone")
    posts = {
        "Alpha": Post.objects.create(
            title="Alpha", body="runs fast", status="published", rating=5, price=decimal.Decimal("10.00"), author=ann
        ),
        "Beta": Post.objects.create(
            title="Beta",
            body="a 100% pure tale",
            status="draft",
            rating=None,
            price=decimal.Decimal("25.50"),
            author=bob,
        ),
        "Gamma": Post.objects.create(
            title="Gamma", body="Running late", status="published", rating=3, price=decimal.Decimal("99.99"), author=bob
        ),
    }
    dates = {
        "Alpha": datetime.datetime(2023, 3, 1, 10, tzinfo=UTC),
        "Beta": datetime.datetime(2024, 6, 15, 12, tzinfo=UTC),
        "Gamma": datetime.datetime(2024, 12, 31, 23, tzinfo=UTC),
    }
    for title, created in dates.items():
        Post.objects.filter(pk=posts[title].pk).update(created=created)
    Comment.objects.create(post=posts["Alpha"], name="zebra")
    Comment.objects.create(post=posts["Alpha"], name="zeal")
    Comment.objects.create(post=posts["Gamma"], name="yak")
    return {"ann": ann, "bob": bob, **posts}


# ---------------------------------------------------------------------------- DjangoFilterBackend


FIELDS: dict[str, list[str]] = {
    "title": ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "in"],
    "status": ["exact", "in"],
    "rating": ["exact", "gt", "gte", "lt", "lte", "isnull", "range", "in"],
    "price": ["gte", "lte", "range"],
    "created": [
        "year",
        "month",
        "day",
        "year__gte",
        "date",
        "date__gte",
        "gte",
        "lt",
        "week_day",
        "month__in",
        "hour",
    ],
    "author": ["exact"],
    "author__name": ["iexact", "icontains"],
    "comments__name": ["exact"],
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"title": "Alpha"}, ["Alpha"]),
        ({"title__iexact": "alpha"}, ["Alpha"]),
        ({"title__contains": "mm"}, ["Gamma"]),
        ({"title__icontains": "A"}, ["Alpha", "Beta", "Gamma"]),
        ({"title__startswith": "Be"}, ["Beta"]),
        ({"title__istartswith": "g"}, ["Gamma"]),
        ({"title__endswith": "ta"}, ["Beta"]),
        ({"title__in": "Alpha,Gamma,Nope"}, ["Alpha", "Gamma"]),
        ({"status": "draft"}, ["Beta"]),
        ({"status__in": "draft,published"}, ["Alpha", "Beta", "Gamma"]),
        ({"rating": "5"}, ["Alpha"]),
        ({"rating__gt": "3"}, ["Alpha"]),
        ({"rating__gte": "3"}, ["Alpha", "Gamma"]),
        ({"rating__lt": "5"}, ["Gamma"]),
        ({"rating__lte": "5"}, ["Alpha", "Gamma"]),
        ({"rating__isnull": "true"}, ["Beta"]),
        ({"rating__isnull": "false"}, ["Alpha", "Gamma"]),
        ({"rating__range": "1,4"}, ["Gamma"]),
        ({"rating__in": "3,5"}, ["Alpha", "Gamma"]),
        ({"price__gte": "25.5"}, ["Beta", "Gamma"]),
        ({"price__lte": "25.50", "price__gte": "10"}, ["Alpha", "Beta"]),
        ({"price__range": "20,100"}, ["Beta", "Gamma"]),
        ({"created__year": "2024"}, ["Beta", "Gamma"]),
        ({"created__month": "6"}, ["Beta"]),
        ({"created__day": "31"}, ["Gamma"]),
        ({"created__year__gte": "2024"}, ["Beta", "Gamma"]),
        ({"created__date": "2024-06-15"}, ["Beta"]),
        ({"created__week_day": "7"}, ["Beta"]),
        ({"created__hour": "23"}, ["Gamma"]),  # Saturday, Django's numbering
        ({"created__month__in": "3,12"}, ["Alpha", "Gamma"]),
        ({"created__date__gte": "2024-06-16"}, ["Gamma"]),
        ({"created__gte": "2024-06-15T12:00:00Z"}, ["Beta", "Gamma"]),
        ({"created__lt": "2024-06-15T13:00:00+00:30"}, ["Alpha", "Beta"]),
        ({"author__name__iexact": "ann lee"}, ["Alpha"]),
        ({"author__name__icontains": "STONE"}, ["Beta", "Gamma"]),
        ({"comments__name": "zebra"}, ["Alpha"]),
        ({"title": ""}, ["Alpha", "Beta", "Gamma"]),  # an empty value filters nothing, as in django-filter
        ({"title": "' OR 1=1 --"}, []),
        ({"title__icontains": "%"}, []),
        ({"unrelated": "x"}, ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_each_lookup_filters_the_rows(blog: dict[str, Any], params: dict[str, str], expected: list[str]) -> None:
    assert run(DjangoFilterBackend, params, filterset_fields=FIELDS) == expected


def test_all_fields_and_explicit_choices(blog: dict[str, Any]) -> None:
    class EveryField(FilterSet):
        kind = ChoiceFilter(field_name="rating", choices=[(3, "three"), (5, "five")], lookup_expr="in")

        class Meta:
            model = Post
            fields = "__all__"

    assert set(EveryField.base_filters) == {
        "id",
        "title",
        "body",
        "status",
        "rating",
        "price",
        "created",
        "author",
        "kind",
    }
    assert run(DjangoFilterBackend, {"kind": "5,3"}, filterset_class=EveryField) == ["Alpha", "Gamma"]
    assert refused(DjangoFilterBackend, {"kind": "4"}, filterset_class=EveryField) == {
        "kind": ["Item 1 ('4'): Select a valid choice; '4' is not one of: 3, 5."]
    }
    assert run(DjangoFilterBackend, {"price": "25.5", "author": str(blog["bob"].pk)}, filterset_class=EveryField) == [
        "Beta"
    ]


def test_foreign_key_by_id_and_a_list_of_exact_fields(blog: dict[str, Any]) -> None:
    assert run(DjangoFilterBackend, {"author": str(blog["bob"].pk)}, filterset_fields=["author", "status"]) == [
        "Beta",
        "Gamma",
    ]
    assert run(DjangoFilterBackend, {"status": "published"}, filterset_fields=["author", "status"]) == [
        "Alpha",
        "Gamma",
    ]


def test_to_many_filter_returns_each_row_once(blog: dict[str, Any]) -> None:
    many = {"comments__name": ["startswith"]}
    assert run(DjangoFilterBackend, {"comments__name__startswith": "ze"}, filterset_fields=many) == ["Alpha"]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"price__gte": "abc"}, {"price__gte": ["Enter a number."]}),
        ({"price__gte": "1_000"}, {"price__gte": ["Enter a number."]}),
        ({"price__gte": "NaN"}, {"price__gte": ["Enter a number."]}),
        (
            {"price__gte": "1e30"},
            {"price__gte": ["Ensure that there are no more than 4 digits before the decimal point."]},
        ),
        ({"rating": "2.5"}, {"rating": ["Enter a whole number."]}),
        ({"rating": "40000"}, {"rating": ["Ensure this value is less than or equal to 32767."]}),
        ({"rating__gt": "9" * 400}, {"rating__gt": ["Ensure this value is less than or equal to 32767."]}),
        ({"rating": "-1"}, {"rating": ["Ensure this value is greater than or equal to 0."]}),
        (
            {"author": "99999999999999999999"},
            {"author": ["Ensure this value is less than or equal to 9223372036854775807."]},
        ),
        ({"rating__isnull": "maybe"}, {"rating__isnull": ["Enter true or false."]}),
        ({"rating__range": "1"}, {"rating__range": ["Enter two comma-separated values: low,high."]}),
        ({"rating__in": "1,x"}, {"rating__in": ["Item 2 ('x'): Enter a whole number."]}),
        ({"created__date": "2024-13-01"}, {"created__date": ["Enter a valid date (YYYY-MM-DD)."]}),
        (
            {"created__gte": "yesterday"},
            {"created__gte": ["Enter a valid date/time (ISO 8601, such as 2024-05-01T12:30:00Z)."]},
        ),
        ({"created__month": "13"}, {"created__month": ["Ensure this value is less than or equal to 12."]}),
        (
            {"status": "archived"},
            {"status": ["Select a valid choice; 'archived' is not one of: draft, published."]},
        ),
        ({"title": "a\x00b"}, {"title": ["Null characters are not allowed."]}),
    ],
)
def test_bad_values_are_400s_naming_the_parameter(
    blog: dict[str, Any], params: dict[str, str], errors: dict[str, list[str]]
) -> None:
    assert refused(DjangoFilterBackend, params, filterset_fields=FIELDS) == errors


def test_every_bad_parameter_is_reported_at_once(blog: dict[str, Any]) -> None:
    errors = refused(DjangoFilterBackend, {"rating": "x", "price__gte": "y", "title": "ok"}, filterset_fields=FIELDS)
    assert errors == {"rating": ["Enter a whole number."], "price__gte": ["Enter a number."]}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (["titel"], "PostListView.filterset_fields: PostListViewFilterSet: Post has no field 'titel'"),
        ({"author__nickname": ["exact"]}, "Author has no field 'nickname'"),
        ({"title__name": ["exact"]}, "Post.title is not a relation"),
        ({"rating": ["icontains"]}, "lookup 'icontains' is not available on 'rating' (int)"),
        ({"rating": ["year"]}, "'rating' (int) has no 'year' part"),
        ({"title": ["regex"]}, "lookup 'regex' is not available on 'title'"),
        ({"created": ["year__icontains"]}, "lookup 'icontains' cannot follow 'year'"),
        ({"created": ["quarter"]}, "lookup 'quarter' is not available on 'created' (datetime)"),
        ({"title": "icontains"}, "the lookups of 'title' must be a list"),
    ],
)
def test_misconfigured_fields_name_the_view_and_field(fields: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        DjangoFilterBackend().get_schema_parameters(view(filterset_fields=fields))


def test_filters_do_not_apply_to_detail_views(blog: dict[str, Any]) -> None:
    assert run(DjangoFilterBackend, {"rating": "x"}, filterset_fields=FIELDS, detail=True) == [
        "Alpha",
        "Beta",
        "Gamma",
    ]


# ---------------------------------------------------------------------------- FilterSet


class PostFilter(FilterSet):
    min_price = NumberFilter(field_name="price", lookup_expr="gte")
    title = CharFilter(lookup_expr="icontains")
    not_status = CharFilter(field_name="status", exclude=True)
    published = BooleanFilter(field_name="status", method="filter_published")

    class Meta:
        model = Post
        fields = {"status": ["exact"], "author__name": ["iexact"]}

    def filter_published(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(**{name: "published"}) if value else queryset.exclude(**{name: "published"})


class RequiredAuthorFilter(FilterSet):
    author = NumberFilter(required=True)

    class Meta:
        model = Post
        fields: list[str] = []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"min_price": "20"}, ["Beta", "Gamma"]),
        ({"title": "MM"}, ["Gamma"]),
        ({"not_status": "published"}, ["Beta"]),
        ({"published": "true"}, ["Alpha", "Gamma"]),
        ({"published": "false"}, ["Beta"]),
        ({"status": "published", "author__name__iexact": "BOB STONE"}, ["Gamma"]),
        ({"min_price": "20", "published": "yes"}, ["Gamma"]),
    ],
)
def test_filterset_declared_generated_method_and_exclude_filters(
    blog: dict[str, Any], params: dict[str, str], expected: list[str]
) -> None:
    assert run(DjangoFilterBackend, params, filterset_class=PostFilter) == expected


def test_filterset_required_and_bad_values(blog: dict[str, Any]) -> None:
    assert refused(DjangoFilterBackend, {}, filterset_class=RequiredAuthorFilter) == {
        "author": ["This query parameter is required."]
    }
    assert run(DjangoFilterBackend, {"author": str(blog["ann"].pk)}, filterset_class=RequiredAuthorFilter) == ["Alpha"]
    assert refused(DjangoFilterBackend, {"published": "perhaps"}, filterset_class=PostFilter) == {
        "published": ["Enter true or false."]
    }


def test_filterset_used_directly(blog: dict[str, Any]) -> None:
    filterset = PostFilter({"min_price": "20", "title": "a"}, Post.objects.all())
    assert filterset.is_valid()
    assert titles(filterset.qs) == ["Beta", "Gamma"]
    bad = PostFilter({"min_price": "lots"})
    assert not bad.is_valid()
    assert bad.errors == {"min_price": ["Enter a number."]}
    with pytest.raises(ValidationError):
        _ = bad.qs


def test_filterset_mistakes_are_explained_when_the_class_is_made() -> None:
    with pytest.raises(ImproperlyConfigured, match="Wrong.price: CharFilter 'price' cannot filter 'price'"):

        class Wrong(FilterSet):
            price = CharFilter()

            class Meta:
                model = Post
                fields: list[str] = []

    with pytest.raises(ImproperlyConfigured, match="method 'nope' is not a method of NoMethod"):

        class NoMethod(FilterSet):
            flag = BooleanFilter(method="nope")

            class Meta:
                model = Post
                fields: list[str] = []


def test_a_filterset_for_another_model_is_refused() -> None:
    class AuthorFilter(FilterSet):
        class Meta:
            model = Author
            fields = ["name"]

    with pytest.raises(ImproperlyConfigured, match="filters Author, but the view lists Post"):
        DjangoFilterBackend().get_schema_parameters(view(filterset_class=AuthorFilter))


# ---------------------------------------------------------------------------- SearchFilter


@pytest.mark.parametrize(
    ("search_fields", "term", "expected"),
    [
        (["title"], "amm", ["Gamma"]),
        (["title", "author__name"], "ann", ["Alpha"]),
        (["title", "author__name"], "stone", ["Beta", "Gamma"]),
        (["^title"], "al", ["Alpha"]),
        (["^title"], "lph", []),
        (["=author__name"], "bob stone", []),  # two terms: each must equal the whole name
        (["=author__name", "=title"], "beta", ["Beta"]),
        (["$title"], "^(al|be)", ["Alpha", "Beta"]),
        (["body"], "100%", ["Beta"]),
        (["title", "body"], "a, run", ["Alpha", "Gamma"]),  # both terms, each in any field
        (["body"], '"pure tale"', ["Beta"]),  # a quoted phrase is one term
        (["body"], "pure, tale", ["Beta"]),
        (["body"], '"tale pure"', []),
        (["title", "author__name"], "bob gamma", ["Gamma"]),
        (["comments__name"], "ze", ["Alpha"]),  # once, though two comments match
        (["title"], "' OR 1=1 --", []),
        (["title"], "   ", ["Alpha", "Beta", "Gamma"]),
    ],
)
def test_search(blog: dict[str, Any], search_fields: list[str], term: str, expected: list[str]) -> None:
    assert run(SearchFilter, {"search": term}, search_fields=search_fields) == expected


def test_full_text_search_stems_words_on_postgresql_and_contains_elsewhere(blog: dict[str, Any], backend: str) -> None:
    if backend == "postgresql":
        assert run(SearchFilter, {"search": "running"}, search_fields=["@body"]) == ["Alpha", "Gamma"]
    else:
        assert run(SearchFilter, {"search": "running"}, search_fields=["@body"]) == ["Gamma"]
    assert run(SearchFilter, {"search": "tale"}, search_fields=["@body"]) == ["Beta"]


def test_search_refusals(blog: dict[str, Any]) -> None:
    assert refused(SearchFilter, {"search": "a\x00"}, search_fields=["title"]) == {
        "search": ["Null characters are not allowed."]
    }
    assert refused(SearchFilter, {"search": " ".join("abcdefghijk")}, search_fields=["title"]) == {
        "search": ["Search for at most 10 terms at once."]
    }
    assert refused(SearchFilter, {"search": "(unclosed"}, search_fields=["$title"]) == {
        "search": ["'(unclosed' is not a usable pattern: unbalanced parentheses."]
    }


def test_search_param_follows_the_setting(blog: dict[str, Any], settings: Any) -> None:
    settings.REST_FRAMEWORK = {"SEARCH_PARAM": "q"}
    assert run(SearchFilter, {"q": "gam", "search": "alpha"}, search_fields=["title"]) == ["Gamma"]


@pytest.mark.parametrize(
    ("search_fields", "message"),
    [
        (["rating"], "'rating' is not a text field"),
        (["^titel"], "search_fields '\\^titel': Post has no field 'titel'"),
    ],
)
def test_search_misconfiguration(search_fields: list[str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        SearchFilter().get_schema_parameters(view(search_fields=search_fields))


# ---------------------------------------------------------------------------- OrderingFilter


ORDERING = {"ordering_fields": ["title", "price", "rating", "created", "author__name"], "ordering": ["-price"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Gamma", "Beta", "Alpha"]),
        ({"ordering": ""}, ["Gamma", "Beta", "Alpha"]),
        ({"ordering": "title"}, ["Alpha", "Beta", "Gamma"]),
        ({"ordering": "-title"}, ["Gamma", "Beta", "Alpha"]),
        ({"ordering": "-author__name,title"}, ["Beta", "Gamma", "Alpha"]),
        ({"ordering": "author__name, -created"}, ["Alpha", "Gamma", "Beta"]),
        ({"ordering": "created,,-created"}, ["Alpha", "Beta", "Gamma"]),  # the first mention wins
        ({"ordering": "-created"}, ["Gamma", "Beta", "Alpha"]),
    ],
)
def test_ordering(blog: dict[str, Any], params: dict[str, str], expected: list[str]) -> None:
    assert run(OrderingFilter, params, **ORDERING) == expected


def test_ordering_refuses_fields_not_allowed(blog: dict[str, Any]) -> None:
    assert refused(OrderingFilter, {"ordering": "body,-foo,title"}, **ORDERING) == {
        "ordering": [
            "Cannot order by 'body'; choose from: author__name, created, price, rating, title.",
            "Cannot order by 'foo'; choose from: author__name, created, price, rating, title.",
        ]
    }
    assert refused(OrderingFilter, {"ordering": "-"}, **ORDERING) == {
        "ordering": ["Cannot order by ''; choose from: author__name, created, price, rating, title."]
    }


def test_ordering_all_means_the_serializers_readable_fields(blog: dict[str, Any]) -> None:
    assert run(OrderingFilter, {"ordering": "-author_name,title"}, ordering_fields="__all__") == [
        "Beta",
        "Gamma",
        "Alpha",
    ]
    errors = refused(OrderingFilter, {"ordering": "body"}, ordering_fields="__all__")
    assert errors == {
        "ordering": [
            "Cannot order by 'body'; choose from: author, author_name, created, id, price, rating, status, title."
        ]
    }


def test_ordering_param_follows_the_setting(blog: dict[str, Any], settings: Any) -> None:
    settings.REST_FRAMEWORK = {"ORDERING_PARAM": "sort"}
    assert run(OrderingFilter, {"sort": "title", "ordering": "bogus"}, **ORDERING) == ["Alpha", "Beta", "Gamma"]


def test_ordering_misconfiguration() -> None:
    with pytest.raises(ImproperlyConfigured, match="PostListView.ordering_fields 'comments__name' crosses a to-many"):
        OrderingFilter().get_schema_parameters(view(ordering_fields=["comments__name"]))
    with pytest.raises(ImproperlyConfigured, match="PostListView.ordering 'nope': Post has no field 'nope'"):
        OrderingFilter().get_schema_parameters(view(ordering_fields=["title"], ordering="-nope"))


def test_search_through_to_many_then_ordering_by_a_relation(blog: dict[str, Any]) -> None:
    the_view = view(search_fields=["comments__name", "title"], **ORDERING)
    request = request_for({"search": "z", "ordering": "-author__name"})
    queryset = SearchFilter().filter_queryset(request, the_view.queryset, the_view)
    queryset = OrderingFilter().filter_queryset(request, queryset, the_view)
    assert titles(queryset) == ["Alpha"]
    request = request_for({"search": "a", "ordering": "author__name,-title"})
    queryset = SearchFilter().filter_queryset(request, the_view.queryset, the_view)
    queryset = OrderingFilter().filter_queryset(request, queryset, the_view)
    assert titles(queryset) == ["Alpha", "Gamma", "Beta"]


# ---------------------------------------------------------------------------- schema parameters


def test_schema_parameters_carry_types_and_descriptions() -> None:
    the_view = view(
        filterset_fields={
            "price": ["gte"],
            "rating": ["exact", "in", "isnull"],
            "status": ["exact"],
            "created": ["date"],
        },
        search_fields=["^title", "author__name"],
        **ORDERING,
    )
    params = {param.name: param for param in DjangoFilterBackend().get_schema_parameters(the_view)}
    assert params["price__gte"].annotation is decimal.Decimal
    assert params["price__gte"].description == "Price greater than or equal to."
    assert params["rating"].annotation is int
    assert params["rating__in"].annotation is str
    assert "comma-separated" in (params["rating__in"].description or "")
    assert params["rating__isnull"].annotation is bool
    assert params["created__date"].annotation is datetime.date
    assert set(params["status"].annotation.__args__) == {"draft", "published"}
    (search,) = SearchFilter().get_schema_parameters(the_view)
    assert search.name == "search"
    assert "^title, author__name" in (search.description or "")
    (ordering,) = OrderingFilter().get_schema_parameters(the_view)
    assert ordering.name == "ordering"
    assert "author__name, created, price, rating, title" in (ordering.description or "")
    assert "Default: -price." in (ordering.description or "")


# ---------------------------------------------------------------------------- through HTTP


class PostViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.select_related("author")
    serializer_class = PostSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_fields = {
        "status": ["exact"],
        "rating": ["gte", "isnull"],
        "price": ["gte", "lte"],
        "created": ["year", "date__gte"],
        "author__name": ["iexact"],
    }
    search_fields = ["^title", "author__name", "@body"]
    ordering_fields = ["title", "price", "created", "author__name"]
    ordering = ["-created"]


class FilteredPostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.select_related("author")
    serializer_class = PostSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PostFilter


class RequiredPostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.select_related("author")
    serializer_class = PostSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RequiredAuthorFilter


class RegexPostViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.select_related("author")
    serializer_class = PostSerializer
    filter_backends = [SearchFilter, DjangoFilterBackend, OrderingFilter]
    search_fields = ["$title"]
    filterset_fields = {"created": ["gte"]}
    ordering = ["title"]


router = routers.DefaultRouter()
router.register("posts", PostViewSet, basename="post")
router.register("regex", RegexPostViewSet, basename="regex")
router.register("filtered", FilteredPostViewSet, basename="filtered")
router.register("required", RequiredPostViewSet, basename="required")
urlpatterns = [path("api/", include(router.urls))]


async def make_blog() -> dict[str, Any]:
    ann = await Author.objects.acreate(name="Ann Lee")
    bob = await Author.objects.acreate(name="Bob Stone")
    rows = [
        ("Alpha", "runs fast", "published", 5, "10.00", ann, datetime.datetime(2023, 3, 1, 10, tzinfo=UTC)),
        ("Beta", "a pure tale", "draft", None, "25.50", bob, datetime.datetime(2024, 6, 15, 12, tzinfo=UTC)),
        ("Gamma", "Running late", "published", 3, "99.99", bob, datetime.datetime(2024, 12, 31, 23, tzinfo=UTC)),
    ]
    posts: dict[str, Any] = {"ann": ann, "bob": bob}
    for title, body, status, rating, price, author, created in rows:
        post = await Post.objects.acreate(
            title=title, body=body, status=status, rating=rating, price=decimal.Decimal(price), author=author
        )
        await Post.objects.filter(pk=post.pk).aupdate(created=created)
        posts[title] = post
    return posts


async def listed(async_client: Any, url: str) -> list[str]:
    response = await async_client.get(url)
    assert response.status_code == 200, response.text
    return [row["title"] for row in response.json()]


async def test_http_filters_search_and_ordering_together(async_client: Any, backend: str) -> None:
    await make_blog()
    assert await listed(async_client, "/api/posts/") == ["Gamma", "Beta", "Alpha"]  # the view's ordering
    assert await listed(async_client, "/api/posts/?status=published") == ["Gamma", "Alpha"]
    assert await listed(async_client, "/api/posts/?price__gte=20&price__lte=30") == ["Beta"]
    assert await listed(async_client, "/api/posts/?rating__isnull=true") == ["Beta"]
    assert await listed(async_client, "/api/posts/?created__year=2024&ordering=title") == ["Beta", "Gamma"]
    assert await listed(async_client, "/api/posts/?created__date__gte=2024-01-01&ordering=-price") == [
        "Gamma",
        "Beta",
    ]
    assert await listed(async_client, "/api/posts/?author__name__iexact=BOB%20STONE&ordering=title") == [
        "Beta",
        "Gamma",
    ]
    assert await listed(async_client, "/api/posts/?search=stone&ordering=-title") == ["Gamma", "Beta"]
    assert await listed(async_client, "/api/posts/?search=alp") == ["Alpha"]  # ^title: starts with
    assert await listed(async_client, "/api/posts/?search=late") == ["Gamma"]  # @body
    assert await listed(async_client, "/api/posts/?search=bob,gam") == ["Gamma"]
    assert await listed(async_client, "/api/posts/?ordering=author__name,-created") == ["Alpha", "Gamma", "Beta"]
    assert await listed(async_client, "/api/posts/?author__name__iexact=%27%20OR%201%3D1%20--") == []
    assert await listed(async_client, "/api/posts/?search=%27%20OR%201%3D1%20--") == []


async def test_http_filterset_method_exclude_and_required(async_client: Any, backend: str) -> None:
    blog = await make_blog()
    assert await listed(async_client, "/api/filtered/?published=false") == ["Beta"]
    assert await listed(async_client, "/api/filtered/?not_status=draft&min_price=50") == ["Gamma"]
    missing = await async_client.get("/api/required/")
    assert missing.status_code == 400
    assert missing.json() == {"author": ["This query parameter is required."]}
    assert await listed(async_client, f"/api/required/?author={blog['ann'].pk}") == ["Alpha"]
    # Filters are for lists: a single object is found whatever the query string says.
    detail = await async_client.get(f"/api/filtered/{blog['Beta'].pk}/")
    assert detail.status_code == 200 and detail.json()["title"] == "Beta"


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("price__gte=abc", {"price__gte": ["Enter a number."]}),
        ("rating__gte=99999999999999999999999", {"rating__gte": ["Ensure this value is less than or equal to 32767."]}),
        ("rating__isnull=sometimes", {"rating__isnull": ["Enter true or false."]}),
        ("created__date__gte=2024-02-30", {"created__date__gte": ["Enter a valid date (YYYY-MM-DD)."]}),
        ("created__year=twenty", {"created__year": ["Enter a whole number."]}),
        ("status=deleted", {"status": ["Select a valid choice; 'deleted' is not one of: draft, published."]}),
        ("search=%00", {"search": ["Null characters are not allowed."]}),
        (
            "ordering=body",
            {"ordering": ["Cannot order by 'body'; choose from: author__name, created, price, title."]},
        ),
        ("author__name=Ann", {"author__name": ["Unknown query parameter."]}),
        (
            "created__date__gte=2024-01-01&rating__gte=" + "1" * 5000,
            {"rating__gte": ["Ensure this value is less than or equal to 32767."]},
        ),
    ],
)
async def test_http_bad_input_is_a_clear_400(
    async_client: Any, backend: str, query: str, errors: dict[str, list[str]]
) -> None:
    await make_blog()
    response = await async_client.get(f"/api/posts/?{query}")
    assert response.status_code == 400
    body = response.json()
    if query.startswith("author__name="):  # the view refuses parameters nobody declared
        assert list(body) == ["author__name"] and body["author__name"][0].startswith("Unknown query parameter.")
    else:
        assert body == errors


@pytest.mark.parametrize(
    "query",
    [
        "search=%F0%9F%98%80",  # a 4-byte character, against utf8mb3 columns on MariaDB too
        "author__name__iexact=%F0%9F%98%80",
        "search=%27%3B%20DROP%20TABLE%20rest_blog_post%3B%20--",
        "search=%25%25%25__",
        "price__lte=-0.0000000000000000000000000001",
        "created__date__gte=0001-01-01",
    ],
)
async def test_http_odd_but_valid_values_are_answered(async_client: Any, backend: str, query: str) -> None:
    await make_blog()
    response = await async_client.get(f"/api/posts/?{query}")
    assert response.status_code == 200, response.text
    assert len(response.json()) == (3 if query.startswith("created") else 0)


async def test_http_datetimes_outside_the_utc_calendar_are_refused(async_client: Any, backend: str) -> None:
    for value in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00%2B05:00"):
        response = await async_client.get(f"/api/regex/?created__gte={value}")
        assert response.status_code == 400
        assert response.json() == {"created__gte": ["Enter a date/time between years 1 and 9999 in UTC."]}


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("^(al|ga)", ["Alpha", "Gamma"]),
        ("^[a-c]e", ["Beta"]),
        ("^[^ab]", ["Gamma"]),
        ('"^.{5}$"', ["Alpha", "Gamma"]),  # quoted: the comma-free phrase stays one term
        ('"^.{4,4}$"', ["Beta"]),
        ("m{2}", ["Gamma"]),
        ("ph.*a$ a$", ["Alpha"]),  # two terms, both must match
        (r"\w+a$", ["Alpha", "Beta", "Gamma"]),
        (r"\.", []),
        ("x+?", []),
    ],
)
async def test_http_regex_search(async_client: Any, backend: str, search: str, found: list[str]) -> None:
    await make_blog()
    assert await listed(async_client, f"/api/regex/?{urlencode({'search': search})}") == found


@pytest.mark.parametrize(
    ("search", "pattern", "problem"),
    [
        ("a{300}", "a{300}", "repetitions are limited to 255"),
        ('"a{1,999}"', "a{1,999}", "repetitions are limited to 255"),
        ("a{2,3}", "a{2", "a { must start a repetition such as {2}, {2,} or {2,5} (write \\{ for the character)"),
        ("a}", "a}", "a } without its { (write \\} for the character)"),
        ("[[:alpha:]]", "[[:alpha:]]", "each [ needs its ], and classes cannot nest"),
        ("(ab", "(ab", "unbalanced parentheses"),
        ("ab)", "ab)", "unbalanced parentheses"),
        ("\\bword", "\\bword", "a backslash may only escape punctuation or start \\d, \\w, \\s"),
        ("x**", "x**", "multiple repeat at position 2"),
        ("(?P<n>a)", "(?P<n>a)", "(?...) groups are not portable between databases"),
        ("a" * 101, "a" * 101, "at most 100 characters long"),
    ],
)
async def test_http_regex_search_refusals(
    async_client: Any, backend: str, search: str, pattern: str, problem: str
) -> None:
    response = await async_client.get(f"/api/regex/?{urlencode({'search': search})}")
    assert response.status_code == 400
    assert response.json() == {"search": [f"{pattern!r} is not a usable pattern: {problem}."]}


async def test_openapi_lists_the_filter_search_and_ordering_parameters(async_client: Any, backend: str) -> None:
    schema = (await async_client.get("/openapi.json")).json()
    operation = schema["paths"]["/api/posts/"]["get"]
    params = {param["name"]: param for param in operation["parameters"]}
    assert {
        "status",
        "rating__gte",
        "rating__isnull",
        "price__gte",
        "price__lte",
        "created__year",
        "created__date__gte",
        "author__name__iexact",
        "search",
        "ordering",
    } <= set(params)
    assert "integer" in str(params["rating__gte"]["schema"])
    assert "boolean" in str(params["rating__isnull"]["schema"])
    assert "date" in str(params["created__date__gte"]["schema"])
    assert "draft" in str(params["status"]["schema"])
    assert "^title, author__name, @body" in params["search"]["description"]
    assert "author__name, created, price, title" in params["ordering"]["description"]
    required = schema["paths"]["/api/required/"]["get"]["parameters"]
    assert [param["required"] for param in required if param["name"] == "author"] == [True]
    detail = schema["paths"]["/api/posts/{pk}/"]["get"]
    assert "search" not in {param["name"] for param in detail.get("parameters", [])}
