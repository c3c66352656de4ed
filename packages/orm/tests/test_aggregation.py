"""annotate(), aggregate(), GROUP BY through values(), database functions and subqueries."""

from __future__ import annotations

import decimal
import math

import pytest
from orm_test_models import Author, Book, Review, Tag, make_library

from fastjango.orm import (
    Avg,
    Case,
    Coalesce,
    Concat,
    Count,
    Exists,
    F,
    Length,
    Lower,
    Max,
    Min,
    OuterRef,
    Q,
    StdDev,
    Subquery,
    Sum,
    Upper,
    Value,
    Variance,
    When,
)

pytestmark = pytest.mark.usefixtures("db")


def test_aggregate_over_the_whole_queryset() -> None:
    make_library()  # pages 100, 250, 50; prices 10.50, 20.00, 0.00
    result = Book.objects.aggregate(Sum("pages"), Avg("pages"), Max("pages"), Min("pages"), Count("id"))
    assert result == {
        "pages__sum": 400,
        "pages__avg": pytest.approx(400 / 3),
        "pages__max": 250,
        "pages__min": 50,
        "id__count": 3,
    }
    assert isinstance(result["pages__avg"], float)
    prices = Book.objects.aggregate(total=Sum("price"), mean=Avg("price"))
    assert prices["total"] == decimal.Decimal("30.50") and isinstance(prices["total"], decimal.Decimal)
    assert round(prices["mean"], 2) == decimal.Decimal("10.17")
    assert Book.objects.filter(author__name="Ann").aggregate(n=Count("*")) == {"n": 2}
    assert Book.objects.filter(title="Nope").aggregate(Sum("pages")) == {"pages__sum": None}


def test_filtered_and_distinct_aggregates() -> None:
    make_library()
    result = Book.objects.aggregate(
        long=Count("id", filter=Q(pages__gte=100)),
        long_pages=Sum("pages", filter=Q(pages__gte=100)),
        authors=Count("author", distinct=True),
    )
    assert result == {"long": 2, "long_pages": 350, "authors": 2}


def test_annotate_counts_related_rows_per_object() -> None:
    make_library()
    counted = {a.name: a.n for a in Author.objects.annotate(n=Count("books"))}  # type: ignore[attr-defined]
    assert counted == {"Ann": 2, "Bob": 1, "Cid": 0}
    busy = Author.objects.annotate(n=Count("books")).filter(n__gte=1).order_by("-n", "name")
    assert [(a.name, a.n) for a in busy] == [("Ann", 2), ("Bob", 1)]  # type: ignore[attr-defined]
    assert busy.count() == 2
    pages = {a.name: a.total for a in Author.objects.annotate(total=Sum("books__pages"))}  # type: ignore[attr-defined]
    assert pages == {"Ann": 350, "Bob": 50, "Cid": None}


def test_values_then_annotate_groups_by_those_fields() -> None:
    make_library()
    rows = list(
        Book.objects.values("author__name").annotate(n=Count("id"), total_pages=Sum("pages")).order_by("author__name")
    )
    assert rows == [
        {"author__name": "Ann", "n": 2, "total_pages": 350},
        {"author__name": "Bob", "n": 1, "total_pages": 50},
    ]


def test_spread_aggregates_agree_across_databases() -> None:
    make_library()
    pages = [100, 250, 50]
    mean = sum(pages) / 3
    population = sum((p - mean) ** 2 for p in pages) / 3
    result = Book.objects.aggregate(v=Variance("pages"), s=StdDev("pages"), vs=Variance("pages", sample=True))
    assert result["v"] == pytest.approx(population)
    assert result["s"] == pytest.approx(math.sqrt(population))
    assert result["vs"] == pytest.approx(population * 3 / 2)


