"""OpenAPI for API views: the signature, response model and responses FastAPI documents for each route.

FastAPI reads a route's parameters from its endpoint's signature. API views
do not take their inputs as parameters, so a signature is made for the
schema alone: path parameters typed from the model, the query parameters
that the filter backends and paginator declare, the serializer's input model
as the body, and its output model (or the paginated envelope) as the
response.
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Body, Path, Query, Security
from pydantic import BaseModel, Field, RootModel
from starlette.responses import Response as StarletteResponse

from fastjango.rest.schemas import QueryParameter

__all__ = [
    "ErrorResponse",
    "FieldErrorsResponse",
    "RouteSchema",
    "allowed_query_params",
    "query_parameters",
    "route_schema",
]

logger = logging.getLogger("fastjango.rest")

_PATH_PARAMETER = re.compile(r"{([^}:]+)(?::[^}]+)?}")
_WRITE_ACTIONS = {"create": "input", "update": "input", "partial_update": "partial"}
_SUMMARIES = {
    "list": "List {plural}",
    "create": "Create a {singular}",
    "retrieve": "Get a {singular}",
    "update": "Replace a {singular}",
    "partial_update": "Update a {singular}",
    "destroy": "Delete a {singular}",
}


class ErrorResponse(BaseModel):
    """An error that is not about one field: ``{"detail": "..."}``."""

    detail: str = Field(description="What went wrong, in words.")


class FieldErrorsResponse(RootModel[dict[str, Any]]):
    """Validation errors by field (``non_field_errors`` for the rest), each a list of messages."""


@dataclass
class RouteSchema:
    signature: inspect.Signature
    options: dict[str, Any]


def query_parameters(view: Any) -> list[QueryParameter]:
    """The query parameters of ``view``'s current action: filters, search, ordering and pagination."""
    params: list[QueryParameter] = []
    if getattr(view, "action", None) != "list":
        return params
    get_backends = getattr(view, "get_filter_backends", None)
    if get_backends is not None:
        for backend in get_backends():
            declare = getattr(backend(), "get_schema_parameters", None)
            if declare is not None:
                params.extend(declare(view))
    paginator = getattr(view, "paginator", None)
    if paginator is not None and hasattr(paginator, "get_schema_parameters"):
        params.extend(paginator.get_schema_parameters(view))
    return params


_allowed_cache: dict[tuple[type[Any], Any, int], frozenset[str]] = {}


def allowed_query_params(view: Any) -> frozenset[str]:
    """The names a list request may use (cached per view class and ``REST_FRAMEWORK`` value)."""
    from fastjango.rest.settings import api_settings

    settings = api_settings()
    key = (type(view), getattr(view, "action", None), id(settings))
    found = _allowed_cache.get(key)
    if found is None:
        names = {parameter.name for parameter in query_parameters(view)}
        names.update(view.extra_query_params)
        scheme = view.get_versioning_class()
        if scheme is not None and getattr(scheme, "version_param_in_query", False):
            names.add(getattr(scheme, "version_param", None) or settings.VERSION_PARAM)
        found = _allowed_cache[key] = frozenset(names)
        if len(_allowed_cache) > 4096:  # settings changed many times (tests): start again
            _allowed_cache.clear()
    return found


def _python_name(name: str, taken: set[str]) -> str:
    candidate = re.sub(r"\W", "_", name)
    if not candidate.isidentifier() or candidate in taken:
        candidate = f"param_{len(taken)}"
    taken.add(candidate)
    return candidate


def _path_type(view: Any, name: str) -> Any:
    from fastjango.rest.serializers._mapping import python_type_of

    queryset = getattr(view, "queryset", None)
    model = getattr(queryset, "model", None)
    if model is None:
        return str
    lookup_kwarg = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    field_name: str | None = None
    if name == lookup_kwarg:
        field_name = getattr(view, "lookup_field", "pk")
    else:
        parents = getattr(view, "parent_lookup_kwargs", {}) or {}
        lookup = parents.get(name)
        if lookup:
            first, _, rest = lookup.partition("__")
            try:
                model = model._meta.get_field(first).remote_model
            except Exception:
                return str
            field_name = rest or "pk"
    if field_name is None or "__" in field_name:
        return str
    try:
        return python_type_of(model._meta.get_field(field_name))
    except Exception:
        return str


