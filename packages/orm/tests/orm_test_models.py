"""Models shared by the ORM tests (app label ``library``)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from fastjango.orm import (
    CASCADE,
    PROTECT,
    RESTRICT,
    SET_NULL,
    CheckConstraint,
    Index,
    Manager,
    Model,
    Q,
    QuerySet,
    UniqueConstraint,
    fields,
)


class Author(Model):
    name = fields.CharField(max_length=100)
    email = fields.EmailField(blank=True, default="")
    born = fields.DateField(null=True, blank=True)

    class Meta:
        app_label = "library"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Publisher(Model):
    name = fields.CharField(max_length=100, unique=True)

    class Meta:
        app_label = "library"


class Tag(Model):
    slug = fields.SlugField(unique=True)

    class Meta:
        app_label = "library"


class Timestamped(Model):
    created = fields.DateTimeField(auto_now_add=True)
    updated = fields.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created"]


class Book(Timestamped):
    class Status(fields.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = fields.CharField(max_length=200)
    status = fields.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    pages = fields.PositiveIntegerField(default=0)
    price = fields.DecimalField(max_digits=8, decimal_places=2, default=decimal.Decimal("0.00"))
    rating = fields.FloatField(null=True)
    published = fields.DateTimeField(null=True)
    reading_time = fields.DurationField(default=datetime.timedelta(0))
    isbn = fields.UUIDField(default=uuid.uuid4, unique=True)
    data = fields.JSONField(null=True)
    author = fields.ForeignKey(Author, on_delete=CASCADE, related_name="books")
    publisher = fields.ForeignKey(Publisher, on_delete=PROTECT, null=True, related_name="books")
    editor = fields.ForeignKey("Author", on_delete=SET_NULL, null=True, related_name="edited")
    tags = fields.ManyToManyField(Tag, related_name="books")

    author_id: int
    publisher_id: int | None

    class Meta:
        app_label = "library"
        constraints = [
            CheckConstraint(condition=Q(price__gte=0), name="book_price_not_negative"),
            UniqueConstraint(fields=["author", "title"], name="book_unique_title_per_author"),
        ]
        indexes = [Index(fields=["status", "published"], name="book_status_published")]

    def __str__(self) -> str:
        return self.title


class Review(Model):
    book = fields.ForeignKey(Book, on_delete=CASCADE, related_name="reviews")
    stars = fields.SmallIntegerField()
    text = fields.TextField(blank=True, default="")

    class Meta:
        app_label = "library"


class Profile(Model):
    author = fields.OneToOneField(Author, on_delete=CASCADE, related_name="profile")
    website = fields.URLField(blank=True, default="")

    class Meta:
        app_label = "library"


def make_library() -> dict[str, Any]:
    """A small data set (synchronous)."""
    ann = Author.objects.create(name="Ann", email="ann@example.com", born=datetime.date(1980, 5, 17))
    bob = Author.objects.create(name="Bob")
    cid = Author.objects.create(name="Cid")
    acme = Publisher.objects.create(name="Acme")
    b1 = Book.objects.create(
        title="Alpha",
        author=ann,
        pages=100,
        price=decimal.Decimal("10.50"),
        publisher=acme,
        status=Book.Status.PUBLISHED,
        published=datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC),
    )
    b2 = Book.objects.create(title="Beta", author=ann, pages=250, price=decimal.Decimal("20.00"), rating=4.5)
    b3 = Book.objects.create(
        title="Gamma", author=bob, pages=50, editor=ann, published=datetime.datetime(2023, 7, 9, tzinfo=datetime.UTC)
    )
    return {"ann": ann, "bob": bob, "cid": cid, "acme": acme, "b1": b1, "b2": b2, "b3": b3}


class Member(Model):
    name = fields.CharField(max_length=50)

    class Meta:
        app_label = "library"


class Loan(Model):
    member = fields.ForeignKey(Member, on_delete=CASCADE, related_name="loans")
    book = fields.ForeignKey(Book, on_delete=RESTRICT, related_name="loans")
    reader = fields.ForeignKey(Author, on_delete=CASCADE, related_name="loans")

    class Meta:
        app_label = "library"


# ---------------------------------------------------------------------------- proxy models (test_proxy_models.py)


class PublishedBookManager(Manager["PublishedBook"]):
    def get_queryset(self) -> QuerySet[PublishedBook]:
        return super().get_queryset().filter(status=Book.Status.PUBLISHED)


class PublishedBook(Book):
    """Book's table, seen as the published books only, by title."""

    objects = PublishedBookManager()

    class Meta:
        proxy = True
        ordering = ["title"]
        verbose_name = "published title"

    @property
    def shout(self) -> str:
        return self.title.upper()

    def retract(self) -> None:
        self.status = Book.Status.DRAFT
        self.save(update_fields=["status"])


class LongPublishedBook(PublishedBook):
    """A proxy of a proxy: inherits PublishedBook's manager, orders by length."""

    class Meta:
        proxy = True
        ordering = ["-pages"]

    def is_long(self) -> bool:
        return self.pages >= 200


class Writer(Author):
    """A proxy without managers or ordering of its own: Author's are inherited."""

    class Meta:
        proxy = True

    def initials(self) -> str:
        return "".join(part[0] for part in self.name.split())


class Feature(Model):
    """Foreign keys to proxies, by class and by name."""

    book = fields.ForeignKey(PublishedBook, on_delete=CASCADE, related_name="features")
    writer = fields.ForeignKey("library.Writer", on_delete=CASCADE, null=True, related_name="features")
    plain = fields.ForeignKey(Book, on_delete=CASCADE, null=True, related_name="plain_features")
    shortlist = fields.ManyToManyField(PublishedBook, related_name="shortlisted_in")
    note = fields.CharField(max_length=50, default="")

    book_id: int

    class Meta:
        app_label = "library"


class Shelf(Model):
    """A relation to a model defined after this model's proxy (installed on the proxy when it appears)."""

    label = fields.CharField(max_length=20)
    keeper = fields.ForeignKey("library.Keeper", on_delete=SET_NULL, null=True, related_name="shelves")

    class Meta:
        app_label = "library"


class TopShelfManager(Manager["TopShelf"]):
    def get_queryset(self) -> QuerySet[TopShelf]:
        return super().get_queryset().filter(label="top")


class TopShelf(Shelf):
    """Its own manager under a new name is its default; ``objects`` is still inherited."""

    top = TopShelfManager()

    class Meta:
        proxy = True


class Keeper(Model):
    name = fields.CharField(max_length=20)

    class Meta:
        app_label = "library"
