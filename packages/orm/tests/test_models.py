"""Model instances: defaults, saving, validation, constraints, deletion and on_delete."""

from __future__ import annotations

import datetime
import decimal
import pickle

import pytest
from orm_test_models import Author, Book, Loan, Member, Profile, Publisher, Review, Tag, make_library

from fastjango.orm import IntegrityError, Model, ProtectedError, RestrictedError, ValidationError, fields, transaction
from fastjango.orm.exceptions import ImproperlyConfigured

pytestmark = pytest.mark.usefixtures("db")


def test_new_instances_get_field_defaults_and_reject_unknown_arguments() -> None:
    book = Book(title="T")
    assert book.status == "draft" and book.pages == 0 and book.price == decimal.Decimal("0.00")
    assert book.isbn is not None and Book(title="U").isbn != book.isbn  # callable default, called per instance
    assert book.pk is None
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        Book(title="T", nope=1)
    with pytest.raises(TypeError, match="Direct assignment to the 'tags' relation"):
        Book(title="T", tags=[])


def test_save_inserts_then_updates_and_auto_now_fields_move() -> None:
    ann = Author.objects.create(name="Ann")
    book = Book(title="Draft", author=ann)
    book.save()
    assert book.pk is not None
    first_created, first_updated = book.created, book.updated
    book.title = "Final"
    book.save()
    assert Book.objects.count() == 1
    loaded = Book.objects.get(pk=book.pk)
    assert loaded.title == "Final"
    assert loaded.created == first_created and loaded.updated >= first_updated


def test_update_fields_writes_only_those_columns() -> None:
    ann = Author.objects.create(name="Ann")
    book = Book.objects.create(title="One", author=ann, pages=10)
    Book.objects.filter(pk=book.pk).update(pages=99)  # someone else changes pages
    book.title = "Two"
    book.save(update_fields=["title"])
    loaded = Book.objects.get(pk=book.pk)
    assert (loaded.title, loaded.pages) == ("Two", 99)
    with pytest.raises(ValueError, match="'nope', which is not a field"):
        book.save(update_fields=["nope"])


def test_saving_with_an_unsaved_related_object_is_refused() -> None:
    book = Book(title="Orphan", author=Author(name="Nobody"))
    with pytest.raises(ValueError, match="unsaved related object 'author'"):
        book.save()
    assert Book.objects.count() == 0


def test_equality_hash_str_and_pickling() -> None:
    ann = Author.objects.create(name="Ann")
    again = Author.objects.get(pk=ann.pk)
    assert ann == again and hash(ann) == hash(again) and ann != Author(name="Ann")
    assert str(ann) == "Ann" and repr(ann) == "<Author: Ann>"
    copy = pickle.loads(pickle.dumps(again))
    assert copy == ann and copy.name == "Ann"


def test_full_clean_reports_every_problem_per_field() -> None:
    ann = Author.objects.create(name="Ann")
    Book.objects.create(title="Taken", author=ann)
    book = Book(title="x" * 201, author=ann, status="bogus", price=decimal.Decimal("1.789"))
    with pytest.raises(ValidationError) as caught:
        book.full_clean()
    errors = caught.value.message_dict
    assert "at most 200 characters" in errors["title"][0]
    assert "'bogus' is not a valid choice" in errors["status"][0]
    assert "no more than 2 decimal places" in " ".join(errors["price"])
    duplicate = Book(title="Taken", author=ann)
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "already exists" in str(caught.value)
    Author(name="Bob", email="bob@example.com").full_clean()
    with pytest.raises(ValidationError, match="valid email"):
        Author(name="Bob", email="not-an-email").full_clean()


def test_database_constraints_are_enforced() -> None:
    ann = Author.objects.create(name="Ann")
    # As in Django, a failed statement inside a transaction needs its own atomic() to carry on after it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.create(title="Negative", author=ann, price=decimal.Decimal("-1"))
    Book.objects.create(title="Same", author=ann)
    assert Book.objects.count() == 1


def test_after_a_failed_statement_the_transaction_refuses_queries_until_rolled_back() -> None:
    from fastjango.orm import TransactionManagementError

    ann = Author.objects.create(name="Ann")
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            Book.objects.create(title="Negative", author=ann, price=decimal.Decimal("-1"))
        with pytest.raises(TransactionManagementError, match="until the end of its atomic"):
            Book.objects.count()
    assert Book.objects.count() == 0


