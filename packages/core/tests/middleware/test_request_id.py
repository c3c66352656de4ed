from __future__ import annotations

import logging
import re
from collections.abc import Callable

from starlette.testclient import TestClient

from fastjango.core.conf.global_settings import DEFAULT_MIDDLEWARE
from fastjango.core.middleware import RequestIDLogFilter

WITH_IDS = ["fastjango.core.middleware.RequestIDMiddleware", *DEFAULT_MIDDLEWARE]


def test_the_default_stack_mints_no_ids(make_client: Callable[..., TestClient]) -> None:
    assert "x-request-id" not in make_client().get("/").headers


def test_each_request_gets_a_fresh_id_visible_to_the_view(make_client: Callable[..., TestClient]) -> None:
    client = make_client(MIDDLEWARE=WITH_IDS)
    first, second = client.get("/whoami/"), client.get("/whoami/")
    assert re.fullmatch(r"[0-9a-f]{24}", first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert first.json() == {"state": first.headers["x-request-id"], "context": first.headers["x-request-id"]}


def test_a_safe_incoming_id_is_kept(make_client: Callable[..., TestClient]) -> None:
    response = make_client(MIDDLEWARE=WITH_IDS).get("/whoami/", headers={"X-Request-ID": "lb-1234.abc:9"})
    assert response.headers["x-request-id"] == "lb-1234.abc:9"
    assert response.json()["context"] == "lb-1234.abc:9"


def test_an_unsafe_incoming_id_is_replaced(make_client: Callable[..., TestClient]) -> None:
    client = make_client(MIDDLEWARE=WITH_IDS)
    for hostile in ["a" * 500, "evil id with spaces", "x;rm -rf /", ""]:
        response = client.get("/whoami/", headers={"X-Request-ID": hostile})
        assert re.fullmatch(r"[0-9a-f]{24}", response.headers["x-request-id"]), hostile


def test_the_header_name_is_a_setting(make_client: Callable[..., TestClient]) -> None:
    response = make_client(REQUEST_ID_HEADER="X-Correlation-ID", MIDDLEWARE=WITH_IDS).get(
        "/", headers={"X-Correlation-ID": "abc"}
    )
    assert response.headers["x-correlation-id"] == "abc"
    assert "x-request-id" not in response.headers


def test_log_records_carry_the_request_id() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    assert RequestIDLogFilter().filter(record)
    assert record.request_id == "-"
