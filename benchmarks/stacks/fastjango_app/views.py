"""Views: plain FastAPI endpoints, routed by the URL conf."""

from __future__ import annotations


async def hello() -> dict[str, str]:
    return {"message": "Hello, world!"}