def test_unique_constraint_across_fields() -> None:
    ann = Author.objects.create(name="Ann")
    bob = Author.objects.create(name="Bob")
    Book.objects.create(title="Same", author=ann)
    Book.objects.create(title="Same", author=bob)  # another author: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.create(title="Same", author=ann)


def test_positive_integer_check_constraint() -> None:
    ann = Author.objects.create(name="Ann")
    with pytest.raises(IntegrityError), transaction.atomic():
        Book.objects.create(title="Minus", author=ann, pages=-5)


def test_get_or_create_and_update_or_create() -> None:
    tag, created = Tag.objects.get_or_create(slug="python")
    assert created
    again, created = Tag.objects.get_or_create(slug="python")
    assert not created and again == tag
    ann = Author.objects.create(name="Ann")
    book, created = Book.objects.update_or_create(title="Guide", author=ann, defaults={"pages": 10})
    assert created and book.pages == 10
    book, created = Book.objects.update_or_create(title="Guide", author=ann, defaults={"pages": 20})
    assert not created and Book.objects.get(pk=book.pk).pages == 20


def test_bulk_create_sets_primary_keys_and_bulk_update_writes_fields(backend: str) -> None:
    ann = Author.objects.create(name="Ann")
    books = Book.objects.bulk_create([Book(title=f"B{i}", author=ann, pages=i) for i in range(5)], batch_size=2)
    assert Book.objects.count() == 5
    assert all(book.pk is not None for book in books)
    assert [b.title for b in Book.objects.filter(pk__in=[b.pk for b in books]).order_by("pages")] == [
        "B0",
        "B1",
        "B2",
        "B3",
        "B4",
    ]
    for book in books:
        book.pages += 100
    assert Book.objects.bulk_update(books, ["pages"], batch_size=3) == 5
    assert sorted(Book.objects.values_list("pages", flat=True)) == [100, 101, 102, 103, 104]
    Tag.objects.bulk_create([Tag(slug="a"), Tag(slug="b")])
    Tag.objects.bulk_create([Tag(slug="a"), Tag(slug="c")], ignore_conflicts=True)
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["a", "b", "c"]


def test_delete_cascades_and_counts_like_django() -> None:
    library = make_library()
    Review.objects.create(book=library["b1"], stars=5)
    library["b1"].tags.add(Tag.objects.create(slug="t"))
    Profile.objects.create(author=library["ann"])
    total, per_model = library["ann"].delete()
    assert per_model == {
        "library.Author": 1,
        "library.Book": 2,
        "library.Review": 1,
        "library.Book_tags": 1,
        "library.Profile": 1,
    }
    assert total == 6
    assert library["ann"].pk is None
    # SET_NULL: Gamma's editor was Ann
    assert Book.objects.get(title="Gamma").editor_id is None  # type: ignore[attr-defined]
    assert [a.name for a in Author.objects.all()] == ["Bob", "Cid"]


def test_protect_stops_the_whole_delete() -> None:
    library = make_library()
    with pytest.raises(ProtectedError, match="protected foreign keys") as caught:
        library["acme"].delete()
    assert {book.title for book in caught.value.protected_objects} == {"Alpha"}
    assert Publisher.objects.count() == 1 and Book.objects.count() == 3


def test_restrict_allows_a_delete_that_cascades_to_the_restricted_rows_too() -> None:
    library = make_library()
    member = Member.objects.create(name="M")
    Loan.objects.create(member=member, book=library["b2"], reader=library["ann"])
    with pytest.raises(RestrictedError, match="'Loan.book'"):
        library["b2"].delete()
    assert Loan.objects.count() == 1 and Book.objects.filter(title="Beta").exists()
    # Deleting Ann cascades both to her book b2 and to the loan (she is its reader): the restriction is lifted.
    library["ann"].delete()
    assert Loan.objects.count() == 0 and not Book.objects.filter(title="Beta").exists()


def test_queryset_delete_and_delete_of_unsaved_object() -> None:
    make_library()
    count, _ = Book.objects.filter(author__name="Ann").delete()
    assert count == 2 and Book.objects.count() == 1
    with pytest.raises(ValueError, match="can't be deleted"):
        Author(name="New").delete()