def _serializer(view: Any) -> Any:
    try:
        return view.get_serializer_class()
    except Exception as error:
        logger.debug("No serializer in the schema of %s: %s", type(view).__name__, error)
        return None


def _names(view: Any) -> tuple[str, str]:
    model = getattr(getattr(view, "queryset", None), "model", None)
    if model is None:
        name = getattr(view, "basename", None) or type(view).__name__
        return str(name), str(name)
    meta = model._meta
    singular = str(getattr(meta, "verbose_name", meta.model_name))
    plural = str(getattr(meta, "verbose_name_plural", singular + "s"))
    return singular, plural


def _challenges(authentication_classes: Any) -> bool:
    """Whether a refusal is a 401: the first authentication class sends a ``WWW-Authenticate`` challenge."""
    for authentication in list(authentication_classes)[:1]:
        try:
            return bool(authentication().authenticate_header(None))
        except Exception:  # a challenge that needs a real request: assume one
            return True
    return False


def _security_schemes(authentication_classes: Any) -> list[Any]:
    """The OpenAPI security schemes the authentication classes declare (``openapi_security``), once each."""
    schemes: list[Any] = []
    for authentication in authentication_classes:
        scheme = getattr(authentication, "openapi_security", None)
        if scheme is not None and all(scheme is not known for known in schemes):
            schemes.append(scheme)
    return schemes


