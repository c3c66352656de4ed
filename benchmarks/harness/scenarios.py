"""The scenarios: what each stack must serve, on which URL, and how wrk drives it.

A scenario is data, not code per stack: its URL, the status and JSON shape a
correct answer has, and the Lua snippet that makes wrk's requests. A stack
implements a scenario by serving that URL; the harness finds out by probing it
(see ``runner.py``), so adding a handler to a stack is all it takes to bring its
cells into the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.db import ITEM_COUNT

__all__ = ["CREATE_BODY", "SCENARIOS", "Scenario", "get_scenarios"]

ITEM_KEYS = frozenset({"id", "name", "price", "created", "active", "category"})

#: The body of every create request: valid, so each one inserts a row.
CREATE_BODY = {"name": "benchmark item", "price": "12.50", "category": "category-3", "active": True}


@dataclass(frozen=True)
class Scenario:
    """One benchmark scenario, identical for every stack."""

    name: str
    title: str
    method: str
    #: The URL a probe requests before measuring; wrk's requests follow the same pattern.
    probe_path: str
    expected_status: int
    #: Lua that sets up wrk's requests; the reporting part is added by ``wrk.py``.
    lua: str
    check: Callable[[Any], bool]
    needs_db: bool = True
    body: bytes | None = None

    def describe(self) -> str:
        return f"{self.method} {self.probe_path}"


def _is_item(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == ITEM_KEYS


def _is_hello(value: Any) -> bool:
    return bool(value == {"message": "Hello, world!"})


def _is_page(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 20 and all(_is_item(item) for item in value)


def _is_created(value: Any) -> bool:
    return _is_item(value) and value["name"] == CREATE_BODY["name"]


# Ids walk the whole table in a fixed pseudo-random order (7919 is prime to 10,000).
_ITEM_LUA = f"""
local counter = 0
function request()
  counter = counter + 1
  return wrk.format(nil, "/items/" .. ((counter * 7919) % {ITEM_COUNT} + 1) .. "/")
end
"""

# Offsets cycle over the first 1,000 rows in steps of a page: the database work stays small and
# equal for every stack, so the cell measures the framework, not PostgreSQL scanning deep offsets.
_LIST_LUA = """
local counter = 0
function request()
  counter = counter + 1
  return wrk.format(nil, "/items/?limit=20&offset=" .. ((counter % 50) * 20))
end
"""

_CREATE_LUA = f"""
function init_request()
  wrk.method = "POST"
  wrk.body = {json.dumps(json.dumps(CREATE_BODY))}
  wrk.headers["Content-Type"] = "application/json"
end
"""

SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        Scenario(
            name="hello",
            title="JSON hello",
            method="GET",
            probe_path="/hello/",
            expected_status=200,
            lua="",
            check=_is_hello,
            needs_db=False,
        ),
        Scenario(
            name="item",
            title="one row by primary key",
            method="GET",
            probe_path="/items/4242/",
            expected_status=200,
            lua=_ITEM_LUA,
            check=_is_item,
        ),
        Scenario(
            name="list",
            title="20-row list, ordered, limit/offset",
            method="GET",
            probe_path="/items/?limit=20&offset=40",
            expected_status=200,
            lua=_LIST_LUA,
            check=_is_page,
        ),
        Scenario(
            name="create",
            title="validated create (POST)",
            method="POST",
            probe_path="/items/",
            expected_status=201,
            lua=_CREATE_LUA,
            check=_is_created,
            body=json.dumps(CREATE_BODY).encode(),
        ),
    )
}


def get_scenarios(names: list[str] | None) -> list[Scenario]:
    """The scenarios named (all when ``names`` is empty), in registry order."""
    if not names:
        return list(SCENARIOS.values())
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise ValueError(f"Unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}.")
    return [scenario for name, scenario in SCENARIOS.items() if name in names]