def test_functions_in_annotations_and_filters() -> None:
    make_library()
    upper = {b.title: b.shout for b in Book.objects.annotate(shout=Upper("title"))}  # type: ignore[attr-defined]
    assert upper == {"Alpha": "ALPHA", "Beta": "BETA", "Gamma": "GAMMA"}
    labels = dict(
        Book.objects.annotate(label=Concat("title", Value(" by "), "author__name")).values_list("title", "label")
    )
    assert labels["Alpha"] == "Alpha by Ann"
    ratings = dict(Book.objects.annotate(r=Coalesce("rating", Value(0.0))).values_list("title", "r"))
    assert ratings == {"Alpha": 0.0, "Beta": 4.5, "Gamma": 0.0}
    sizes = dict(
        Book.objects.annotate(
            size=Case(
                When(pages__gte=200, then=Value("long")),
                When(pages__gte=100, then=Value("medium")),
                default=Value("short"),
            )
        ).values_list("title", "size")
    )
    assert sizes == {"Alpha": "medium", "Beta": "long", "Gamma": "short"}
    assert [b.title for b in Book.objects.annotate(n=Length("title")).filter(n=4)] == ["Beta"]
    assert [a.name for a in Author.objects.annotate(low=Lower("name")).filter(low="ann")] == ["Ann"]
    Author.objects.filter(name="Cid").update(email=Concat("name", Value("@example.com")))
    assert Author.objects.get(name="Cid").email == "Cid@example.com"


def test_length_counts_characters_not_bytes() -> None:
    ann = Author.objects.create(name="Ann")
    Book.objects.create(title="Żółć", author=ann)
    assert Book.objects.annotate(n=Length("title")).get(title="Żółć").n == 4  # type: ignore[attr-defined]


def test_subquery_and_exists_with_outer_references() -> None:
    library = make_library()
    Review.objects.create(book=library["b1"], stars=4)
    Review.objects.create(book=library["b1"], stars=2)
    longest = Book.objects.filter(author=OuterRef("pk")).order_by("-pages").values("title")[:1]
    best = dict(Author.objects.annotate(best=Subquery(longest)).values_list("name", "best"))
    assert best == {"Ann": "Beta", "Bob": "Gamma", "Cid": None}
    reviewed = Review.objects.filter(book=OuterRef("pk"))
    assert [b.title for b in Book.objects.filter(Exists(reviewed))] == ["Alpha"]
    assert sorted(b.title for b in Book.objects.filter(~Exists(reviewed))) == ["Beta", "Gamma"]
    flags = dict(Book.objects.annotate(has=Exists(reviewed)).values_list("title", "has"))
    assert flags == {"Alpha": True, "Beta": False, "Gamma": False}


def test_annotation_name_clashing_with_a_field_is_refused() -> None:
    with pytest.raises(ValueError, match="conflicts with a field"):
        Book.objects.annotate(title=F("pages"))


def test_aggregate_over_a_slice_a_distinct_and_a_grouped_queryset() -> None:
    library = make_library()
    # A slice: the two shortest books only (50 and 100 pages), as Django aggregates over the subquery.
    assert Book.objects.order_by("pages")[:2].aggregate(total=Sum("pages"), top=Max("pages")) == {
        "total": 150,
        "top": 100,
    }
    assert Book.objects.order_by("-pages")[1:].aggregate(Sum("pages")) == {"pages__sum": 150}
    # distinct() after a multi-valued join: each book counts once.
    fiction, poetry = Tag.objects.create(slug="fiction"), Tag.objects.create(slug="poetry")
    library["b2"].tags.add(fiction, poetry)
    library["b3"].tags.add(fiction)
    joined = Book.objects.filter(tags__slug__in=["fiction", "poetry"])
    assert joined.aggregate(total=Sum("pages")) == {"total": 550}  # Beta twice, as in Django
    assert joined.distinct().aggregate(total=Sum("pages")) == {"total": 300}
    # Grouped: aggregate the annotation of each group.
    per_author = Author.objects.annotate(n=Count("books"))
    assert per_author.aggregate(most=Max("n"), least=Min("n"), total=Sum("n")) == {"most": 2, "least": 0, "total": 3}
    by_author = Book.objects.values("author").annotate(total_pages=Sum("pages"))
    assert by_author.aggregate(Max("total_pages")) == {"total_pages__max": 350}


async def test_aaggregate_over_a_slice() -> None:
    await Author.objects.acreate(name="Ann")
    await Author.objects.acreate(name="Bob")
    await Author.objects.acreate(name="Cid")
    assert await Author.objects.order_by("name")[1:].aaggregate(n=Count("id")) == {"n": 2}


def test_aggregate_across_a_relation_over_a_slice_is_refused_clearly() -> None:
    make_library()
    with pytest.raises(NotImplementedError, match="spans a relation"):
        Author.objects.order_by("name")[:2].aggregate(Sum("books__pages"))
