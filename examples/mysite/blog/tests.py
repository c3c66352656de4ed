"""Tests of the blog API; run ``pytest`` in the project folder.

The ``async_client`` fixture comes with fastjango: an HTTP client for the
project's app. ``db`` (from the ORM plugin) runs each test in a transaction
on a test database that is rolled back at its end, and the requests made
with ``async_client`` see the rows the test wrote. Writing needs the blog's
permissions: ``editor`` is a user who has them all, and ``atoken_headers``
gives the Bearer token an API client of theirs would send.
"""

from typing import Any

import pytest

from fastjango.auth.models import Permission, User
from fastjango.auth.testing import atoken_headers

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
async def editor(async_client: Any) -> dict[str, str]:
    """The headers of a user with every permission of the blog app."""
    user = await User.objects.acreate_user("editor", "editor@example.org", None)
    await user.user_permissions.aset([p async for p in Permission.objects.filter(app_label="blog")])
    async_client.headers.update(await atoken_headers(user))
    return dict(async_client.headers)


async def test_a_post_is_written_with_its_tags_and_comments(async_client: Any, editor: Any) -> None:
    author = await async_client.post("/api/authors/", json={"name": "Ann", "email": "ann@example.org"})
    assert author.status_code == 201
    tag = await async_client.post("/api/tags/", json={"name": "News", "slug": "news"})
    assert tag.status_code == 201
    post = await async_client.post(
        "/api/posts/",
        json={
            "title": "Hello",
            "slug": "hello",
            "body": "The first post.",
            "author": author.json()["id"],
            "tags": ["news"],
            "comments": [{"name": "Bob", "body": "Welcome!"}],
        },
    )
    assert post.status_code == 201, post.text
    assert post.json()["tags"] == ["news"]
    assert [comment["name"] for comment in post.json()["comments"]] == ["Bob"]
    assert post.json()["status"] == "draft"

    published = await async_client.post(f"/api/posts/{post.json()['id']}/publish/")
    assert published.json()["status"] == "published"
    listed = await async_client.get("/api/posts/", params={"status": "published", "search": "first"})
    assert [found["slug"] for found in listed.json()["results"]] == ["hello"]


async def test_an_unknown_tag_is_refused(async_client: Any, editor: Any) -> None:
    author = await async_client.post("/api/authors/", json={"name": "Ann", "email": "ann@example.org"})
    response = await async_client.post(
        "/api/posts/",
        json={"title": "T", "slug": "t", "body": "B", "author": author.json()["id"], "tags": ["missing"]},
    )
    assert response.status_code == 400
    assert response.json() == {"tags": ["Object with slug=missing does not exist."]}


async def test_anonymous_clients_read_but_do_not_write(async_client: Any) -> None:
    assert (await async_client.get("/api/posts/")).status_code == 200
    refused = await async_client.post("/api/tags/", json={"name": "News", "slug": "news"})
    assert refused.status_code == 401
