"""``APIView``: DRF's class-based view, served as FastAPI routes.

A request goes through, in order: versioning, authentication (lazy unless
an authentication class is async), permissions, throttles, body parsing,
then the handler (``async def`` awaited; plain ``def`` run in a worker
thread so the event loop never blocks). Any exception on the way goes to
:meth:`APIView.handle_exception` and the ``EXCEPTION_HANDLER`` setting, so
clients get a JSON error with the right status rather than a 500.

.. code-block:: python

    class Hello(APIView):
        async def get(self, request):
            return Response({"hello": request.query_params.get("name", "world")})

    urlpatterns = [path("hello/", Hello.as_view(), name="hello")]
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response as StarletteResponse

from fastjango.orm import IntegrityError, ObjectDoesNotExist, ProtectedError, RestrictedError
from fastjango.rest import exceptions
from fastjango.rest.request import Request
from fastjango.rest.response import Response
from fastjango.rest.serializers._errors import NON_FIELD_ERRORS, ValidationError
from fastjango.rest.settings import api_settings

__all__ = ["DEFAULT", "APIView", "exception_handler"]

logger = logging.getLogger("fastjango.rest")

#: "Take this from the ``REST_FRAMEWORK`` setting" for class attributes whose ``None`` means something.
DEFAULT: Any = type("DEFAULT", (), {"__repr__": lambda self: "DEFAULT"})()

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> StarletteResponse | None:
    """The default ``EXCEPTION_HANDLER``: API errors and missing objects as JSON; ``None`` lets others through.

    Returning ``None`` re-raises the exception, which becomes a plain 500
    (with the traceback only under ``DEBUG``).
    """
    if isinstance(exc, ValidationError):
        detail = exc.detail
        key = api_settings().NON_FIELD_ERRORS_KEY
        if isinstance(detail, dict) and key != NON_FIELD_ERRORS and NON_FIELD_ERRORS in detail:
            detail = {key if name == NON_FIELD_ERRORS else name: value for name, value in detail.items()}
        return Response(detail, status=400)
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        return Response(
            {"detail": "This object cannot be deleted while other objects refer to it.", "code": "protected"},
            status=409,
        )
    elif isinstance(exc, IntegrityError):
        # A race past the serializer's unique checks; the database's message may hold data, so it is logged only.
        logger.warning("Integrity error turned into 409 Conflict: %s", exc)
        return Response({"detail": "The request conflicts with existing data.", "code": "conflict"}, status=409)
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, (dict, list)) else {"detail": exc.detail}
        return Response(detail, status=exc.status_code, headers=exc.headers())
    return None


def _classes(value: Any, setting: str) -> Sequence[Any]:
    found: Sequence[Any] = getattr(api_settings(), setting) if value is None else value
    return found


class APIView:
    """Base of API views: a method per HTTP verb (``get``, ``post``, ...), sync or async."""

    authentication_classes: Sequence[Any] | None = None
    permission_classes: Sequence[Any] | None = None
    throttle_classes: Sequence[Any] | None = None
    versioning_class: Any = DEFAULT
    #: Query parameters this view reads besides those its filter backends and paginator declare.
    extra_query_params: Sequence[str] = ()
    #: Refuse undeclared query parameters on list endpoints with a 400 naming them (DRF ignores them).
    strict_query_params: bool = True
    #: OpenAPI tags of this view's routes (the router's basename when unset).
    schema_tags: Sequence[str] | None = None
    #: The handler methods routed. HEAD is answered by ``get`` and OPTIONS by :meth:`options`, on every route
    #: of the view (neither is an OpenAPI operation); CORS preflights are the CORS middleware's.
    http_method_names: ClassVar[Sequence[str]] = ("get", "post", "put", "patch", "delete")

    request: Request
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    action: str | None = None
    #: For views that are not viewsets: the action each HTTP method performs (``{"get": "list"}``).
    method_actions: ClassVar[Mapping[str, str]] = {}

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)
        self.headers: dict[str, str] = {}

    async def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """``OPTIONS``: what this view is (DRF's metadata without the per-field ``actions``; see the OpenAPI
        schema for the fields). It passes the view's authentication, permissions and throttles like any method."""
        name = re.sub(r"(ViewSet|APIView|View)$", "", type(self).__name__) or type(self).__name__
        name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
        detail = getattr(self, "detail", None)
        if getattr(self, "is_viewset", False) and detail is not None:
            name = f"{name} {'Instance' if detail else 'List'}"
        return Response(
            {
                "name": name,
                "description": inspect.cleandoc(type(self).__doc__ or ""),  # its own, not a base class's
                "renders": ["application/json"],
                "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
            }
        )

    # ------------------------------------------------------------------ policies
    def get_authenticators(self) -> list[Any]:
        return [cls() for cls in _classes(self.authentication_classes, "DEFAULT_AUTHENTICATION_CLASSES")]

    def get_permissions(self) -> list[Any]:
        return [cls() for cls in _classes(self.permission_classes, "DEFAULT_PERMISSION_CLASSES")]

    def get_throttles(self) -> list[Any]:
        return [cls() for cls in _classes(self.throttle_classes, "DEFAULT_THROTTLE_CLASSES")]

    def get_versioning_class(self) -> Any:
        if self.versioning_class is DEFAULT:
            return api_settings().DEFAULT_VERSIONING_CLASS
        return self.versioning_class

    def get_exception_handler(self) -> Callable[[Exception, Mapping[str, Any]], StarletteResponse | None]:
        return api_settings().EXCEPTION_HANDLER  # type: ignore[no-any-return]

    def get_exception_handler_context(self) -> dict[str, Any]:
        return {
            "view": self,
            "args": getattr(self, "args", ()),
            "kwargs": getattr(self, "kwargs", {}),
            "request": getattr(self, "request", None),
        }

    # ------------------------------------------------------------------ checks
    def permission_denied(self, request: Request, message: str | None = None, code: str | None = None) -> None:
        """Refuse: 401/403 ``NotAuthenticated`` when nobody logged in and some scheme could, else 403."""
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated()
        raise exceptions.PermissionDenied(detail=message, code=code)

    async def check_permissions(self, request: Request) -> None:
        for permission in self.get_permissions():
            allowed = permission.has_permission(request, self)
            if inspect.isawaitable(allowed):
                allowed = await allowed
            if not allowed:
                self.permission_denied(
                    request, message=getattr(permission, "message", None), code=getattr(permission, "code", None)
                )

    async def check_object_permissions(self, request: Request, obj: Any) -> None:
        for permission in self.get_permissions():
            allowed = permission.has_object_permission(request, self, obj)
            if inspect.isawaitable(allowed):
                allowed = await allowed
            if not allowed:
                self.permission_denied(
                    request, message=getattr(permission, "message", None), code=getattr(permission, "code", None)
                )

    async def check_throttles(self, request: Request) -> None:
        refused = False
        waits: list[float] = []
        for throttle in self.get_throttles():
            allowed = throttle.allow_request(request, self)
            if inspect.isawaitable(allowed):
                allowed = await allowed
            if not allowed:
                refused = True
                wait = throttle.wait()
                if wait is not None:
                    waits.append(wait)
        if refused:
            raise exceptions.Throttled(wait=max(waits) if waits else None)

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> tuple[str | None, Any]:
        versioning_class = self.get_versioning_class()
        if versioning_class is None:
            return None, None
        scheme = versioning_class()
        return scheme.determine_version(request, *args, **kwargs), scheme

    def check_query_params(self, request: Request) -> None:
        """On list endpoints, refuse query parameters nothing declared (typos would silently match everything)."""
        if not self.strict_query_params:
            return
        from fastjango.rest._schema import allowed_query_params

        allowed = allowed_query_params(self)
        unknown = [name for name in request.query_params if name not in allowed]
        if unknown:
            accepted = ", ".join(sorted(allowed)) or "none"
            raise ValidationError(
                {name: [f"Unknown query parameter. This endpoint accepts: {accepted}."] for name in unknown}
            )

    async def initial(self, request: Request) -> None:
        """Everything before the handler: version, authentication, permissions, throttles, query parameters."""
        request.version, request.versioning_scheme = self.determine_version(request, *self.args, **self.kwargs)
        if any(inspect.iscoroutinefunction(getattr(a, "authenticate", None)) for a in request.authenticators):
            await request.aauthenticate()
        await self.check_permissions(request)
        await self.check_throttles(request)
        if self.action == "list":
            self.check_query_params(request)

    # ------------------------------------------------------------------ serving
    def initialize_request(self, request: StarletteRequest) -> Request:
        return Request(request, authenticators=self.get_authenticators())

    async def dispatch(self, request: StarletteRequest, handler_name: str) -> StarletteResponse:
        """Serve one request with the handler method ``handler_name`` (the verb, or a viewset action)."""
        self.args = ()
        self.kwargs = kwargs = dict(request.path_params)
        self.request = api_request = self.initialize_request(request)
        try:
            await self.initial(api_request)
            if request.method in _BODY_METHODS:
                await api_request.aload_data()
            handler = getattr(self, handler_name)
            if inspect.iscoroutinefunction(handler):
                response = await handler(api_request, **kwargs)
            else:
                response = await run_in_threadpool(handler, api_request, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        return self.finalize_response(api_request, response)

    def handle_exception(self, exc: Exception) -> StarletteResponse:
        """Turn ``exc`` into a response through ``EXCEPTION_HANDLER``, or re-raise it (a real 500)."""
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            header = self._authenticate_header()
            if header:
                response = self.get_exception_handler()(exc, self.get_exception_handler_context())
                if response is not None:
                    response.headers["WWW-Authenticate"] = header
                    return response
            else:
                exc.status_code = 403
        response = self.get_exception_handler()(exc, self.get_exception_handler_context())
        if response is None:
            raise exc
        return response

    def _authenticate_header(self) -> str | None:
        request = getattr(self, "request", None)
        for authenticator in getattr(request, "authenticators", ()):
            header = authenticator.authenticate_header(request)
            if header:
                return str(header)
        return None

    def finalize_response(self, request: Request, result: Any) -> StarletteResponse:
        """Accept what handlers return: a response, or data (dict, list, Pydantic model) for a 200."""
        response: StarletteResponse
        if isinstance(result, StarletteResponse):
            response = result
        elif isinstance(result, BaseModel):
            response = Response(result.model_dump(mode="json", by_alias=True))
        else:
            response = Response(result)
        if self.headers:
            for key, value in self.headers.items():
                response.headers[key] = value
        scheme = request.versioning_scheme
        if scheme is not None and request.version is not None:
            vary = response.headers.get("Vary")
            if getattr(scheme, "vary_on", None) and (not vary or "Accept" not in vary):
                response.headers["Vary"] = f"{vary}, Accept" if vary else "Accept"
        return response

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """The endpoint to give ``path()``: one route for every verb the class handles."""
        from fastjango.rest._routing import view_endpoint

        for key in initkwargs:
            if key in cls.http_method_names:
                raise TypeError(f"{cls.__name__}.as_view() got the method name {key!r} as an argument.")
            if not hasattr(cls, key):
                raise TypeError(f"{cls.__name__}.as_view() got {key!r}, which is not an attribute of the class.")
        methods = {name: name for name in cls.http_method_names if hasattr(cls, name)}
        return view_endpoint(cls, methods, initkwargs, detail=None)
