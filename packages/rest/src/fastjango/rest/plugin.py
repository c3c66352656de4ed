"""The ``rest`` plugin: its settings, JSON errors for API exceptions everywhere, and a clean shutdown.

Views, viewsets and routers need no wiring (they are routes in the URL
conf); the plugin makes ``REST_FRAMEWORK`` a validated setting, maps
``APIException`` raised from plain FastAPI endpoints to the same JSON errors
the API views give, keeps FastAPI's 422 response (which API views never
send) out of their OpenAPI operations, and closes shared throttle stores at
shutdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse

from fastjango.core.conf import Settings
from fastjango.core.hookspecs import hookimpl


@hookimpl
def fastjango_settings_schema() -> type[BaseModel]:
    from fastjango.rest.settings import RestSettings

    return RestSettings


async def _api_exception(request: StarletteRequest, exc: Exception) -> StarletteResponse:
    from fastjango.rest.views import exception_handler

    response = exception_handler(exc, {"request": request, "view": None, "args": (), "kwargs": {}})
    if response is None:  # pragma: no cover - only API exceptions are registered here
        raise exc
    return response


@hookimpl
def fastjango_exception_handlers(settings: Settings) -> Mapping[Any, Any]:
    from fastjango.rest.exceptions import APIException
    from fastjango.rest.serializers import ValidationError

    return {APIException: _api_exception, ValidationError: _api_exception}


@hookimpl
def fastjango_app_created(app: FastAPI) -> None:
    from fastjango.rest._schema import drop_unsent_validation_errors

    drop_unsent_validation_errors(app)


@hookimpl
async def fastjango_shutdown() -> None:
    try:
        from fastjango.rest.throttling import close_throttle_stores
    except ImportError:  # pragma: no cover - throttling not installed in a partial checkout
        return
    await close_throttle_stores()
