"""What the account endpoints share: reading JSON or form bodies, and their error answers."""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from fastjango.auth.ratelimit import LoginRateLimited
from fastjango.auth.redirects import safe_next_url

__all__ = [
    "BadRequest",
    "Fields",
    "next_or",
    "openapi_body",
    "rate_limited",
    "read_fields",
    "redirect",
    "setting",
]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadRequest(Exception):
    """An answer of 4xx with ``{"detail": ..., "errors": {field: [messages]}}``."""

    def __init__(
        self, detail: str, errors: dict[str, list[str]] | None = None, *, status_code: int = 400, code: str = "invalid"
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        self.status_code = status_code
        self.code = code

    def response(self) -> JSONResponse:
        content: dict[str, Any] = {"detail": self.detail, "code": self.code}
        if self.errors:
            content["errors"] = self.errors
        return JSONResponse(content, status_code=self.status_code, headers={"Cache-Control": "no-store"})


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Fields:
    """The submitted fields; ``is_form`` when they came from an HTML form (the answer is then a redirect)."""

    def __init__(self, data: dict[str, Any], is_form: bool) -> None:
        self.data = data
        self.is_form = is_form

    def text(self, name: str, *aliases: str) -> str | None:
        for key in (name, *aliases):
            value = self.data.get(key)
            if value is None:
                continue
            if not isinstance(value, str):
                raise BadRequest(f"{key} must be a string.", {key: ["Must be a string."]})
            # No database stores these (PostgreSQL refuses NUL, none takes a lone surrogate): a 400, never a 500.
            if "\x00" in value or not _encodable(value):
                raise BadRequest(
                    f"{key} contains a character that is not allowed.",
                    {key: ["Contains a NUL character or invalid Unicode."]},
                )
            return value
        return None

    def required(self, *names: str) -> list[str]:
        """The values of ``names``; a 400 naming every missing (or empty) one."""
        values = [self.text(name) for name in names]
        missing = [name for name, value in zip(names, values, strict=True) if not value]
        if missing:
            raise BadRequest(
                f"Missing field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.",
                {name: ["This field is required."] for name in missing},
                code="required",
            )
        return [value or "" for value in values]


async def read_fields(request: Request) -> Fields:
    """The body as fields: a JSON object, or a urlencoded/multipart form. Anything else is a 4xx."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _FORM_TYPES:
        try:
            form = await request.form()
        except Exception as error:
            raise BadRequest(f"The form could not be read: {error}.", code="malformed") from None
        return Fields({key: value for key, value in form.items() if isinstance(value, str)}, True)
    raw = await request.body()
    if not raw.strip():
        return Fields({}, False)
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise BadRequest(
            f"Send the fields as JSON (application/json) or as a form (application/x-www-form-urlencoded), "
            f"not {content_type!r}.",
            status_code=415,
            code="unsupported_media_type",
        )
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON.", code="malformed") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object of fields.", code="malformed")
    return Fields(data, False)


def setting(name: str, default: Any = None) -> Any:
    from fastjango.core.project import get_project

    return get_project().settings.get(name, default)


def next_or(request: Request, fields: Fields | None, default: str | None) -> str | None:
    """The safe ``next`` (body field, then query), else ``default``."""
    candidate = (fields.data.get("next") if fields is not None else None) or request.query_params.get("next")
    return safe_next_url(request, candidate, default)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def rate_limited(error: LoginRateLimited) -> Response:
    """429 with ``Retry-After`` in whole seconds."""
    seconds = max(1, math.ceil(error.retry_after))
    return JSONResponse(
        {"detail": str(error), "code": "rate_limited", "retry_after": seconds},
        status_code=429,
        headers={"Retry-After": str(seconds), "Cache-Control": "no-store"},
    )


def openapi_body(model: type[BaseModel], *, json_allowed: bool = True) -> dict[str, Any]:
    """``openapi_extra`` describing a body that may come as JSON (unless not ``json_allowed``) or as a form."""
    schema = model.model_json_schema()
    kinds = ("application/json", "application/x-www-form-urlencoded") if json_allowed else _FORM_TYPES[:1]
    content = {kind: {"schema": schema} for kind in kinds}
    return {"requestBody": {"required": True, "content": content}}
