"""Reading the token from a form body without taking the body away from the app.

The request's ``http.request`` messages are read and kept, the form is
parsed from them, and the app then receives the very same messages.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import Message, Receive, Scope

__all__ = ["form_field", "replaying"]


async def _buffer(receive: Receive) -> list[Message]:
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def replaying(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` first, then defers to the real one (for ``http.disconnect``)."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def form_field(scope: Scope, receive: Receive, name: str) -> tuple[str | None, Receive]:
    """The value of form field ``name`` (urlencoded or multipart body), and the ``receive`` the app must use."""
    messages = await _buffer(receive)
    replay = replaying(messages, receive)
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    content_type = Headers(scope=scope).get("content-type", "").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        # Decoded leniently: a body of hostile bytes is a missing token (a 403), never an error.
        text = body.decode("utf-8", "replace")
        for key, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"):
            if key == name:
                return value, replay
        return None, replay
    if content_type.startswith("multipart/form-data"):
        return await _multipart_field(scope, body, name), replay
    return None, replay


async def _multipart_field(scope: Scope, body: bytes, name: str) -> str | None:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body
        yield b""

    try:
        form = await MultiPartParser(Headers(scope=scope), stream()).parse()
    except (MultiPartException, ValueError, AssertionError):  # malformed body, or python-multipart missing
        return None
    try:
        value = form.get(name)
        return value if isinstance(value, str) else None
    finally:
        await form.close()
