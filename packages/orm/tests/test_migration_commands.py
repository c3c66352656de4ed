"""The migration commands' answers to mistakes, failing migrations, and the migrate hooks."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from migration_projects import MigrationProject

pytestmark = pytest.mark.manage_py

POST = """
class Post(Model):
    title = fields.CharField(max_length=200)
"""


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[MigrationProject]:
    made = MigrationProject(tmp_path, "sqlite", plugins=("migrate_recorder",))
    (tmp_path / "migrate_recorder.py").write_text(
        textwrap.dedent(
            """\
            import json
            from pathlib import Path
            from fastjango.core import hookimpl

            LOG = Path(__file__).with_name("hooks.log")

            def _write(entry):
                with LOG.open("a") as log:
                    log.write(json.dumps(entry) + "\\n")

            @hookimpl
            def fastjango_orm_pre_migrate(project, using):
                _write(["pre", using])

            @hookimpl
            def fastjango_orm_post_migrate(project, using, plan):
                _write(["post", using, [[s.app_label, s.name, s.backwards] for s in plan]])
            """
        )
    )
    made.models("blog", POST)
    try:
        yield made
    finally:
        made.close()


def _error(done: object) -> str:
    stdout, stderr = done.stdout, done.stderr  # type: ignore[attr-defined]
    assert done.returncode == 1, stdout + stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    return str(stdout + stderr)


def test_unknown_apps_and_migrations_name_what_exists(sqlite_project: MigrationProject) -> None:
    project = sqlite_project
    project.manage("makemigrations")
    assert "No installed app with label 'nope'. Installed apps: accounts, blog." in _error(
        project.manage("migrate", "nope", check=False)
    )
    assert "App 'blog' has no migration '0009'. Its migrations: 0001_initial." in _error(
        project.manage("migrate", "blog", "0009", check=False)
    )
    assert "No installed app with label 'nope'" in _error(project.manage("makemigrations", "nope", check=False))
    assert "needs the app label" in _error(project.manage("makemigrations", "--empty", check=False))


def test_sqlmigrate_shows_the_migrations_own_sql(sqlite_project: MigrationProject) -> None:
    project = sqlite_project
    project.manage("makemigrations")
    forward = project.manage("sqlmigrate", "blog", "0001").stdout
    assert "CREATE TABLE blog_post" in forward
    assert "fastjango_migrations" not in forward
    backward = project.manage("sqlmigrate", "blog", "0001_initial", "--backwards").stdout
    assert "DROP TABLE blog_post" in backward
    assert project.tables() == set()  # nothing ran


def test_migrate_refuses_models_that_have_no_migration_yet(sqlite_project: MigrationProject) -> None:
    project = sqlite_project
    project.manage("makemigrations")
    project.manage("migrate")
    project.models("blog", POST + "    subtitle = fields.CharField(max_length=100, null=True)\n")
    message = _error(project.manage("migrate", check=False))
    assert "models have changes that no migration makes yet (apps: blog)" in message
    assert "makemigrations" in message
    assert "subtitle" not in project.columns("blog_post")
    project.manage("migrate", "--skip-model-check")  # the escape hatch


def test_a_new_not_null_column_without_default_is_explained(sqlite_project: MigrationProject) -> None:
    project = sqlite_project
    project.manage("makemigrations")
    project.models("blog", POST + "    rank = fields.IntegerField()\n")
    message = _error(project.manage("makemigrations", check=False))
    assert "New column blog_post.rank is NOT NULL and has no default" in message
    assert project.migration_files("blog") == ["0001_initial"]  # nothing written


def test_pre_and_post_migrate_hooks_see_the_plan(sqlite_project: MigrationProject) -> None:
    project = sqlite_project
    project.manage("makemigrations")
    project.manage("migrate")
    project.manage("migrate", "blog", "zero")
    entries = [json.loads(line) for line in (project.root / "hooks.log").read_text().splitlines()]
    assert entries == [
        ["pre", "default"],
        ["post", "default", [["blog", "0001_initial", False]]],
        ["pre", "default"],
        ["post", "default", [["blog", "0001_initial", True]]],
    ]


BROKEN = """

