"""How a class-based view becomes FastAPI routes: a fast handler, and a signature for OpenAPI only.

FastAPI would solve dependencies and validate the response of every request;
an API view does its own parsing, checks and rendering, so its route skips
that machinery. The route still carries a full signature (path, query and
body parameters) and a response model, so OpenAPI and /docs describe it
exactly.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from fastapi.datastructures import DefaultPlaceholder
from fastapi.routing import APIRoute
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse
from starlette.responses import Response as StarletteResponse
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

__all__ = ["APIViewRoute", "ViewEndpoint", "view_endpoint"]

_ANY_PATH_PARAMS = inspect.Signature([inspect.Parameter("path_params", inspect.Parameter.VAR_KEYWORD)])


class ViewEndpoint:
    """The endpoint of one route of a class-based view: its class, the action per method, init arguments."""

    def __init__(
        self,
        view_class: type[Any],
        actions: Mapping[str, str],
        initkwargs: Mapping[str, Any],
        *,
        detail: bool | None,
        basename: str | None = None,
        route_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        self.view_class = view_class
        self.actions = {method.lower(): action for method, action in actions.items()}
        #: Every method of this URL, when a router gives each method an endpoint of its own (for ``Allow``).
        self.url_actions: dict[str, str] = {}
        self.initkwargs = dict(initkwargs)
        self.detail = detail
        self.basename = basename
        self.is_viewset = bool(getattr(view_class, "is_viewset", False))
        #: ``@action(..., serializer_class=...)`` attribute overrides, per action.
        self.overrides = (
            {action: view_class.action_kwargs(action) for action in set(self.actions.values())}
            if self.is_viewset
            else {}
        )
        self.__signature__ = _ANY_PATH_PARAMS
        self.__name__ = view_class.__name__
        self.__qualname__ = view_class.__qualname__
        self.__module__ = view_class.__module__
        # A viewset's docstring describes the resource, not each action's operation.
        self.__doc__ = None if self.is_viewset else view_class.__doc__
        methods = [method.upper() for method in self.actions if method != "options"]
        self.fastjango_route_defaults: dict[str, Any] = {
            "methods": methods,
            "route_class_override": APIViewRoute,
            "separate_methods": True,
            **(route_kwargs or {}),
        }

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{self.__name__} is served through its route, not called directly.")

    def make_view(self, action: str | None) -> Any:
        view = self.view_class(**self.initkwargs)
        if self.is_viewset:
            view.action_map = self.actions
            view.basename = self.basename
            view.detail = self.detail
        if action is not None:
            view.action = action
            for key, value in self.overrides.get(action, {}).items():
                setattr(view, key, value)
        return view

    @property
    def allowed_methods(self) -> list[str]:
        """What the ``Allow`` header lists: the URL's methods, HEAD with GET, and OPTIONS."""
        actions = self.url_actions or self.actions
        methods = {method.upper() for method in actions} | {"OPTIONS"}
        if "get" in actions:
            methods.add("HEAD")
        return sorted(methods)

    async def handle(self, request: StarletteRequest) -> StarletteResponse:
        method = request.method.lower()
        action = self.actions.get(method)
        if action is None and method == "head":
            action = self.actions.get("get")
        if action is None and method == "options":
            # Through dispatch, so authentication, permissions and throttles apply (the "metadata" action, as DRF).
            view = self.make_view("metadata" if self.is_viewset else None)
            response: StarletteResponse = await view.dispatch(request, "options")
            response.headers["Allow"] = ", ".join(self.allowed_methods)
            return response
        if action is None:
            return JSONResponse(
                {"detail": f'Method "{request.method}" not allowed.'},
                status_code=405,
                headers={"Allow": ", ".join(self.allowed_methods)},
            )
        view = self.make_view(action if self.is_viewset else self.view_class.method_actions.get(action))
        answer: StarletteResponse = await view.dispatch(request, action)
        return answer


def view_endpoint(
    view_class: type[Any],
    actions: Mapping[str, str],
    initkwargs: Mapping[str, Any],
    *,
    detail: bool | None,
    basename: str | None = None,
    route_kwargs: Mapping[str, Any] | None = None,
) -> ViewEndpoint:
    """An endpoint for ``path()`` or a router: ``actions`` maps HTTP methods to handler names."""
    return ViewEndpoint(view_class, actions, initkwargs, detail=detail, basename=basename, route_kwargs=route_kwargs)


def _unset(value: Any) -> bool:
    # ``add_api_route`` turns an omitted ``responses``/``tags`` into ``{}``/``[]``.
    return value is None or isinstance(value, DefaultPlaceholder) or value == [] or value == {}


class APIViewRoute(APIRoute):
    """A FastAPI route that serves an API view directly and describes it in OpenAPI."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        if isinstance(endpoint, ViewEndpoint):
            from fastjango.rest._schema import route_schema

            schema = route_schema(endpoint, path, list(kwargs.get("methods") or []))
            endpoint.__signature__ = schema.signature
            for key, value in schema.options.items():
                if _unset(kwargs.get(key)):
                    kwargs[key] = value
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Any:
        if isinstance(self.endpoint, ViewEndpoint):
            return self.endpoint.handle
        return super().get_route_handler()

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """HEAD is served by the GET route, OPTIONS by any (neither is an operation of its own in OpenAPI)."""
        match, child = super().matches(scope)
        if match is Match.PARTIAL and isinstance(self.endpoint, ViewEndpoint):
            method = scope.get("method")
            if method == "OPTIONS" or (method == "HEAD" and "GET" in (self.methods or ())):
                return Match.FULL, child
        return match, child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if isinstance(self.endpoint, ViewEndpoint):
            # The view answers every method it gets: its own, HEAD and OPTIONS (see matches()), and a
            # JSON 405 listing the URL's methods for the others (the router hands those to a partial match).
            await self.app(scope, receive, send)
            return
        await super().handle(scope, receive, send)
