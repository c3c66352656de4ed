"""QuerySet behaviour, the same on every database: rows, order, counts, errors."""

from __future__ import annotations

import datetime
import decimal

import pytest
from orm_test_models import Author, Book, Publisher, Tag, make_library

from fastjango.orm import F, FieldError, NotSupportedError, Q

pytestmark = pytest.mark.usefixtures("db")


def titles(queryset: object) -> list[str]:
    return [book.title for book in queryset]  # type: ignore[attr-defined]


def test_filter_exclude_and_lookups() -> None:
    make_library()
    assert titles(Book.objects.filter(title__icontains="ALP")) == ["Alpha"]
    assert titles(Book.objects.filter(pages__gt=60).order_by("title")) == ["Alpha", "Beta"]
    assert titles(Book.objects.filter(pages__range=(50, 100)).order_by("pages")) == ["Gamma", "Alpha"]
    assert titles(Book.objects.filter(title__in=["Beta", "Gamma", "Nope"]).order_by("-title")) == ["Gamma", "Beta"]
    assert titles(Book.objects.filter(title__in=[])) == []
    assert titles(Book.objects.filter(title__startswith="Be")) == ["Beta"]
    assert titles(Book.objects.filter(title__endswith="mma")) == ["Gamma"]
    assert sorted(titles(Book.objects.filter(title__iregex=r"^(a|g)"))) == ["Alpha", "Gamma"]
    assert titles(Book.objects.exclude(pages__lt=100).order_by("title")) == ["Alpha", "Beta"]


def test_like_wildcards_in_values_are_literal() -> None:
    ann = Author.objects.create(name="Ann")
    Book.objects.create(title="100% pure", author=ann)
    Book.objects.create(title="1000 pure", author=ann)
    Book.objects.create(title="under_score", author=ann)
    Book.objects.create(title="underXscore", author=ann)
    assert titles(Book.objects.filter(title__contains="0%")) == ["100% pure"]
    assert titles(Book.objects.filter(title__icontains="R_S")) == ["under_score"]


def test_case_sensitive_contains_where_the_database_allows(backend: str) -> None:
    ann = Author.objects.create(name="Ann")
    Book.objects.create(title="Django", author=ann)
    found = titles(Book.objects.filter(title__contains="django"))
    # SQLite's LIKE ignores ASCII case, as Django documents for it.
    assert found == (["Django"] if backend == "sqlite" else [])
    assert titles(Book.objects.filter(title__contains="Djan")) == ["Django"]


def test_lookups_across_relations_and_q_objects() -> None:
    make_library()
    assert titles(Book.objects.filter(author__name="Ann").order_by("title")) == ["Alpha", "Beta"]
    assert titles(Book.objects.filter(Q(author__name="Bob") | Q(rating__gte=4)).order_by("title")) == ["Beta", "Gamma"]
    assert titles(Book.objects.filter(~Q(author__name="Ann"))) == ["Gamma"]
    assert titles(Book.objects.filter(publisher__name="Acme")) == ["Alpha"]
    assert titles(Book.objects.filter(publisher__isnull=True).order_by("title")) == ["Beta", "Gamma"]
    assert titles(Book.objects.filter(editor__name="Ann")) == ["Gamma"]
    assert titles(Book.objects.filter(author__id=Author.objects.get(name="Bob").pk)) == ["Gamma"]


def test_exclude_keeps_rows_where_a_nullable_column_is_null() -> None:
    make_library()
    # rating is NULL for Alpha and Gamma: exclude(rating=4.5) keeps them, as Django does.
    assert titles(Book.objects.exclude(rating=4.5).order_by("title")) == ["Alpha", "Gamma"]
    # the same through a nullable relation
    assert titles(Book.objects.exclude(publisher__name="Acme").order_by("title")) == ["Beta", "Gamma"]


