"""A raw ASGI callable with asyncpg and orjson: the practical limit of a Python web stack.

No framework, no router, no validation library: a dispatch on the path, hand
written checks, and a connection pool opened at lifespan start-up. Every other
stack is measured against what this one does on the same server.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
import orjson

Scope = dict[str, Any]
Message = dict[str, Any]

_COLUMNS = "id, name, price::text AS price, created, active, category"
_JSON_HEADERS = [(b"content-type", b"application/json")]
_HELLO = orjson.dumps({"message": "Hello, world!"})
_NOT_FOUND = orjson.dumps({"detail": "Not Found"})

pool: asyncpg.Pool | None = None


async def _open_pool() -> asyncpg.Pool:
    env = os.environ
    return await asyncpg.create_pool(
        host=env.get("BENCH_PGHOST", "127.0.0.1"),
        port=int(env.get("BENCH_PGPORT", "5432")),
        user=env.get("BENCH_PGUSER", "postgres"),
        password=env.get("BENCH_PGPASSWORD") or None,
        database=env.get("BENCH_PGDATABASE", "fastjango_bench"),
        min_size=10,
        max_size=10,
    )


async def _send_json(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _validate_create(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None, ["body: not valid JSON"]
    if not isinstance(data, dict):
        return None, ["body: must be an object"]
    errors: list[str] = []
    name, category, active = data.get("name"), data.get("category"), data.get("active", True)
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        errors.append("name: a string of 1 to 100 characters")
    if not isinstance(category, str) or not 1 <= len(category) <= 50:
        errors.append("category: a string of 1 to 50 characters")
    if not isinstance(active, bool):
        errors.append("active: a boolean")
    price: Decimal | None = None
    if isinstance(data.get("price"), (str, int, float)) and not isinstance(data.get("price"), bool):
        try:
            price = Decimal(str(data["price"]))
        except InvalidOperation:
            price = None
    exponent = price.as_tuple().exponent if price is not None else 0
    if (
        price is None
        or not price.is_finite()
        or price < 0
        or price >= Decimal("1e8")
        or not isinstance(exponent, int)
        or exponent < -2
    ):
        errors.append("price: a decimal from 0 to 99999999.99 with at most 2 decimal places")
    if errors:
        return None, errors
    return {"name": name, "price": price, "category": category, "active": active}, []


async def _items(scope: Scope, receive: Any, send: Any, rest: str) -> None:
    assert pool is not None
    method = scope["method"]
    if rest == "" and method == "GET":
        query = dict(parse_qsl(scope["query_string"].decode("latin-1")))
        try:
            limit, offset = int(query.get("limit", "20")), int(query.get("offset", "0"))
        except ValueError:
            limit, offset = -1, -1
        if not (1 <= limit <= 100 and offset >= 0):
            await _send_json(send, 422, orjson.dumps({"detail": "limit: 1 to 100; offset: 0 or more"}))
            return
        rows = await pool.fetch(f"SELECT {_COLUMNS} FROM bench_item ORDER BY id LIMIT $1 OFFSET $2", limit, offset)
        await _send_json(send, 200, orjson.dumps([dict(row) for row in rows]))
    elif rest == "" and method == "POST":
        values, errors = _validate_create(await _read_body(receive))
        if values is None:
            await _send_json(send, 422, orjson.dumps({"detail": errors}))
            return
        row = await pool.fetchrow(
            "INSERT INTO bench_item_created (name, price, category, active) VALUES ($1, $2, $3, $4) "
            f"RETURNING {_COLUMNS}",
            values["name"],
            values["price"],
            values["category"],
            values["active"],
        )
        await _send_json(send, 201, orjson.dumps(dict(row)))
    elif rest.endswith("/") and rest[:-1].isdigit() and method == "GET":
        row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM bench_item WHERE id = $1", int(rest[:-1]))
        if row is None:
            await _send_json(send, 404, _NOT_FOUND)
        else:
            await _send_json(send, 200, orjson.dumps(dict(row)))
    else:
        await _send_json(send, 404, _NOT_FOUND)


async def _lifespan(receive: Any, send: Any) -> None:
    global pool
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            pool = await _open_pool()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if pool is not None:
                await pool.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Any, send: Any) -> None:
    """The whole application: hello, and the items endpoints on ``bench_item``."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    path: str = scope["path"]
    if path == "/hello/" and scope["method"] == "GET":
        await _send_json(send, 200, _HELLO)
    elif path.startswith("/items/"):
        await _items(scope, receive, send, path[len("/items/") :])
    else:
        await _send_json(send, 404, _NOT_FOUND)
