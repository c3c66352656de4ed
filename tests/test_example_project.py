"""examples/mysite: ``startproject``'s output plus the ORM and a blog API; checks, answers, migrations, HTTP API.

The example is ``startproject``'s output with two documented additions (its
README says so): the ORM plugin on, a SQLite database, the ``Visitor`` model in
``hello/models.py`` and its migration; then the ``rest`` plugin and a ``blog``
app laid out by ``startapp``, holding a DRF-style API (models, serializers,
viewsets, routers) included at ``/api/``. Everything else must be exactly what
``startproject`` and ``startapp`` write now. The blog API is driven through
real HTTP: ``manage.py migrate`` on a fresh SQLite file, then ``runserver``.
These tests live at the repository root because the example needs three
distributions (core, orm and rest).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import httpx2
import pytest

from fastjango.core.management.commands.startapp import app_plan
from fastjango.core.management.commands.startproject import project_plan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mysite"
#: What may sit in the example besides the generated files: its README, the ORM and blog additions, and what
#: running it leaves behind.
_NOT_GENERATED = {
    "README.md",
    "hello/migrations/0001_initial.py",
    "blog/migrations/0001_initial.py",
    "blog/serializers.py",
}
#: Generated files the additions rewrote (the blog app's views, routes and tests became the blog API's).
_EXTENDED = {"hello/models.py", "mysite/urls.py", "blog/models.py", "blog/api.py", "blog/urls.py", "blog/tests.py"}
#: Generated files the blog API does without (its shapes are its serializers).
_REMOVED = {"blog/schemas.py"}
_LEFT_BEHIND = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", ".env"}
_SECRET_KEY = re.compile(r'^SECRET_KEY = "fastjango-insecure-[^"]+"', re.MULTILINE)
_PROJECT_ENVIRONMENT = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")

_ORM_SETTINGS = """ROOT_URLCONF = "mysite.urls"

# Databases, as in Django. SQLite needs nothing installed; for PostgreSQL or MariaDB install
# "fastjango-orm[postgresql]" or "[mysql]" and set DATABASE_URL (e.g. postgresql://user@host/name).
DATABASES = {"default": {"ENGINE": "sqlite", "NAME": "db.sqlite3"}}"""


_AUTH_SETTINGS = """

# How API requests say who they are (fastjango-auth): a Bearer token from /accounts/token/, an API key,
# or the session of a logged-in browser. The first one's challenge makes an anonymous write a 401.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fastjango.auth.rest.JWTAuthentication",
        "fastjango.auth.rest.APIKeyAuthentication",
        "fastjango.auth.rest.SessionAuthentication",
    ],
}
"""


def _with_additions(settings: str) -> str:
    """The generated settings with the example's additions (the README's "What was added"): ORM, REST, blog, auth."""
    settings = settings.replace(
        "INSTALLED_PLUGINS: list[str] = []", 'INSTALLED_PLUGINS: list[str] = ["orm", "rest", "auth"]', 1
    )
    settings = settings.replace('    "hello",\n]', '    "hello",\n    "blog",\n]', 1)
    settings = settings.replace('ROOT_URLCONF = "mysite.urls"', _ORM_SETTINGS, 1)
    return settings.rstrip("\n") + _AUTH_SETTINGS


def _environment() -> dict[str, str]:
    """No FASTJANGO_* or other variables that change a project (an earlier test may have set some)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FASTJANGO_") and key not in _PROJECT_ENVIRONMENT
    }


def manage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python manage.py <args>`` in the example, with a clean environment (or ``env``)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=_environment() if env is None else env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )


def test_the_example_passes_check() -> None:
    outcome = manage("check")
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stdout.strip() == "System check identified no issues."