def test_reverse_relations_filter_and_exclude_like_django() -> None:
    make_library()
    # a join: one row per matching book
    assert [a.name for a in Author.objects.filter(books__pages__gte=50).order_by("name")] == ["Ann", "Ann", "Bob"]
    assert [a.name for a in Author.objects.filter(books__pages__gte=50).distinct().order_by("name")] == ["Ann", "Bob"]
    # exclude() drops authors having ANY such book
    assert [a.name for a in Author.objects.exclude(books__pages__gt=200)] == ["Bob", "Cid"]
    assert [a.name for a in Author.objects.filter(books__isnull=True)] == ["Cid"]


def test_separate_filter_calls_on_a_multivalued_relation_may_match_different_rows() -> None:
    make_library()
    both_in_one = Author.objects.filter(books__pages__gt=200, books__title="Alpha")
    in_two = Author.objects.filter(books__pages__gt=200).filter(books__title="Alpha")
    assert list(both_in_one) == []
    assert [a.name for a in in_two] == ["Ann"]


def test_f_expressions_in_filters_and_updates() -> None:
    library = make_library()
    # Alpha: 100 pages, 105 = 10.50 * 10; Beta: 250 > 200; Gamma: 50 > 0 (its price is 0.00)
    assert titles(Book.objects.filter(pages__gt=F("price") * 10).order_by("title")) == ["Beta", "Gamma"]
    assert Book.objects.filter(author__name="Ann").update(pages=F("pages") + 1) == 2
    library["b1"].refresh_from_db()
    assert library["b1"].pages == 101


def test_ordering_default_and_related_and_reverse() -> None:
    make_library()
    assert [a.name for a in Author.objects.all()] == ["Ann", "Bob", "Cid"]  # Meta.ordering
    assert [a.name for a in Author.objects.reverse()] == ["Cid", "Bob", "Ann"]
    assert titles(Book.objects.order_by("author", "-pages")) == ["Beta", "Alpha", "Gamma"]  # by the author's ordering
    assert titles(Book.objects.order_by("-author__name", "title")) == ["Gamma", "Alpha", "Beta"]
    assert len(list(Book.objects.order_by("?"))) == 3


def test_slicing_is_limit_offset_and_indexing() -> None:
    make_library()
    ordered = Book.objects.order_by("title")
    assert titles(ordered[1:]) == ["Beta", "Gamma"]
    assert titles(ordered[:2]) == ["Alpha", "Beta"]
    assert titles(ordered[1:2]) == ["Beta"]
    assert ordered[2].title == "Gamma"
    with pytest.raises(IndexError):
        ordered[5]
    with pytest.raises(ValueError, match="Negative indexing"):
        ordered[-1]
    with pytest.raises(TypeError, match="slice has been taken"):
        ordered[:1].filter(pages=1)


def test_get_first_last_earliest_latest_and_their_errors() -> None:
    make_library()
    assert Book.objects.get(title="Beta").pages == 250
    with pytest.raises(Book.DoesNotExist, match="Book matching query does not exist"):
        Book.objects.get(title="Nope")
    with pytest.raises(Book.MultipleObjectsReturned, match="returned more than one Book -- it returned 2!"):
        Book.objects.get(author__name="Ann")
    assert issubclass(Book.DoesNotExist, Book.__mro__[1].DoesNotExist)  # inherited from the abstract parent
    assert Author.objects.first().name == "Ann"  # type: ignore[union-attr]
    assert Author.objects.last().name == "Cid"  # type: ignore[union-attr]
    assert Author.objects.filter(name="Zed").first() is None
    assert Book.objects.earliest("pages").title == "Gamma"
    assert Book.objects.latest("pages").title == "Beta"


