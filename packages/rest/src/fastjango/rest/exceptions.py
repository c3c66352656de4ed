"""The errors an API view raises, each mapped to a JSON response with its HTTP status.

Raise them anywhere under a view (in ``get_queryset``, a permission, a
serializer hook): the view's exception handler turns them into
``{"detail": "..."}`` (or DRF's field-error shape for :class:`ValidationError`)
with the right status. Registered on the app too, so a plain FastAPI endpoint
that raises one gets the same response.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from fastjango.rest.serializers._errors import ValidationError

__all__ = [
    "APIException",
    "AuthenticationFailed",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotAuthenticated",
    "NotFound",
    "ParseError",
    "PermissionDenied",
    "Throttled",
    "UnsupportedMediaType",
    "ValidationError",
]


class APIException(Exception):
    """Base of the API errors: ``status_code``, ``default_detail`` and ``default_code``, as in DRF."""

    status_code: int = 500
    default_detail: str = "A server error occurred."
    default_code: str = "error"

    def __init__(self, detail: str | Mapping[str, Any] | Sequence[Any] | None = None, code: str | None = None) -> None:
        self.detail: Any = self.default_detail if detail is None else detail
        self.code = code or self.default_code
        super().__init__(self.detail)

    def get_full_details(self) -> dict[str, Any]:
        """``{"message": ..., "code": ...}``: the detail with its machine-readable code."""
        return {"message": self.detail, "code": self.code}

    def headers(self) -> dict[str, str]:
        """Extra response headers this error needs (``WWW-Authenticate``, ``Retry-After``, ``Allow``)."""
        return {}


class ParseError(APIException):
    status_code = 400
    default_detail = "Malformed request."
    default_code = "parse_error"


class AuthenticationFailed(APIException):
    status_code = 401
    default_detail = "Incorrect authentication credentials."
    default_code = "authentication_failed"


class NotAuthenticated(APIException):
    status_code = 401
    default_detail = "Authentication credentials were not provided."
    default_code = "not_authenticated"


class PermissionDenied(APIException):
    status_code = 403
    default_detail = "You do not have permission to perform this action."
    default_code = "permission_denied"


class NotFound(APIException):
    status_code = 404
    default_detail = "Not found."
    default_code = "not_found"


class MethodNotAllowed(APIException):
    status_code = 405
    default_code = "method_not_allowed"

    def __init__(self, method: str, allowed: Sequence[str] = (), detail: str | None = None) -> None:
        self.allowed = list(allowed)
        super().__init__(detail or f'Method "{method}" not allowed.')

    def headers(self) -> dict[str, str]:
        return {"Allow": ", ".join(self.allowed)} if self.allowed else {}


class NotAcceptable(APIException):
    status_code = 406
    default_detail = "Could not satisfy the request Accept header."
    default_code = "not_acceptable"


class UnsupportedMediaType(APIException):
    status_code = 415
    default_code = "unsupported_media_type"

    def __init__(self, media_type: str, detail: str | None = None) -> None:
        super().__init__(detail or f'Unsupported media type "{media_type}" in request.')


class Throttled(APIException):
    """429 Too Many Requests; ``wait`` seconds go to ``Retry-After`` (rounded up) and the message."""

    status_code = 429
    default_detail = "Request was throttled."
    default_code = "throttled"

    def __init__(self, wait: float | None = None, detail: str | None = None) -> None:
        self.wait = None if wait is None else max(0, math.ceil(wait))
        message = detail or self.default_detail
        if self.wait is not None:
            unit = "second" if self.wait == 1 else "seconds"
            message = f"{message} Expected available in {self.wait} {unit}."
        super().__init__(message)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.wait)} if self.wait is not None else {}
