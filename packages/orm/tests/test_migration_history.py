"""A model's life in migrations, on SQLite, PostgreSQL and MariaDB, through manage.py.

Create, add a nullable and a non-null-with-default column, add a foreign key to
another app and a many-to-many, rename a field with rows present, add a unique
constraint, run a data migration, remove a model; then back to zero and
forward again. After each step: the schema, the rows, and that
``makemigrations --check`` agrees the models and migrations are in step.
"""

from __future__ import annotations

import pytest
from migration_projects import MigrationProject
from sqlalchemy.exc import IntegrityError

pytestmark = pytest.mark.manage_py

ACCOUNTS = """
class Account(Model):
    name = fields.CharField(max_length=100)
"""

POST_V1 = """
class Post(Model):
    title = fields.CharField(max_length=200)
"""

POST_V2 = """
class Post(Model):
    title = fields.CharField(max_length=200)
    subtitle = fields.CharField(max_length=100, null=True)
    rating = fields.IntegerField(default=3)
"""

TAG = """
class Tag(Model):
    label = fields.CharField(max_length=50)
"""

POST_V3 = (
    TAG
    + """
class Post(Model):
    title = fields.CharField(max_length=200)
    subtitle = fields.CharField(max_length=100, null=True)
    rating = fields.IntegerField(default=3)
    author = fields.ForeignKey("accounts.Account", on_delete=fields.SET_NULL, null=True, related_name="posts")
    tags = fields.ManyToManyField(Tag, related_name="posts")
"""
)

POST_V4 = POST_V3.replace("    subtitle = fields.CharField", "    strapline = fields.CharField")

POST_V5 = POST_V4.replace(
    '    tags = fields.ManyToManyField(Tag, related_name="posts")\n',
    '    tags = fields.ManyToManyField(Tag, related_name="posts")\n\n'
    "    class Meta:\n"
    '        constraints = [UniqueConstraint(fields=["title"], name="blog_post_title_unique")]\n',
)

POST_V7 = """
class Post(Model):
    title = fields.CharField(max_length=200)
    strapline = fields.CharField(max_length=100, null=True)
    rating = fields.IntegerField(default=3)
    author = fields.ForeignKey("accounts.Account", on_delete=fields.SET_NULL, null=True, related_name="posts")

    class Meta:
        constraints = [UniqueConstraint(fields=["title"], name="blog_post_title_unique")]
"""

DATA_MIGRATION = """

def forwards(apps, connection):
    Post = apps.get_model("blog", "Post")
    for post in Post.objects.filter(strapline__isnull=True):
        post.strapline = post.title.upper()
        post.save()


def backwards(apps, connection):
    Post = apps.get_model("blog", "Post")
    Post.objects.filter(strapline__isnull=False).update(strapline=None)


def upgrade() -> None:
    op.run_python(forwards)


def downgrade() -> None:
    op.run_python(backwards)
"""