def test_count_exists_values_and_values_list() -> None:
    make_library()
    assert Book.objects.count() == 3
    assert Book.objects.filter(author__name="Ann").count() == 2
    assert Book.objects.filter(title="Alpha").exists()
    assert not Book.objects.filter(title="Nope").exists()
    assert list(Book.objects.order_by("title").values("title", "author__name")) == [
        {"title": "Alpha", "author__name": "Ann"},
        {"title": "Beta", "author__name": "Ann"},
        {"title": "Gamma", "author__name": "Bob"},
    ]
    assert list(Book.objects.order_by("title").values_list("pages", flat=True)) == [100, 250, 50]
    rows = list(Author.objects.values_list("name", "born", named=True))
    assert rows[0].name == "Ann" and rows[0].born == datetime.date(1980, 5, 17)
    assert set(Book.objects.values()[0]) >= {"id", "title", "author_id", "price"}
    with pytest.raises(FieldError, match="Cannot resolve keyword 'nope'"):
        Book.objects.filter(nope=1)


def test_in_with_a_queryset_is_a_subquery() -> None:
    make_library()
    ann_books = Book.objects.filter(author__in=Author.objects.filter(name="Ann"))
    assert titles(ann_books.order_by("title")) == ["Alpha", "Beta"]
    assert [a.name for a in Author.objects.filter(pk__in=Book.objects.values("author_id"))] == ["Ann", "Bob"]


def test_date_parts() -> None:
    make_library()
    assert titles(Book.objects.filter(published__year=2024)) == ["Alpha"]
    assert titles(Book.objects.filter(published__month=7)) == ["Gamma"]
    assert titles(Book.objects.filter(published__year__lt=2024, published__day=9)) == ["Gamma"]
    assert [a.name for a in Author.objects.filter(born__week_day=7)] == ["Ann"]  # 1980-05-17 was a Saturday
    assert titles(Book.objects.filter(published__date=datetime.date(2024, 3, 1))) == ["Alpha"]


def test_values_round_trip_with_their_python_types() -> None:
    ann = Author.objects.create(name="Ann")
    book = Book.objects.create(
        title="Types",
        author=ann,
        price=decimal.Decimal("1234.56"),
        reading_time=datetime.timedelta(hours=5, microseconds=7),
        data={"a": [1, 2], "b": None},
    )
    loaded = Book.objects.get(pk=book.pk)
    assert loaded.price == decimal.Decimal("1234.56") and isinstance(loaded.price, decimal.Decimal)
    assert loaded.reading_time == datetime.timedelta(hours=5, microseconds=7)
    assert loaded.data == {"a": [1, 2], "b": None}
    assert loaded.isbn == book.isbn
    assert loaded.created.tzinfo is not None and loaded.created.utcoffset() == datetime.timedelta(0)
    assert abs(loaded.created - book.created) < datetime.timedelta(seconds=1)
    assert loaded.status == Book.Status.DRAFT and loaded.status == "draft"


def test_in_bulk_and_contains() -> None:
    library = make_library()
    found = Book.objects.in_bulk([library["b1"].pk, library["b3"].pk])
    assert {book.title for book in found.values()} == {"Alpha", "Gamma"}
    assert Book.objects.in_bulk([]) == {}
    assert Book.objects.filter(author__name="Ann").contains(library["b2"])
    assert not Book.objects.filter(author__name="Ann").contains(library["b3"])


def test_none_runs_no_query(assert_num_queries: object) -> None:
    with assert_num_queries(0):  # type: ignore[operator]
        assert list(Book.objects.none()) == []
        assert Book.objects.none().count() == 0
        assert not Book.objects.none().exists()


