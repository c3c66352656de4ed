"""Core's middleware: every one pure ASGI (no ``BaseHTTPMiddleware``), each in its own module.

The default stack (``MIDDLEWARE``), outermost first: host validation, body
size limit, security headers, CORS. Request IDs and GZip are built in but
off by default. Plugins add theirs with
:class:`MiddlewareSpec` through the ``fastjango_middleware`` hook.
"""

from __future__ import annotations

from fastjango.core.middleware._stack import MiddlewareSpec, resolve_middleware_order
from fastjango.core.middleware.body_limit import BodySizeLimitMiddleware
from fastjango.core.middleware.cors import CORSMiddleware
from fastjango.core.middleware.gzip import GZipMiddleware
from fastjango.core.middleware.hosts import TrustedHostMiddleware
from fastjango.core.middleware.request_id import RequestIDLogFilter, RequestIDMiddleware, get_request_id
from fastjango.core.middleware.security import SecurityMiddleware

__all__ = [
    "BodySizeLimitMiddleware",
    "CORSMiddleware",
    "GZipMiddleware",
    "MiddlewareSpec",
    "RequestIDLogFilter",
    "RequestIDMiddleware",
    "SecurityMiddleware",
    "TrustedHostMiddleware",
    "get_request_id",
    "resolve_middleware_order",
]