def upgrade() -> None:
    op.create_table("blog_halfway", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("THIS IS NOT SQL")


def downgrade() -> None:
    op.drop_table("blog_halfway")
"""


def test_a_migration_that_fails_halfway(migration_project: MigrationProject, backend: str) -> None:
    project = migration_project
    project.models("blog", POST)
    project.manage("makemigrations")
    project.manage("makemigrations", "blog", "--empty", "--name", "broken")
    path = project.root / "blog" / "migrations" / "0002_broken.py"
    text = path.read_text()
    path.write_text(text[: text.index("\n\ndef upgrade()")] + BROKEN)

    message = _error(project.manage("migrate", check=False))
    assert "Migration blog.0002_broken failed" in message
    shown = project.manage("showmigrations").stdout
    assert "[X] 0001_initial" in shown and "[ ] 0002_broken" in shown  # the first stays applied
    if backend in ("postgresql", "sqlite"):
        assert "The database is as it was before this migration" in message
        assert "blog_halfway" not in project.tables()
    else:
        assert "cannot roll back schema changes" in message
        assert "blog_halfway" in project.tables()  # the statement before the failing one stays done


def test_a_plugins_own_app_migrates_with_the_project(tmp_path: Path) -> None:
    # A plugin that ships models adds its app through fastjango_installed_apps; its migrations live
    # in its own package and the project's migrate applies them with the project's.
    project = MigrationProject(tmp_path, "sqlite", plugins=("notes_plugin",))
    try:
        (tmp_path / "notes_plugin").mkdir()
        (tmp_path / "notes_plugin" / "__init__.py").write_text(
            "from fastjango.core import hookimpl\n\n\n"
            "@hookimpl\n"
            "def fastjango_installed_apps():\n"
            '    return ["notes_plugin.notes"]\n'
        )
        (tmp_path / "notes_plugin" / "notes").mkdir()
        (tmp_path / "notes_plugin" / "notes" / "__init__.py").touch()
        (tmp_path / "notes_plugin" / "notes" / "models.py").write_text(
            "from fastjango.orm import Model, fields\n\n\n"
            "class Note(Model):\n"
            "    text = fields.TextField()\n"
            '    post = fields.ForeignKey("blog.Post", on_delete=fields.CASCADE)\n'
        )
        project.models("blog", POST)
        made = project.manage("makemigrations").stdout
        assert "Migrations for 'notes'" in made and "Migrations for 'blog'" in made
        shipped = tmp_path / "notes_plugin" / "notes" / "migrations" / "0001_initial.py"
        assert "depends_on = ('blog_0001_initial',)" in shipped.read_text()
        steps = project.manage("migrate").stdout
        assert steps.index("Applying blog.0001_initial") < steps.index("Applying notes.0001_initial")
        assert {"blog_post", "notes_note"} <= project.tables()
        assert "[X] 0001_initial" in project.manage("showmigrations", "notes").stdout
    finally:
        project.close()


SQUASH_DATA = """

def forwards(apps, connection):
    apps.get_model("blog", "Post").objects.filter(subtitle__isnull=True).update(subtitle="(none)")


def backwards(apps, connection):
    apps.get_model("blog", "Post").objects.filter(subtitle="(none)").update(subtitle=None)


def upgrade() -> None:
    op.run_python(forwards)


def downgrade() -> None:
    op.run_python(backwards)
"""


def test_squashmigrations_replaces_a_range_and_keeps_applied_databases_going(
    sqlite_project: MigrationProject,
) -> None:
    project = sqlite_project
    project.manage("makemigrations")
    project.models("blog", POST + "    subtitle = fields.CharField(max_length=100, null=True)\n")
    project.manage("makemigrations")
    project.manage("makemigrations", "blog", "--empty", "--name", "fill_subtitle")
    data_file = project.root / "blog" / "migrations" / "0003_fill_subtitle.py"
    text = data_file.read_text()
    data_file.write_text(text[: text.index("\n\ndef upgrade()")] + SQUASH_DATA)
    project.manage("migrate")
    project.sql("INSERT INTO blog_post (title) VALUES ('late')")
    project.models(
        "blog",
        POST + "    subtitle = fields.CharField(max_length=100, null=True)\n    n = fields.IntegerField(default=0)\n",
    )
    project.manage("makemigrations")  # 0004, not applied yet

    done = project.manage("squashmigrations", "blog", "0003", "--noinput").stdout
    assert "0001_initial, 0002_blog_post_subtitle, 0003_fill_subtitle" in done
    assert project.migration_files("blog") == ["0001_squashed_0003_fill_subtitle", "0004_blog_post_n"]
    fourth = (project.root / "blog" / "migrations" / "0004_blog_post_n.py").read_text()
    assert "down_revision = 'blog_0001_squashed_0003_fill_subtitle'" in fourth

    # The database was at 0003: it moves onto the squashed migration and goes on with 0004.
    steps = project.manage("migrate").stdout
    assert "Applying blog.0004_blog_post_n" in steps and "squashed" not in steps
    shown = project.manage("showmigrations", "blog").stdout
    assert "[X] 0001_squashed_0003_fill_subtitle" in shown and "[X] 0004_blog_post_n" in shown

    # Backwards through the squashed migration runs the data migration's backwards code too.
    project.manage("migrate", "blog", "0001")
    assert project.sql("SELECT title, subtitle FROM blog_post") == [("late", None)]
    project.manage("migrate", "blog", "zero")
    assert project.tables() == set()
    project.manage("migrate")  # a new database takes the squashed migration
    assert set(project.columns("blog_post")) == {"id", "title", "subtitle", "n"}
    assert project.manage("makemigrations", "--check", check=False).returncode == 0


def test_changed_columns_an_index_and_a_renamed_table(migration_project: MigrationProject) -> None:
    project = migration_project
    project.models(
        "blog",
        """
class Post(Model):
    title = fields.CharField(max_length=50)
    note = fields.CharField(max_length=20, null=True)
    data = fields.JSONField(null=True)  # PostgreSQL's JSONB renders a bare Text(): its import must be written
""",
    )
    project.manage("makemigrations")
    project.manage("migrate")
    project.sql("INSERT INTO blog_post (title, note) VALUES ('kept', 'n')")
    # First the model gets a new name (same columns): with --rename, a table rename that keeps the rows.
    project.models(
        "blog",
        """
class Article(Model):
    title = fields.CharField(max_length=50)
    note = fields.CharField(max_length=20, null=True)
    data = fields.JSONField(null=True)
""",
    )
    project.manage("makemigrations", "--rename")
    project.manage("migrate")
    # Nothing left to do, JSON column included (MariaDB reflects JSON as LONGTEXT).
    assert project.manage("makemigrations", "--check", check=False).returncode == 0
    assert "blog_post" not in project.tables()
    assert project.sql("SELECT title, note FROM blog_article") == [("kept", "n")]
    # Then a longer title with an index.
    project.models(
        "blog",
        """
class Article(Model):
    title = fields.CharField(max_length=120, db_index=True)
    note = fields.CharField(max_length=20, null=True)
    data = fields.JSONField(null=True)
""",
    )
    made = project.manage("makemigrations").stdout
    assert "Migrations for 'blog'" in made
    project.manage("migrate")
    assert project.sql("SELECT title, note FROM blog_article") == [("kept", "n")]
    project.sql("INSERT INTO blog_article (title, note) VALUES (:title, NULL)", title="t" * 120)
    project.engine.dispose()
    from sqlalchemy import inspect

    indexes = {tuple(index["column_names"]) for index in inspect(project.engine).get_indexes("blog_article")}
    assert ("title",) in indexes
    # And back: the title its old length, then the table its old name.
    project.sql("DELETE FROM blog_article WHERE note IS NULL")
    project.manage("migrate", "blog", "0001")
    assert "blog_post" in project.tables() and "blog_article" not in project.tables()
    assert project.sql("SELECT title, note FROM blog_post") == [("kept", "n")]


def test_the_questions_asked_on_a_terminal() -> None:
    # Without a terminal the answers come from options; on one, InteractiveQuestioner asks.
    from click.testing import CliRunner

    from fastjango.orm.migrations.commands import InteractiveQuestioner

    questioner = InteractiveQuestioner()
    runner = CliRunner()
    with runner.isolation(input="y\n"):
        assert questioner.ask_rename("blog_post", "subtitle", "strapline", "VARCHAR(100)") is True
    with runner.isolation(input="\n"):
        assert questioner.ask_rename("blog_post", "subtitle", "strapline", "VARCHAR(100)") is False
    with runner.isolation(input="not python\n42\n") as streams:
        assert questioner.ask_fill("blog_post", "rank") == 42
        assert "Not a Python literal" in streams[0].getvalue().decode()
    with runner.isolation(input="\n"):
        assert questioner.ask_fill("blog_post", "rank") is None
    assert InteractiveQuestioner(renames=True).ask_rename_table("blog_post", "blog_article") is True


def test_fake_adopts_tables_that_already_exist(sqlite_project: MigrationProject) -> None:
    # Tables made before the project had migrations (create_all(), another tool): --fake records
    # the initial migration without running it, and later migrations apply as usual.
    project = sqlite_project
    project.manage("makemigrations")
    project.sql("CREATE TABLE blog_post (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL)")
    project.sql("INSERT INTO blog_post (title) VALUES ('older than migrations')")
    done = project.manage("migrate", "--fake").stdout
    assert "Recorded blog.0001_initial as applied... FAKED" in done
    assert "[X] 0001_initial" in project.manage("showmigrations", "blog").stdout
    project.models("blog", POST + "    subtitle = fields.CharField(max_length=100, null=True)\n")
    project.manage("makemigrations")
    assert "Applying blog.0002_blog_post_subtitle... OK" in project.manage("migrate").stdout
    assert project.sql("SELECT title, subtitle FROM blog_post") == [("older than migrations", None)]
    # And back, faked: the records go, the tables stay.
    done = project.manage("migrate", "blog", "zero", "--fake").stdout
    assert done.index("blog.0002_blog_post_subtitle as unapplied") < done.index("blog.0001_initial as unapplied")
    assert "blog_post" in project.tables()
    assert "[X]" not in project.manage("showmigrations", "blog").stdout
