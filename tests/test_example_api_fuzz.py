"""examples/mysite's API (the blog API and the hello app), fuzzed by schemathesis against its own OpenAPI schema.

Every operation of ``/openapi.json`` gets generated requests, valid and
invalid, sent to the example's ASGI app (loaded in this process from its
settings) over a real SQLite file migrated with ``manage.py migrate``. Each
answer must not be a 5xx, must have a documented status code and content
type, and its body must match the documented schema. Examples per operation
are bounded and generation is derandomized, so a run is reproducible and
takes well under two minutes.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from fastjango.core.project import Project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mysite"
#: The example's top-level modules; imported from EXAMPLE for this module only.
_EXAMPLE_MODULES = ("mysite", "hello", "blog")
#: Examples per operation and generation mode: enough to reach the edges, few enough to stay fast.
MAX_EXAMPLES = 25
_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: A superuser: the generated requests reach the handlers, not only the permission checks.
EDITOR = {"username": "editor", "password": "editor-Pass-w0rd-long"}


def _environment(database: Path) -> dict[str, str]:
    """The process environment without FASTJANGO_* variables, with the test database."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("FASTJANGO_")}
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        environ.pop(name, None)
    environ["DATABASE_URL"] = f"sqlite:///{database}"
    environ["ALLOWED_HOSTS"] = "localhost,testserver"  # schemathesis's ASGI client calls the app "testserver"
    return environ


def _forget_example_modules() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in _EXAMPLE_MODULES:
            del sys.modules[name]


@pytest.fixture(scope="module")
def blog_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The example's app on a fresh SQLite file, with an author, two tags and a post to find."""
    database = tmp_path_factory.mktemp("fuzz") / "db.sqlite3"
    environ = _environment(database)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate"],
        cwd=EXAMPLE,
        env=environ,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    made = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"],
        cwd=EXAMPLE,
        env={
            **environ,
            "FASTJANGO_SUPERUSER_USERNAME": EDITOR["username"],
            "FASTJANGO_SUPERUSER_EMAIL": "editor@example.org",
            "FASTJANGO_SUPERUSER_PASSWORD": EDITOR["password"],
        },
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    _forget_example_modules()  # another test may have imported a project of its own called mysite
    sys.path.insert(0, str(EXAMPLE))
    importlib.invalidate_caches()
    try:
        project = Project("mysite.settings", environ=environ)
        app = project.app
        with TestClient(app, base_url="http://localhost") as client:
            token = client.post("/accounts/token/", data={"grant_type": "password", **EDITOR}).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            assert client.post("/api/authors/", json={"name": "Ann", "email": "ann@example.org"}).status_code == 201
            for slug in ("python", "web"):
                assert client.post("/api/tags/", json={"name": slug.title(), "slug": slug}).status_code == 201
            post = {
                "title": "Hello",
                "slug": "hello",
                "body": "First.",
                "author": 1,
                "tags": ["python"],
                "comments": [{"name": "Bob", "body": "Hi"}],
            }
            assert client.post("/api/posts/", json=post).status_code == 201
        yield app
    finally:
        sys.path.remove(str(EXAMPLE))
        _forget_example_modules()


@pytest.fixture(scope="module")
def blog_token(blog_app: Any) -> str:
    """The editor's access token (a superuser): generated writes pass the permission checks."""
    with TestClient(blog_app, base_url="http://localhost") as client:
        response = client.post("/accounts/token/", data={"grant_type": "password", **EDITOR})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture(scope="module")
def blog_schema(blog_app: Any) -> Any:
    """The schema as the app serves it at /openapi.json; requests made from it go to the same app."""
    return schemathesis.openapi.from_asgi("/openapi.json", blog_app)


#: Every operation of the example: the hello app's two and the blog API's. Listed here rather than read from the
#: schema at collection time (which would need the app and its database before any fixture runs), so each is a test
#: of its own; the first test below fails when the schema and this list disagree, so none is left out silently.
OPERATIONS = [
    f"{method} {path}"
    for path, methods in [
        ("/", ["GET"]),
        ("/hello/{name}/", ["GET"]),
        ("/api/", ["GET"]),
        ("/api/authors/", ["GET", "POST"]),
        ("/api/authors/{pk}/", ["GET", "PUT", "PATCH", "DELETE"]),
        ("/api/posts/", ["GET", "POST"]),
        ("/api/posts/{pk}/", ["GET", "PUT", "PATCH", "DELETE"]),
        ("/api/posts/{pk}/publish/", ["POST"]),
        ("/api/tags/", ["GET", "POST"]),
        ("/api/tags/{pk}/", ["GET", "PUT", "PATCH", "DELETE"]),
        ("/api/posts/{post_pk}/comments/", ["GET", "POST"]),
        ("/api/posts/{post_pk}/comments/{pk}/", ["GET", "PUT", "PATCH", "DELETE"]),
        ("/accounts/login/", ["GET", "POST"]),
        ("/accounts/logout/", ["POST"]),
        ("/accounts/password/change/", ["POST"]),
        ("/accounts/password/reset/", ["POST"]),
        ("/accounts/password/reset/{uidb64}/{token}/", ["GET", "POST"]),
        ("/accounts/token/", ["POST"]),
        ("/accounts/token/refresh/", ["POST"]),
        ("/accounts/token/revoke/", ["POST"]),
    ]
    for method in methods
]
#: Operations with nothing to make invalid (no input, or one free-form string): valid requests only.
_NO_INPUT = {
    "GET /",
    "GET /api/",
    "GET /hello/{name}/",
    "GET /accounts/login/",
    "POST /accounts/logout/",
    "GET /accounts/password/reset/{uidb64}/{token}/",  # two free-form strings: nothing to make invalid
}
#: Operations that would end the editor's login or change its password: fuzzed without credentials.
_ANONYMOUS = {"POST /accounts/logout/", "POST /accounts/password/change/", "POST /accounts/token/revoke/"}
CASES = [
    pytest.param(label, mode, id=f"{label} {mode.value}")
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (mode is GenerationMode.NEGATIVE and label in _NO_INPUT)
]


def test_the_schema_has_exactly_the_operations_fuzzed_here(blog_schema: Any) -> None:
    found = {result.ok().label for result in blog_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_every_operation_answers_as_documented(
    blog_schema: Any, blog_token: str, label: str, mode: GenerationMode
) -> None:
    """Generated requests, valid (positive) or invalid (negative): no 5xx, and every answer as documented."""
    operation = blog_schema.find_operation_by_label(label)
    assert operation is not None, label
    statuses: list[int] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        headers = {} if label in _ANONYMOUS else {"Authorization": f"Bearer {blog_token}"}
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=_CHECKS)

    run()
    assert statuses, f"no request was generated for {label}"
