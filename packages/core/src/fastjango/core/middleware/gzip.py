"""GZip compression of responses, pure ASGI, with a fast path for small responses."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

__all__ = ["GZipMiddleware"]

_GZIP_WINDOW = 16 + zlib.MAX_WBITS  # zlib's way of asking for a gzip header and trailer


class GZipMiddleware:
    """Compress responses of at least ``minimum_size`` bytes for clients that accept gzip.

    A response that declares a small ``Content-Length``, is already encoded,
    or is a server-sent event stream passes through untouched, so the common
    small JSON answer costs almost nothing. Streaming responses are compressed
    chunk by chunk.
    """

    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = 500,
        compresslevel: int = 6,
        excluded_content_types: Sequence[str] = ("text/event-stream",),
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel
        self.excluded = frozenset(kind.encode("latin-1") for kind in excluded_content_types)

    @classmethod
    def from_settings(cls, app: ASGIApp, settings: Settings) -> GZipMiddleware:
        return cls(app, minimum_size=settings.GZIP_MINIMUM_SIZE, compresslevel=settings.GZIP_COMPRESS_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "HEAD" or not _accepts_gzip(scope["headers"]):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _GZipSender(self, send).send)


def _accepts_gzip(headers: Sequence[tuple[bytes, bytes]]) -> bool:
    for key, value in headers:
        if key == b"accept-encoding":
            return b"gzip" in value.lower()
    return False


class _GZipSender:
    """Decides per response whether to compress, and compresses."""

    __slots__ = ("compressor", "middleware", "passthrough", "send_next", "start")

    def __init__(self, middleware: GZipMiddleware, send: Send) -> None:
        self.middleware = middleware
        self.send_next = send
        self.passthrough = False
        self.start: Message | None = None
        self.compressor: zlib._Compress | None = None

    async def send(self, message: Message) -> None:
        if self.passthrough:
            await self.send_next(message)
            return
        kind = message["type"]
        if kind == "http.response.start":
            if self._leave_alone(message.get("headers", ())):
                self.passthrough = True
                await self.send_next(message)
            else:
                self.start = message  # wait for the body to decide
            return
        if kind != "http.response.body" or self.start is None:
            await self._give_up(message)
            return
        body: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        if self.compressor is None:
            if not more and len(body) < self.middleware.minimum_size:
                await self._give_up(message)
                return
            self.compressor = zlib.compressobj(self.middleware.compresslevel, zlib.DEFLATED, _GZIP_WINDOW)
            data = self.compressor.compress(body) + self.compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
            await self.send_next(_encoded_start(self.start, None if more else len(data)))
            await self.send_next({"type": "http.response.body", "body": data, "more_body": more})
            return
        data = self.compressor.compress(body) + self.compressor.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)
        await self.send_next({"type": "http.response.body", "body": data, "more_body": more})

    def _leave_alone(self, headers: Sequence[tuple[bytes, bytes]]) -> bool:
        for key, value in headers:
            if key == b"content-encoding":
                return True
            if key == b"content-length":
                try:
                    if int(value) < self.middleware.minimum_size:
                        return True
                except ValueError:
                    return True
            elif key == b"content-type" and value.split(b";", 1)[0].strip().lower() in self.middleware.excluded:
                return True
        return False

    async def _give_up(self, message: Message) -> None:
        """Send the held start message unchanged, then everything else as it comes."""
        self.passthrough = True
        if self.start is not None:
            await self.send_next(self.start)
            self.start = None
        await self.send_next(message)


def _encoded_start(start: Message, length: int | None) -> Message:
    headers = [(key, value) for key, value in start.get("headers", ()) if key not in (b"content-length", b"vary")]
    vary = [value for key, value in start.get("headers", ()) if key == b"vary"]
    vary_value = (
        b", ".join([*vary, b"Accept-Encoding"])
        if not any(b"accept-encoding" in v.lower() for v in vary)
        else b", ".join(vary)
    )
    headers.append((b"content-encoding", b"gzip"))
    headers.append((b"vary", vary_value))
    if length is not None:
        headers.append((b"content-length", str(length).encode("latin-1")))
    return {**start, "headers": headers}