def test_related_managers_and_many_to_many() -> None:
    library = make_library()
    ann, bob = library["ann"], library["bob"]
    assert sorted(titles(ann.books.all())) == ["Alpha", "Beta"]
    created = bob.books.create(title="Delta")
    assert created.author_id == bob.pk
    python, orm = Tag.objects.create(slug="python"), Tag.objects.create(slug="orm")
    library["b1"].tags.add(python, orm)
    library["b2"].tags.add(python)
    library["b1"].tags.add(python)  # already there: no duplicate, no error
    assert sorted(tag.slug for tag in library["b1"].tags.all()) == ["orm", "python"]
    assert sorted(titles(python.books.all())) == ["Alpha", "Beta"]
    assert titles(Book.objects.filter(tags__slug="orm")) == ["Alpha"]
    assert sorted(titles(Book.objects.exclude(tags__slug="python"))) == ["Delta", "Gamma"]
    library["b1"].tags.remove(orm)
    assert [tag.slug for tag in library["b1"].tags.all()] == ["python"]
    library["b1"].tags.set([orm])
    assert [tag.slug for tag in library["b1"].tags.all()] == ["orm"]
    library["b1"].tags.clear()
    assert list(library["b1"].tags.all()) == []


def test_forward_relation_loads_once_in_sync_code(assert_num_queries: object) -> None:
    make_library()
    book = Book.objects.get(title="Alpha")
    with assert_num_queries(1):  # type: ignore[operator]
        assert book.author.name == "Ann"
        assert book.author.name == "Ann"
    book.author = Author.objects.get(name="Bob")
    assert book.author_id == book.author.pk
    with pytest.raises(ValueError, match='must be a "Author" instance'):
        book.author = Publisher.objects.get(name="Acme")  # type: ignore[assignment]


def test_distinct_on_fields_keeps_the_first_row_of_each_group(backend: str) -> None:
    ann, bob = Author.objects.create(name="Ann"), Author.objects.create(name="Bob")
    for title, author, pages in [("A1", ann, 10), ("A2", ann, 30), ("B1", bob, 20), ("B2", bob, 5)]:
        Book.objects.create(title=title, author=author, pages=pages)
    # As in Django, order_by("author") would follow Author's Meta.ordering; DISTINCT ON needs the column itself.
    longest = Book.objects.order_by("author_id", "-pages").distinct("author")
    across_relation = Book.objects.order_by("author__name", "pages").distinct("author__name")
    if backend != "postgresql":
        with pytest.raises(NotSupportedError, match="DISTINCT ON, which only PostgreSQL"):
            list(longest)
        return
    assert titles(longest) == ["A2", "B1"]
    assert longest.count() == 2
    assert titles(across_relation) == ["A1", "B2"]
    assert list(Book.objects.order_by("author_id").distinct("author").values_list("author_id", flat=True)) == [
        ann.pk,
        bob.pk,
    ]


def test_distinct_fields_after_a_slice_is_refused() -> None:
    with pytest.raises(TypeError, match="Cannot create distinct fields once a slice has been taken"):
        Book.objects.all()[:2].distinct("author")


def test_integers_no_column_can_hold_match_nothing_instead_of_failing() -> None:
    # Django 5's rule: a value outside the column's integer type never reaches the database.
    make_library()
    assert not Book.objects.filter(pk=2**70).exists()
    with pytest.raises(Book.DoesNotExist):
        Book.objects.get(pk=2**63)
    assert not Book.objects.filter(author=2**70).exists()  # a foreign key to a big integer
    assert not Book.objects.filter(pages=2**31).exists()  # just past a 32-bit column
    assert not Book.objects.filter(pages=-1).exists()  # below a positive one
    total = Book.objects.count()
    assert Book.objects.filter(pages__lt=2**40).count() == total
    assert Book.objects.filter(pages__gte=-(2**40)).count() == total
    assert not Book.objects.filter(pages__gt=2**40).exists()
    assert not Book.objects.filter(pages__lte=-(2**40)).exists()
    assert Book.objects.exclude(pk=2**70).count() == total
    alpha = Book.objects.get(title="Alpha")
    assert list(Book.objects.filter(pk__in=[alpha.pk, 2**70]).values_list("title", flat=True)) == ["Alpha"]
    assert not Book.objects.filter(pk__in=[2**70]).exists()
    assert Book.objects.filter(pages__lt=2**40, title="Alpha").get() == alpha
