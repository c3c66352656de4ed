"""Tests of the hello app; run ``pytest`` in the project folder.

The ``client`` fixture comes with fastjango: a test client for the project's
app (pyproject.toml tells it which settings to use).
"""

from starlette.testclient import TestClient


def test_welcome(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {
        "message": "Welcome to mysite, a fastjango project.",
        "docs": "/docs",
        "try_it": "/hello/world/",
    }


def test_greeting(client: TestClient) -> None:
    response = client.get("/hello/Ada/")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello, Ada!", "name": "Ada"}