def test_the_example_answers_its_welcome_route() -> None:
    code = (
        "import json; from starlette.testclient import TestClient\n"
        "with TestClient(app, base_url='http://localhost') as client:\n"
        "    print(json.dumps([client.get('/').json(), client.get('/hello/Ada/').json()]))"
    )
    outcome = manage("shell", "--plain", "-c", code)
    assert outcome.returncode == 0, outcome.stderr
    welcome, greeting = json.loads(outcome.stdout)
    assert welcome == {
        "message": "Welcome to mysite, a fastjango project.",
        "docs": "/docs",
        "try_it": "/hello/world/",
    }
    assert greeting == {"message": "Hello, Ada!", "name": "Ada"}


def test_the_examples_own_tests_pass() -> None:
    """What its README says: `pytest` in the project folder (hello/tests.py and blog/tests.py)."""
    outcome = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        env=_environment(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert re.search(r"\b5 passed\b", outcome.stdout), outcome.stdout


def test_the_example_projects_migrations_match_its_models() -> None:
    # What a project's CI runs: exit 1, and the migration it would write, when a model changed without one.
    outcome = manage("makemigrations", "--check")
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert outcome.stdout.strip() == "No changes detected."


def test_the_example_is_kept_as_generated() -> None:
    """Regenerate it (see examples/mysite/README.md) when this fails after a template change."""
    plan = {**project_plan("mysite"), **app_plan("blog", PurePosixPath("blog"))}
    expected = {
        PurePosixPath(relative).as_posix(): _SECRET_KEY.sub('SECRET_KEY = "..."', text)
        for relative, text in plan.items()
        if PurePosixPath(relative).as_posix() not in _REMOVED
    }
    expected["mysite/settings.py"] = _with_additions(expected["mysite/settings.py"])
    found = {
        path.relative_to(EXAMPLE).as_posix(): _SECRET_KEY.sub('SECRET_KEY = "..."', path.read_text(encoding="utf-8"))
        for path in EXAMPLE.rglob("*")
        if path.is_file()
        and not _LEFT_BEHIND.intersection(path.relative_to(EXAMPLE).parts)
        and path.suffix not in (".pyc", ".pyo", ".sqlite3")
        and path.relative_to(EXAMPLE).as_posix() not in _NOT_GENERATED
    }
    assert sorted(found) == sorted(expected)
    stale = sorted(name for name in expected if name not in _EXTENDED and found[name] != expected[name])
    assert stale == [], f"examples/mysite differs from what startproject writes now: {stale}"
    for name in _NOT_GENERATED:
        assert (EXAMPLE / name).is_file(), name


# ---------------------------------------------------------------------------------------------------------------
# The blog API, through real HTTP: `manage.py migrate` on a fresh SQLite file, then `manage.py runserver`.


#: The example's users, made with manage.py: an editor who may do everything in the blog, a reader who may not.
PASSWORDS = {"editor": "editor-Pass-w0rd-long", "reader": "reader-Pass-w0rd-long"}
_GRANT_BLOG_PERMISSIONS = """
from fastjango.auth.models import Permission, User
editor = User.objects.create_user("editor", "editor@example.org", {editor!r})
editor.user_permissions.set(list(Permission.objects.filter(app_label="blog")))
User.objects.create_user("reader", "reader@example.org", {reader!r})
"""


def _make_users(environ: dict[str, str]) -> None:
    """``createsuperuser --noinput``, then the editor and the reader, as the README says to make them."""
    superuser = manage(
        "createsuperuser",
        "--noinput",
        env={
            **environ,
            "FASTJANGO_SUPERUSER_USERNAME": "admin",
            "FASTJANGO_SUPERUSER_EMAIL": "admin@example.org",
            "FASTJANGO_SUPERUSER_PASSWORD": "admin-Pass-w0rd-long",
        },
    )
    assert superuser.returncode == 0, superuser.stdout + superuser.stderr
    users = manage("shell", "--plain", "-c", _GRANT_BLOG_PERMISSIONS.format(**PASSWORDS), env=environ)
    assert users.returncode == 0, users.stdout + users.stderr


def _token(client: httpx2.Client, username: str) -> str:
    """An access token from the OAuth2 password grant, as Swagger UI's Authorize button gets one."""
    response = httpx2.post(  # not through `client`: it may already carry another user's token
        f"{str(client.base_url).rstrip('/')}/accounts/token/",
        data={"grant_type": "password", "username": username, "password": PASSWORDS[username]},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


#: What the `api` fixture serves: the database runserver uses (for manage.py commands beside it).
_served: dict[str, str] = {}


def _database_url_of(api: httpx2.Client) -> str:
    return _served["DATABASE_URL"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx2.Client]:
    """A client of the example served by ``runserver`` on a database made by ``manage.py migrate``."""
    folder = tmp_path_factory.mktemp("blog")
    environ = {**_environment(), "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    _served["DATABASE_URL"] = environ["DATABASE_URL"]
    migrate = manage("migrate", env=environ)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "Applying blog.0001_initial... OK" in migrate.stdout
    _make_users(environ)
    port = _free_port()
    log_path = folder / "runserver.log"  # a file, not a pipe: a full pipe would stall the server
    log = log_path.open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=EXAMPLE,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    pytest.fail(f"runserver exited with {server.returncode}:\n{log_path.read_text(encoding='utf-8')}")
                try:
                    client.get("/api/")
                    break
                except httpx2.TransportError:
                    if time.monotonic() > deadline:
                        pytest.fail("runserver did not answer within 60 seconds")
                    time.sleep(0.2)
            # The tests write as the editor (every blog permission), with a Bearer token as an API client would.
            client.headers["Authorization"] = f"Bearer {_token(client, 'editor')}"
            yield client
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _created(response: httpx2.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _author(api: httpx2.Client, name: str) -> int:
    return int(_created(api.post("/api/authors/", json={"name": name, "email": f"{name.lower()}@example.org"}))["id"])


def _post(api: httpx2.Client, author: int, slug: str, **fields: Any) -> dict[str, Any]:
    body = {"title": slug.replace("-", " ").title(), "slug": slug, "body": f"About {slug}.", "author": author}
    return _created(api.post("/api/posts/", json={**body, **fields}))


def test_the_api_root_links_every_collection(api: httpx2.Client) -> None:
    response = api.get("/api/")
    assert response.status_code == 200
    base = str(api.base_url).rstrip("/")
    assert response.json() == {
        "authors": f"{base}/api/authors/",
        "posts": f"{base}/api/posts/",
        "tags": f"{base}/api/tags/",
    }


def test_a_post_is_created_with_its_tags_and_comments_in_one_request(api: httpx2.Client) -> None:
    author = _author(api, "Grace")
    python = _created(api.post("/api/tags/", json={"name": "Python", "slug": "python"}))
    _created(api.post("/api/tags/", json={"name": "Web", "slug": "web"}))
    assert python == {"id": python["id"], "name": "Python", "slug": "python"}

    post = _post(
        api,
        author,
        "hello-world",
        tags=["web", "python"],
        comments=[{"name": "Ada", "body": "Welcome!"}, {"name": "Alan", "body": "Nice."}],
    )
    assert post["status"] == "draft"
    assert post["author"] == author
    assert post["tags"] == ["python", "web"]  # in the tags' own order (by name), whatever the order sent
    assert [(c["name"], c["body"], c["post"]) for c in post["comments"]] == [
        ("Ada", "Welcome!", post["id"]),
        ("Alan", "Nice.", post["id"]),
    ]

    detail = api.get(f"/api/posts/{post['id']}/")
    assert detail.status_code == 200
    assert detail.json()["tags"] == ["python", "web"]
    assert [c["name"] for c in detail.json()["comments"]] == ["Ada", "Alan"]

    retagged = api.patch(f"/api/posts/{post['id']}/", json={"tags": ["web"]})
    assert retagged.status_code == 200, retagged.text
    assert retagged.json()["tags"] == ["web"]
    assert [c["name"] for c in retagged.json()["comments"]] == ["Ada", "Alan"]  # not sent: left alone


def test_the_post_list_is_paginated(api: httpx2.Client) -> None:
    author = _author(api, "Pager")
    for number in range(12):
        _post(api, author, f"page-{number:02}")
    mine = {"author__name__iexact": "pager"}

    first = api.get("/api/posts/", params=mine)
    assert first.status_code == 200
    assert first.json()["count"] == 12
    assert len(first.json()["results"]) == 10
    assert first.json()["previous"] is None
    next_url = httpx2.URL(first.json()["next"])
    assert dict(next_url.params) == {"author__name__iexact": "pager", "page": "2"}

    second = api.get(next_url.path, params=dict(next_url.params))
    assert len(second.json()["results"]) == 2
    assert second.json()["next"] is None

    small = api.get("/api/posts/", params={**mine, "page_size": 5, "page": 3})
    assert [post["slug"] for post in small.json()["results"]] == ["page-01", "page-00"]  # newest first

    past_the_end = api.get("/api/posts/", params={**mine, "page": 9})
    assert past_the_end.status_code == 404
    assert past_the_end.json() == {"detail": "Invalid page."}


def test_the_post_list_is_filtered_searched_and_ordered(api: httpx2.Client) -> None:
    author = _author(api, "Filterer")
    zebra = _post(api, author, "zebras-in-the-wild", body="Stripes everywhere.")
    apple = _post(api, author, "apple-pie", body="Bake it with zebra stripes.")
    _post(api, author, "unrelated")
    mine = {"author__name__iexact": "FILTERER"}

    def slugs(**params: Any) -> list[str]:
        response = api.get("/api/posts/", params={**mine, **params})
        assert response.status_code == 200, response.text
        return [post["slug"] for post in response.json()["results"]]

    assert slugs() == ["unrelated", "apple-pie", "zebras-in-the-wild"]
    assert slugs(ordering="title") == ["apple-pie", "unrelated", "zebras-in-the-wild"]
    assert slugs(ordering="-title") == ["zebras-in-the-wild", "unrelated", "apple-pie"]
    assert slugs(ordering="created") == ["zebras-in-the-wild", "apple-pie", "unrelated"]
    assert slugs(search="zebra") == ["apple-pie", "zebras-in-the-wild"]  # title or body
    assert slugs(search="zebra stripes", ordering="title") == ["apple-pie", "zebras-in-the-wild"]

    assert slugs(status="published") == []
    assert api.post(f"/api/posts/{zebra['id']}/publish/").status_code == 200
    assert slugs(status="published") == ["zebras-in-the-wild"]
    assert slugs(status="draft", search="zebra") == ["apple-pie"]

    created = apple["created"]
    assert slugs(created__gte=created, ordering="created") == ["apple-pie", "unrelated"]
    assert slugs(created__lte=created, ordering="created") == ["zebras-in-the-wild", "apple-pie"]
    assert slugs(author__name__iexact="nobody") == []


def test_publish_sets_the_status_once(api: httpx2.Client) -> None:
    post = _post(api, _author(api, "Publisher"), "to-publish")
    published = api.post(f"/api/posts/{post['id']}/publish/")
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["id"] == post["id"]
    again = api.post(f"/api/posts/{post['id']}/publish/")
    assert again.status_code == 200
    assert again.json()["updated"] == published.json()["updated"]  # nothing to change, nothing saved
    assert api.get(f"/api/posts/{post['id']}/").json()["status"] == "published"
    assert api.post("/api/posts/999999/publish/").status_code == 404
    # `status` is read-only: the publish action is the one way to change it.
    refused = api.patch(f"/api/posts/{post['id']}/", json={"status": "draft"})
    assert refused.status_code == 400 and refused.json() == {"status": ["This field is read-only."]}
    assert api.get(f"/api/posts/{post['id']}/").json()["status"] == "published"


def test_comments_are_listed_and_created_under_their_post(api: httpx2.Client) -> None:
    author = _author(api, "Commented")
    post = _post(api, author, "with-comments", comments=[{"name": "First", "body": "One."}])
    other = _post(api, author, "other-post", comments=[{"name": "Elsewhere", "body": "Not here."}])
    url = f"/api/posts/{post['id']}/comments/"

    created = api.post(url, json={"name": "Second", "body": "Two."})
    comment = _created(created)
    assert comment["post"] == post["id"]

    listed = api.get(url)
    assert listed.status_code == 200, listed.text
    assert listed.json()["count"] == 2
    assert [c["name"] for c in listed.json()["results"]] == ["First", "Second"]

    one = api.get(f"{url}{comment['id']}/")
    assert one.status_code == 200
    assert one.json()["body"] == "Two."
    # A comment is only found under its own post.
    elsewhere = other["comments"][0]["id"]
    assert api.get(f"{url}{elsewhere}/").status_code == 404
    assert api.delete(f"{url}{comment['id']}/").status_code == 204
    assert [c["name"] for c in api.get(url).json()["results"]] == ["First"]
    missing_post = api.post("/api/posts/999999/comments/", json={"name": "Lost", "body": "Where?"})
    assert missing_post.status_code == 404


def test_bad_input_is_a_400_naming_the_problem(api: httpx2.Client) -> None:
    author = _author(api, "Careful")
    malformed = api.post("/api/posts/", content=b'{"title": ', headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400
    assert "JSON parse error" in malformed.json()["detail"]

    unknown_filter = api.get("/api/posts/", params={"colour": "red"})
    assert unknown_filter.status_code == 400
    assert list(unknown_filter.json()) == ["colour"]
    assert "Unknown query parameter" in unknown_filter.json()["colour"][0]

    bad_date = api.get("/api/posts/", params={"created__gte": "yesterday"})
    assert bad_date.status_code == 400
    assert list(bad_date.json()) == ["created__gte"]

    bad_ordering = api.get("/api/posts/", params={"ordering": "body"})
    assert bad_ordering.status_code == 400
    assert list(bad_ordering.json()) == ["ordering"]

    unknown_tag = api.post(
        "/api/posts/",
        json={"title": "T", "slug": "tagged-wrong", "body": "B", "author": author, "tags": ["no-such-tag"]},
    )
    assert unknown_tag.status_code == 400
    assert unknown_tag.json() == {"tags": ["Object with slug=no-such-tag does not exist."]}

    missing = api.post("/api/posts/", json={"title": "Only a title"})
    assert missing.status_code == 400
    assert set(missing.json()) == {"slug", "body", "author"}

    no_author = api.post("/api/posts/", json={"title": "T", "slug": "orphan", "body": "B", "author": 999999})
    assert no_author.status_code == 400
    assert list(no_author.json()) == ["author"]

    taken = api.post("/api/authors/", json={"name": "Careful", "email": "other@example.org"})
    assert taken.status_code == 400
    assert taken.json() == {"name": ["Author with this name already exists."]}

    bad_comment = api.post(f"/api/posts/{_post(api, author, 'careful')['id']}/comments/", json={"name": ""})
    assert bad_comment.status_code == 400
    assert set(bad_comment.json()) == {"name", "body"}
    assert api.get("/api/posts/not-a-number/").status_code == 404


def test_the_api_is_documented(api: httpx2.Client) -> None:
    for page in ("/docs", "/redoc"):
        response = api.get(page)
        assert response.status_code == 200, page
        assert "text/html" in response.headers["content-type"]
    schema = api.get("/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths["/api/posts/"]) == {"get", "post"}
    assert set(paths["/api/posts/{pk}/"]) == {"get", "put", "patch", "delete"}
    assert set(paths["/api/posts/{pk}/publish/"]) == {"post"}
    assert set(paths["/api/posts/{post_pk}/comments/"]) == {"get", "post"}
    listed = {parameter["name"] for parameter in paths["/api/posts/"]["get"]["parameters"]}
    assert listed == {
        "status",
        "author__name__iexact",
        "created__gte",
        "created__lte",
        "search",
        "ordering",
        "page",
        "page_size",
    }


# ---------------------------------------------------------------------------------------------------------------
# Accounts: who may write, through the token endpoint, the session login and an API key.


def _anonymous(api: httpx2.Client) -> httpx2.Client:
    return httpx2.Client(base_url=api.base_url, timeout=30)


def test_anyone_reads_but_writing_needs_a_user_with_the_permission(api: httpx2.Client) -> None:
    author = _author(api, "Guarded")
    with _anonymous(api) as anonymous:
        assert anonymous.get("/api/posts/").status_code == 200
        refused = anonymous.post("/api/authors/", json={"name": "Nobody", "email": "nobody@example.org"})
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == 'Bearer realm="api"'
        expired = anonymous.get("/api/authors/", headers={"Authorization": "Bearer not-a-token"})
        assert expired.status_code == 401 and "token" in expired.json()["detail"].lower()
    reader = {"Authorization": f"Bearer {_token(api, 'reader')}"}
    with _anonymous(api) as client:
        denied = client.post(
            "/api/posts/", json={"title": "T", "slug": "t", "body": "B", "author": author}, headers=reader
        )
        assert denied.status_code == 403
        assert client.get("/api/posts/", headers=reader).status_code == 200


def test_publishing_needs_the_custom_permission(api: httpx2.Client) -> None:
    post = _post(api, _author(api, "Custom"), "needs-publish-permission")
    with _anonymous(api) as client:
        reader = {"Authorization": f"Bearer {_token(api, 'reader')}"}
        assert client.post(f"/api/posts/{post['id']}/publish/", headers=reader).status_code == 403
    assert api.post(f"/api/posts/{post['id']}/publish/").json()["status"] == "published"  # the editor may


def test_a_browser_logs_in_with_the_session_and_sends_the_csrf_token(api: httpx2.Client) -> None:
    with _anonymous(api) as browser:
        form = browser.get("/accounts/login/")
        assert form.status_code == 200
        token = browser.get("/accounts/login/", headers={"Accept": "application/json"}).json().get("csrfToken")
        credentials = {"username": "editor", "password": PASSWORDS["editor"]}
        # The login page started a session for its CSRF token, so the login must carry that token (no login CSRF).
        assert browser.post("/accounts/login/", json=credentials).status_code == 403
        login = browser.post("/accounts/login/", json=credentials, headers={"X-CSRFToken": token})
        assert login.status_code == 200, login.text
        author = {"name": "Via Session", "email": "session@example.org"}
        forged = browser.post("/api/authors/", json=author)  # the session cookie alone: a forged request
        assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
        csrf = browser.get("/accounts/login/", headers={"Accept": "application/json"}).json()["csrfToken"]
        assert csrf != token  # the login gave the session a new CSRF secret
        created = browser.post("/api/authors/", json=author, headers={"X-CSRFToken": csrf})
        assert created.status_code == 201, created.text
        assert browser.post("/accounts/logout/", headers={"X-CSRFToken": csrf}).status_code in (200, 204)
        after = browser.post("/api/authors/", json={"name": "Late", "email": "late@example.org"})
        assert after.status_code in (401, 403)


def test_an_api_key_made_with_manage_py_writes_as_its_user(api: httpx2.Client) -> None:
    environ = {**_environment(), "DATABASE_URL": _database_url_of(api)}
    made = manage("createapikey", "editor", "--name", "importer", env=environ)
    assert made.returncode == 0, made.stdout + made.stderr
    key = re.search(r"fj_\w+", made.stdout)
    assert key is not None, made.stdout
    with _anonymous(api) as service:
        created = service.post(
            "/api/tags/", json={"name": "Imported", "slug": "imported"}, headers={"X-API-Key": key.group()}
        )
        assert created.status_code == 201, created.text
        wrong = service.post(
            "/api/tags/", json={"name": "X", "slug": "x"}, headers={"X-API-Key": key.group()[:-2] + "zz"}
        )
        assert wrong.status_code == 401