def route_schema(endpoint: Any, path: str, methods: list[str]) -> RouteSchema:
    """The signature and route options that describe one route of an API view."""
    method = (methods[0] if methods else "GET").lower()
    action = endpoint.actions.get(method)
    view_action = action if endpoint.is_viewset else endpoint.view_class.method_actions.get(action)
    view = endpoint.make_view(view_action)
    view.request = None
    view.kwargs = {}
    view.args = ()
    parameters: list[inspect.Parameter] = []
    taken: set[str] = set()
    keyword = inspect.Parameter.KEYWORD_ONLY
    for name in _PATH_PARAMETER.findall(path):
        annotation = _path_type(view, name)
        parameters.append(inspect.Parameter(name, keyword, annotation=Annotated[annotation, Path()]))
        taken.add(name)
    options: dict[str, Any] = {}
    responses: dict[int | str, dict[str, Any]] = {}
    try:
        query = query_parameters(view)
    except Exception as error:
        logger.warning("Query parameters of %s could not be described: %s", type(view).__name__, error)
        query = []
    for parameter in query:
        annotation = parameter.annotation if parameter.required else parameter.annotation | None
        marker = Query(alias=parameter.name, description=parameter.description)
        parameters.append(
            inspect.Parameter(
                _python_name(parameter.name, taken),
                keyword,
                annotation=Annotated[annotation, marker],
                default=inspect.Parameter.empty if parameter.required else parameter.default,
            )
        )
    if query:
        responses[400] = {"model": FieldErrorsResponse, "description": "A query parameter is malformed or unknown."}
    serializer = _serializer(view) if hasattr(view, "get_serializer_class") else None
    kind = _WRITE_ACTIONS.get(view_action or "")
    if kind is None and method in {"post", "put", "patch"} and endpoint.is_viewset and action not in _SUMMARIES:
        kind = "partial" if method == "patch" else "input"
        if "serializer_class" not in endpoint.overrides.get(action, {}):
            kind = None
    if serializer is not None and kind is not None:
        model = serializer.partial_model if kind == "partial" else serializer.input_model
        parameters.append(inspect.Parameter(_python_name("body", taken), keyword, annotation=Annotated[model, Body()]))
        responses[400] = {"model": FieldErrorsResponse, "description": "The body is malformed or invalid."}
    if serializer is not None and view_action in {"retrieve", "create", "update", "partial_update"}:
        options["response_model"] = serializer.output_model
    elif serializer is not None and view_action == "list":
        paginator = getattr(view, "paginator", None)
        describe = getattr(paginator, "get_paginated_response_model", None)
        options["response_model"] = describe(serializer.output_model) if describe else list[serializer.output_model]  # type: ignore[name-defined]
    elif serializer is not None and endpoint.is_viewset and "serializer_class" in endpoint.overrides.get(action, {}):
        options["response_model"] = serializer.output_model
    if view_action == "create":
        options["status_code"] = 201
    elif view_action == "destroy":
        options["status_code"] = 204
        options["response_class"] = StarletteResponse  # no body, no JSON content in the schema
    if "{" in path:
        responses[404] = {"model": ErrorResponse, "description": "No such object."}
    elif view_action == "list" and getattr(view, "paginator", None) is not None:
        responses[404] = {"model": ErrorResponse, "description": "No such page (or a cursor that is not valid)."}
    response_model = endpoint.overrides.get(action, {}).get("response_model") if endpoint.is_viewset else None
    if response_model is not None:
        options["response_model"] = response_model
    from fastjango.rest.settings import api_settings

    settings = api_settings()
    permission_classes = view.permission_classes
    if permission_classes is None:
        permission_classes = settings.DEFAULT_PERMISSION_CLASSES
    authentication_classes = view.authentication_classes
    if authentication_classes is None:
        authentication_classes = settings.DEFAULT_AUTHENTICATION_CLASSES
    guarded = any(getattr(p, "__name__", "") != "AllowAny" for p in permission_classes)
    if guarded:
        responses[403] = {"model": ErrorResponse, "description": "Not allowed (or not logged in)."}
        if _challenges(authentication_classes):
            responses[401] = {"model": ErrorResponse, "description": "No credentials, or credentials not accepted."}
    for scheme in _security_schemes(authentication_classes):
        # Documentation only (the route does not solve dependencies): the scheme Swagger UI's Authorize fills in.
        name = _python_name(f"security_{len(taken)}", taken)
        taken.add(name)
        parameters.append(inspect.Parameter(name, keyword, annotation=Annotated[Any, Security(scheme)], default=None))
    throttle_classes = view.throttle_classes
    if throttle_classes is None:
        throttle_classes = settings.DEFAULT_THROTTLE_CLASSES
    if throttle_classes:
        responses[429] = {"model": ErrorResponse, "description": "Too many requests; see Retry-After."}
    options["responses"] = responses
    basename = getattr(view, "basename", None)
    tags = view.schema_tags if view.schema_tags is not None else ([basename] if basename else None)
    if tags:
        options["tags"] = list(tags)
    handler = getattr(view, action or "", None)
    doc = inspect.getdoc(handler) if handler is not None and not _inherited_doc(view, action) else None
    singular, plural = _names(view)
    template = _SUMMARIES.get(view_action or "")
    if doc:
        first, _, rest = doc.partition("\n")
        options["summary"] = first.strip()
        if rest.strip():
            options["description"] = rest.strip()
    elif template:
        options["summary"] = template.format(singular=singular, plural=plural)
    elif endpoint.is_viewset and action:
        options["summary"] = f"{action.replace('_', ' ').capitalize()} ({singular if endpoint.detail else plural})"
    return RouteSchema(inspect.Signature(parameters), options)


def _inherited_doc(view: Any, action: str | None) -> bool:
    """Whether the handler is one of the library's mixin methods (their docstrings are not API docs)."""
    handler = getattr(type(view), action or "", None)
    return getattr(handler, "__module__", None) in _LIBRARY_HANDLER_MODULES


#: Modules whose handler methods are the library's own (their docstrings describe the library, not the API).
_LIBRARY_HANDLER_MODULES = frozenset({"fastjango.rest.mixins", "fastjango.rest.generics", "fastjango.rest.views"})


def drop_unsent_validation_errors(app: Any) -> None:
    """Remove FastAPI's automatic 422 from API views' operations: their bad input is a 400 (documented).

    FastAPI adds a 422 to every operation with parameters; API views parse
    and validate themselves, so listing it would describe a response that is
    never sent (and schema-driven clients and fuzzers would expect it).
    """
    from fastjango.rest._routing import APIViewRoute

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema  # type: ignore[no-any-return]
        schema: dict[str, Any] = build()
        paths = schema.get("paths", {})
        for route in app.routes:
            if isinstance(route, APIViewRoute):
                for method in route.methods or ():
                    operation = paths.get(route.path_format, {}).get(method.lower())
                    if operation is not None:
                        operation.get("responses", {}).pop("422", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
