"""``AUTH_USER_MODEL`` naming a project's own user model, end to end in a fresh project.

The model classes and their mappings are per process, so the project with a
custom user runs in subprocesses: ``makemigrations``, ``migrate``,
``createsuperuser`` and a login through HTTP, as a user would run them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from fastjango.orm.db.servers import create_server_database, drop_server_database
from fastjango.orm.testing.backends import TEST_BACKENDS

# A whole project through manage.py subprocesses: dev:test runs it; the isolated runs leave it out.
pytestmark = pytest.mark.manage_py

ACCOUNTS_MODELS = '''
from fastjango.auth.models import AbstractUser
from fastjango.orm import fields


class Member(AbstractUser):
    """Users log in with their e-mail address."""

    email = fields.EmailField(unique=True)
    nickname = fields.CharField(max_length=40, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]

    class Meta:
        app_label = "accounts"
'''

SETTINGS = """
INSTALLED_PLUGINS = ["orm", "auth"]
INSTALLED_APPS = ["accounts"]
AUTH_USER_MODEL = "accounts.Member"
DATABASES = {{"default": {{"URL": {url!r}}}}}
SECRET_KEY = "custom-user-tests-" + "k" * 50
ALLOWED_HOSTS = ["testserver"]
ROOT_URLCONF = "urls"
PASSWORD_HASHERS = ["fastjango.auth.hashers.PBKDF2PasswordHasher"]
"""

URLS = """
from fastapi import Request
from fastapi.responses import JSONResponse

from fastjango.auth import aauthenticate, alogin
from fastjango.auth.dependencies import CurrentUser
from fastjango.core.urls import path


async def login_view(request: Request) -> JSONResponse:
    body = await request.json()
    user = await aauthenticate(request, email=body["email"], password=body["password"])
    if user is None:
        return JSONResponse({"detail": "no"}, status_code=400)
    await alogin(request, user)
    return JSONResponse({"ok": True})


async def me(user: CurrentUser) -> dict[str, str]:
    return {"model": type(user).__name__, "email": user.email}


urlpatterns = [path("login/", login_view, methods=["POST"]), path("me/", me)]
"""

# Run inside the project: what a user of the swapped project sees.
PROBE = """
import json
from starlette.testclient import TestClient
from fastjango.core.project import get_project
from fastjango.auth import get_user_model
from fastjango.auth.models import Group, User

report = {"user_model": get_user_model()._meta.label}
try:
    User.objects
except AttributeError as error:
    report["swapped_manager"] = str(error)

with TestClient(get_project().build_app(), base_url="http://testserver") as client:
    wrong = client.post("/login/", json={"email": "boss@example.com", "password": "nope"})
    right = client.post("/login/", json={"email": "boss@example.com", "password": "S3cret-pass-word"})
    report["login"] = [wrong.status_code, right.status_code]
    report["me"] = client.get("/me/").json()

member = get_user_model().objects.get(email="boss@example.com")
report["superuser"] = [member.is_superuser, member.username]
editors = Group.objects.create(name="editors")
member.groups.add(editors)
report["groups"] = [group.name for group in member.groups.all()]
report["group_members"] = [user.email for user in editors.user_set.all()]
editors.delete()  # cascades into accounts_member_groups, not into a missing auth_user_groups
report["groups_after_delete"] = list(member.groups.all())
print("PROBE " + json.dumps(report))
"""


def _database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        yield ""
        return
    server = make_url(TEST_BACKENDS[backend][0])
    name = f"fj_custom_user_{uuid.uuid4().hex[:8]}"
    create_server_database(server, name, backend)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        drop_server_database(server, name, backend)


@pytest.fixture(params=["sqlite", "postgresql"])
def project_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    from fastjango.orm.testing.backends import require_backend

    backend = require_backend(request.param)
    for url in _database(backend):
        url = url or f"sqlite:///{tmp_path / 'db.sqlite3'}"
        (tmp_path / "accounts" / "migrations").mkdir(parents=True)
        (tmp_path / "accounts" / "__init__.py").write_text("")
        (tmp_path / "accounts" / "migrations" / "__init__.py").write_text("")
        (tmp_path / "accounts" / "models.py").write_text(textwrap.dedent(ACCOUNTS_MODELS))
        (tmp_path / "settings.py").write_text(SETTINGS.format(url=url))
        (tmp_path / "urls.py").write_text(URLS)
        (tmp_path / "probe.py").write_text(PROBE)
        yield tmp_path, url


def _run(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    environ = {
        **os.environ,
        "FASTJANGO_SETTINGS_MODULE": "settings",
        "PYTHONPATH": str(folder),
        **(env or {}),
    }
    environ.pop("FASTJANGO_TEST_BACKENDS", None)
    done = subprocess.run(
        [sys.executable, *args], cwd=folder, env=environ, capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_custom_user_model_replaces_auth_user_everywhere(project_dir: tuple[Path, str]) -> None:
    folder, url = project_dir
    manage = ("-m", "fastjango.core.management")
    _run(folder, *manage, "makemigrations", "accounts")
    assert sorted(path.name for path in (folder / "accounts" / "migrations").glob("0001_*.py")) == ["0001_initial.py"]
    _run(folder, *manage, "migrate")

    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        user_fks = {
            table: [fk["referred_table"] for fk in inspect(engine).get_foreign_keys(table)]
            for table in tables
            if any(column["name"] == "user_id" for column in inspect(engine).get_columns(table))
        }
    finally:
        engine.dispose()
    # The default user's tables are not made; the custom model's are, with Django's many-to-many tables.
    assert "auth_user" not in tables and "auth_user_groups" not in tables
    assert {"accounts_member", "accounts_member_groups", "accounts_member_user_permissions", "auth_group"} <= tables
    for table, referred in user_fks.items():  # every foreign key to "the user" points at the custom model
        assert "auth_user" not in referred, table

    # A second makemigrations finds nothing to do: the swapped tables are not "missing" from the schema.
    second = _run(folder, *manage, "makemigrations")
    assert "No changes" in second or "no changes" in second.lower(), second

    _run(
        folder,
        *manage,
        "createsuperuser",
        "--noinput",
        env={
            "FASTJANGO_SUPERUSER_EMAIL": "boss@example.com",
            "FASTJANGO_SUPERUSER_USERNAME": "boss",
            "FASTJANGO_SUPERUSER_PASSWORD": "S3cret-pass-word",
        },
    )
    out = _run(folder, "probe.py")
    report = json.loads(out.split("PROBE ", 1)[1])
    assert report["user_model"] == "accounts.Member"
    assert "swapped for 'accounts.Member'" in report["swapped_manager"]
    assert report["login"] == [400, 200]
    assert report["me"] == {"model": "Member", "email": "boss@example.com"}
    assert report["superuser"] == [True, "boss"]
    assert report["groups"] == ["editors"]
    assert report["group_members"] == ["boss@example.com"]
    assert report["groups_after_delete"] == []
