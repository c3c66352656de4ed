"""Models of the blog app: authors write posts, posts carry tags and collect comments.

Models come from the ORM plugin ("orm" in INSTALLED_PLUGINS). After changing
one, run ``python manage.py makemigrations blog`` and ``python manage.py migrate``;
the migration files land in ``blog/migrations/``.
"""

from fastjango.orm import CASCADE, Model, TextChoices, fields


class Author(Model):
    """Someone who writes posts; the name is how readers find them, so it is unique."""

    name = fields.CharField(max_length=100, unique=True)
    email = fields.EmailField()
    bio = fields.TextField(blank=True, default="")

    def __str__(self) -> str:
        return self.name


class Tag(Model):
    """A label for posts; clients name tags by their slug."""

    name = fields.CharField(max_length=50, unique=True)
    slug = fields.SlugField(unique=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Status(TextChoices):
    """Where a post is in its life: drafts are written, published posts are read."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Post(Model):
    """An article by one author, with any number of tags."""

    title = fields.CharField(max_length=200)
    slug = fields.SlugField(max_length=200, unique=True)
    body = fields.TextField()
    status = fields.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    author = fields.ForeignKey(Author, on_delete=CASCADE, related_name="posts")
    tags = fields.ManyToManyField(Tag, related_name="posts", blank=True)
    created = fields.DateTimeField(auto_now_add=True)
    updated = fields.DateTimeField(auto_now=True)

    class Meta:
        # Beside add/change/delete/view_post, made by `migrate` like them: who may publish.
        permissions = (("publish_post", "Can publish posts"),)

    def __str__(self) -> str:
        return self.title


class Comment(Model):
    """A reader's reply to a post."""

    post = fields.ForeignKey(Post, on_delete=CASCADE, related_name="comments")
    name = fields.CharField(max_length=100)
    body = fields.TextField()
    created = fields.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"