def test_one_to_one_reverse_accessor() -> None:
    ann = Author.objects.create(name="Ann")
    Profile.objects.create(author=ann, website="https://ann.example.com")
    assert Author.objects.get(pk=ann.pk).profile.website == "https://ann.example.com"
    bob = Author.objects.create(name="Bob")
    with pytest.raises(Profile.DoesNotExist):
        bob.profile  # noqa: B018


def test_model_declaration_errors_are_clear() -> None:
    with pytest.raises(ImproperlyConfigured, match="needs max_length"):
        fields.CharField()
    with pytest.raises(ImproperlyConfigured, match="needs on_delete"):
        fields.ForeignKey(Author)  # type: ignore[call-overload]
    with pytest.raises(ImproperlyConfigured, match=r"unknown option\(s\) orderin"):

        class Broken(Model):
            class Meta:
                app_label = "library"
                orderin = ["name"]

    with pytest.raises(ImproperlyConfigured, match="multi-table inheritance is not supported"):

        class Special(Author):
            class Meta:
                app_label = "library"


def test_a_model_gets_the_fields_of_every_abstract_parent() -> None:
    # Abstract models only: a concrete model defined here would join every test database's tables.
    class Stamped(Model):
        created = fields.DateTimeField(null=True)

        class Meta:
            abstract = True

    class Named(Model):
        name = fields.CharField(max_length=20)
        created = fields.DateField(null=True)  # Stamped comes first in the MRO: its field wins

        class Meta:
            abstract = True

    class Both(Stamped, Named):
        extra = fields.IntegerField(default=0)

        class Meta:
            abstract = True

    declared = Both._declared_fields  # what a concrete subclass is built from
    assert list(declared) == ["created", "name", "extra"]
    assert isinstance(declared["created"], fields.DateTimeField)

    class Renamed(Both):
        name = fields.CharField(max_length=80, unique=True)  # replaces Named's, as in Django (no clash error)

        class Meta:
            abstract = True

    replaced = Renamed._declared_fields
    assert list(replaced) == ["created", "name", "extra"]  # it keeps its place
    assert replaced["name"].max_length == 80 and replaced["name"].unique
    # Django's own case: the fields of AbstractBaseUser and of PermissionsMixin both reach AbstractUser.
    assert {"password", "is_superuser", "groups", "username"} <= set(_abstract_user_fields())


def _abstract_user_fields() -> list[str]:
    class BaseUser(Model):
        password = fields.CharField(max_length=128)

        class Meta:
            abstract = True

    class Permissions(Model):
        is_superuser = fields.BooleanField(default=False)
        groups = fields.ManyToManyField("Publisher", blank=True)

        class Meta:
            abstract = True

    class FullUser(BaseUser, Permissions):
        username = fields.CharField(max_length=150)

        class Meta:
            abstract = True

    return list(FullUser._declared_fields)


def test_date_default_and_auto_fields() -> None:
    ann = Author.objects.create(name="Ann", born=datetime.date(2000, 1, 1))
    assert Author.objects.get(pk=ann.pk).born == datetime.date(2000, 1, 1)


def test_saving_an_object_whose_row_was_deleted_inserts_it_again() -> None:
    ann = Author.objects.create(name="Ann")
    loaded = Author.objects.get(pk=ann.pk)
    Author.objects.filter(pk=ann.pk).delete()
    loaded.save()
    assert Author.objects.filter(pk=ann.pk).exists()


def test_force_insert_of_an_existing_row_is_an_integrity_error() -> None:
    ann = Author.objects.create(name="Ann")
    loaded = Author.objects.get(pk=ann.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        loaded.save(force_insert=True)
    assert Author.objects.count() == 1


def test_get_field_display_gives_the_choice_label() -> None:
    book = Book(title="T")
    assert book.get_status_display() == "Draft"  # type: ignore[attr-defined]
    book.status = Book.Status.PUBLISHED
    assert book.get_status_display() == "Published"  # type: ignore[attr-defined]
    book.status = "archived"  # not a choice: the value itself, as in Django
    assert book.get_status_display() == "archived"  # type: ignore[attr-defined]
    assert not hasattr(book, "get_title_display")  # only fields with choices get one