def _in_step(project: MigrationProject) -> None:
    done = project.manage("makemigrations", "--check", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No changes detected" in done.stdout


def _make_and_migrate(project: MigrationProject, *extra: str) -> str:
    made = project.manage("makemigrations", *extra).stdout
    assert "Migrations for" in made  # the change was seen
    # migrate refuses while models and migrations disagree, so its success shows they are in step.
    project.manage("migrate")
    return made


def test_a_model_history_forward_back_to_zero_and_forward_again(migration_project: MigrationProject) -> None:
    project = migration_project
    # 1. Create: one migration per app.
    project.models("accounts", ACCOUNTS)
    project.models("blog", POST_V1)
    checked = project.manage("makemigrations", "--check", check=False)
    assert checked.returncode == 1 and "Migrations for 'blog'" in checked.stdout  # --check writes nothing
    assert not (project.root / "blog" / "migrations").exists()
    _make_and_migrate(project)
    _in_step(project)
    assert project.migration_files("accounts") == ["0001_initial"]
    assert project.migration_files("blog") == ["0001_initial"]
    assert {"accounts_account", "blog_post"} <= project.tables()
    project.sql("INSERT INTO accounts_account (name) VALUES ('Ann')")
    project.sql("INSERT INTO blog_post (title) VALUES ('first'), ('second')")

    # 2. A nullable column and a NOT NULL column with a default: existing rows get the default.
    project.models("blog", POST_V2)
    _make_and_migrate(project)
    columns = project.columns("blog_post")
    assert columns["subtitle"]["nullable"] is True
    assert columns["rating"]["nullable"] is False
    assert project.sql("SELECT title, subtitle, rating FROM blog_post ORDER BY id") == [
        ("first", None, 3),
        ("second", None, 3),
    ]
    project.sql("UPDATE blog_post SET subtitle = 'kept' WHERE title = 'first'")

    # 3. A foreign key to another app and a many-to-many: blog's migration depends on accounts'.
    project.models("blog", POST_V3)
    _make_and_migrate(project)
    third = project.migration_files("blog")[-1]
    source = (project.root / "blog" / "migrations" / f"{third}.py").read_text()
    assert "depends_on = ('accounts_0001_initial',)" in source
    assert {"blog_tag", "blog_post_tags"} <= project.tables()
    assert "author_id" in project.columns("blog_post")
    account = project.sql("SELECT id FROM accounts_account")[0][0]
    project.sql("UPDATE blog_post SET author_id = :account", account=account)

    # 4. Rename a field with rows present: a rename, not drop + add; the values stay.
    project.models("blog", POST_V4)
    _make_and_migrate(project, "--rename")
    columns = project.columns("blog_post")
    assert "strapline" in columns and "subtitle" not in columns
    assert project.sql("SELECT title, strapline, rating FROM blog_post ORDER BY id") == [
        ("first", "kept", 3),
        ("second", None, 3),
    ]

    # 5. A unique constraint: duplicates are refused from then on.
    project.models("blog", POST_V5)
    _make_and_migrate(project)
    with pytest.raises(IntegrityError):
        project.sql("INSERT INTO blog_post (title, rating) VALUES ('first', 1)")

    # 6. A data migration with the historical model.
    project.manage("makemigrations", "blog", "--empty", "--name", "fill_strapline")
    data_file = project.root / "blog" / "migrations" / f"{project.migration_files('blog')[-1]}.py"
    text = data_file.read_text()
    text = text[: text.index("\n\ndef upgrade()")] + DATA_MIGRATION
    data_file.write_text(text)
    project.manage("migrate")
    _in_step(project)
    assert project.sql("SELECT title, strapline FROM blog_post ORDER BY id") == [
        ("first", "kept"),
        ("second", "SECOND"),
    ]

    # 7. Remove a model (and its many-to-many table).
    project.models("blog", POST_V7)
    _make_and_migrate(project)
    assert not {"blog_tag", "blog_post_tags"} & project.tables()
    assert project.sql("SELECT title, strapline, rating, author_id FROM blog_post ORDER BY id") == [
        ("first", "kept", 3, account),
        ("second", "SECOND", 3, account),
    ]

    # Back, one step: the removed model comes back (empty), the rows of blog_post stay.
    names = project.migration_files("blog")
    project.manage("migrate", "blog", names[-2])
    assert {"blog_tag", "blog_post_tags"} <= project.tables()
    # Back over the data migration: its backwards code runs.
    project.manage("migrate", "blog", names[-3])
    assert project.sql("SELECT title, strapline FROM blog_post ORDER BY id") == [("first", None), ("second", None)]

    # To zero: blog first (it depends on accounts), then accounts.
    listing = project.manage("migrate", "blog", "zero").stdout
    assert f"Unapplying blog.{names[0]}" in listing
    project.manage("migrate", "accounts", "zero")
    assert project.tables() == set()
    shown = project.manage("showmigrations").stdout
    assert "[X]" not in shown and f"[ ] {names[-1]}" in shown

    # And forward again: the same schema, and the check is still clean.
    project.manage("migrate")
    assert {"accounts_account", "blog_post"} <= project.tables()
    assert not {"blog_tag", "blog_post_tags"} & project.tables()
    assert set(project.columns("blog_post")) == {"id", "title", "strapline", "rating", "author_id"}
    assert "[ ]" not in project.manage("showmigrations").stdout
    _in_step(project)
