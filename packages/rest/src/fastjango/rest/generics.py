"""``GenericAPIView``: a queryset, a serializer, filtering, pagination and object lookup for API views.

Handlers are async by default, so the database helpers come in pairs:
``await self.aget_object()`` / ``self.get_object()`` and
``await self.apaginate_queryset(qs)`` / ``self.paginate_queryset(qs)``; the
sync ones are for plain ``def`` handlers, which run in a worker thread.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel
from starlette.responses import Response as StarletteResponse

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import MultipleObjectsReturned, ObjectDoesNotExist
from fastjango.rest import mixins
from fastjango.rest.exceptions import NotFound
from fastjango.rest.serializers import Serializer, as_serializer
from fastjango.rest.serializers._related import related_lookups
from fastjango.rest.settings import api_settings
from fastjango.rest.views import DEFAULT, APIView

__all__ = [
    "CreateAPIView",
    "DestroyAPIView",
    "GenericAPIView",
    "ListAPIView",
    "ListCreateAPIView",
    "RetrieveAPIView",
    "RetrieveDestroyAPIView",
    "RetrieveUpdateAPIView",
    "RetrieveUpdateDestroyAPIView",
    "UpdateAPIView",
    "get_object_or_404",
    "lookup_path_value",
]

_SERIALIZERS: dict[type[BaseModel], type[Serializer]] = {}


def _lookup_value(model: Any, field_name: str, raw: Any) -> Any:
    """The URL's lookup value as the field's Python type; a value that cannot be one is a 404, not a 500."""
    try:
        field = model._meta.get_field(field_name)
    except Exception:
        return raw
    try:
        value = field.to_python(raw)
    except Exception:
        raise NotFound() from None
    low_high = getattr(field, "range", None)
    if low_high is not None and isinstance(value, int) and not low_high[0] <= value <= low_high[1]:
        raise NotFound()
    return value


def lookup_path_value(model: Any, lookup: str, raw: Any) -> Any:
    """``raw`` converted for ``lookup`` (``"post__author__pk"``): the last field's type, through relations.

    A value that cannot be that type is a 404: it comes from the URL.
    """
    *relations, last = lookup.split("__")
    current = model
    for name in relations:
        try:
            field = current._meta.get_field(name)
        except Exception:
            return raw
        target = getattr(field, "remote_model", None) or getattr(field, "related_model", None)
        if target is None:
            return raw
        current = target
    return _lookup_value(current, last, raw)


async def get_object_or_404(queryset: Any, **filters: Any) -> Any:
    """``await queryset.aget(**filters)``, with a missing object (or a malformed key) as a 404."""
    model = queryset.model
    converted = {key: lookup_path_value(model, key, value) for key, value in filters.items()}
    try:
        return await queryset.aget(**converted)
    except (ObjectDoesNotExist, MultipleObjectsReturned):
        raise NotFound() from None


class GenericAPIView(APIView):
    """An API view over a queryset: DRF's ``GenericAPIView``."""

    queryset: Any = None
    serializer_class: Any = None
    lookup_field: str = "pk"
    lookup_url_kwarg: str | None = None
    filter_backends: Sequence[Any] | None = None
    pagination_class: Any = DEFAULT
    filterset_fields: Any = None
    filterset_class: Any = None
    search_fields: Sequence[str] | None = None
    ordering_fields: Any = None
    ordering: Any = None
    #: Load the relations the serializer's output reads along with the rows (see ``with_output_relations``).
    load_output_relations: bool = True

    # ------------------------------------------------------------------ queryset and object
    def get_queryset(self) -> Any:
        """A fresh copy of ``queryset`` per request; override to narrow it (``self.request.user``, ...)."""
        if self.queryset is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a `queryset` attribute or a `get_queryset()` method."
            )
        return self.queryset.all()

    def _lookup_filter(self) -> dict[str, Any]:
        kwarg = self.lookup_url_kwarg or self.lookup_field
        if kwarg not in self.kwargs:
            raise ImproperlyConfigured(
                f"{type(self).__name__} looks objects up by the URL parameter {kwarg!r}, which its route does not "
                f"capture (it has {sorted(self.kwargs) or 'none'}); set `lookup_field` or `lookup_url_kwarg`."
            )
        return {self.lookup_field: self.kwargs[kwarg]}

    def with_output_relations(self, queryset: Any) -> Any:
        """``queryset`` loading the relations the serializer's output reads (async views cannot load them lazily).

        Override (or set ``load_output_relations = False``) to load them yourself.
        """
        if not self.load_output_relations:
            return queryset
        try:
            serializer_class = self.get_serializer_class()
        except ImproperlyConfigured:
            return queryset
        select, prefetch = related_lookups(serializer_class) if hasattr(serializer_class, "_fields") else ((), ())
        if select:
            queryset = queryset.select_related(*select)
        if prefetch:
            queryset = queryset.prefetch_related(*prefetch)
        return queryset

    async def aget_object(self) -> Any:
        """The object the URL names, filtered like the list and checked against object permissions."""
        queryset = self.with_output_relations(self.filter_queryset(self.get_queryset()))
        obj = await get_object_or_404(queryset, **self._lookup_filter())
        await self.check_object_permissions(self.request, obj)
        return obj

    def get_object(self) -> Any:
        """``aget_object()`` for plain ``def`` handlers (they run in a worker thread)."""
        queryset = self.with_output_relations(self.filter_queryset(self.get_queryset()))
        filters = self._lookup_filter()
        converted = {key: lookup_path_value(queryset.model, key, value) for key, value in filters.items()}
        try:
            obj = queryset.get(**converted)
        except (ObjectDoesNotExist, MultipleObjectsReturned):
            raise NotFound() from None
        _run_sync_permissions(self, obj)
        return obj

    # ------------------------------------------------------------------ serializers
    def get_serializer_class(self) -> type[Serializer]:
        """``serializer_class``; a plain Pydantic model is accepted and wrapped."""
        serializer_class = self.serializer_class
        if serializer_class is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a `serializer_class` attribute or a `get_serializer_class()` method."
            )
        return _as_serializer_class(serializer_class)

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": getattr(self, "request", None), "view": self, "format": None}

    def get_serializer(self, *args: Any, **kwargs: Any) -> Serializer:
        serializer_class = self.get_serializer_class()
        kwargs.setdefault("context", self.get_serializer_context())
        return serializer_class(*args, **kwargs)

    # ------------------------------------------------------------------ filtering and pagination
    def get_filter_backends(self) -> Sequence[Any]:
        backends: Sequence[Any] = (
            api_settings().DEFAULT_FILTER_BACKENDS if self.filter_backends is None else self.filter_backends
        )
        return backends

    def filter_queryset(self, queryset: Any) -> Any:
        for backend in self.get_filter_backends():
            queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    def get_pagination_class(self) -> Any:
        return api_settings().DEFAULT_PAGINATION_CLASS if self.pagination_class is DEFAULT else self.pagination_class

    @property
    def paginator(self) -> Any:
        """The pagination instance of this request, or ``None`` when the view is not paginated."""
        if not hasattr(self, "_paginator"):
            pagination_class = self.get_pagination_class()
            self._paginator = None if pagination_class is None else pagination_class()
        return self._paginator

    async def apaginate_queryset(self, queryset: Any) -> list[Any] | None:
        paginator = self.paginator
        if paginator is None:
            return None
        return await paginator.apaginate_queryset(queryset, self.request, view=self)  # type: ignore[no-any-return]

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        paginator = self.paginator
        if paginator is None:
            return None
        return paginator.paginate_queryset(queryset, self.request, view=self)  # type: ignore[no-any-return]

    def get_paginated_response(self, data: Any) -> StarletteResponse:
        return self.paginator.get_paginated_response(data)  # type: ignore[no-any-return]


def _as_serializer_class(serializer_class: Any) -> type[Serializer]:
    if isinstance(serializer_class, type) and issubclass(serializer_class, BaseModel):
        wrapped = _SERIALIZERS.get(serializer_class)
        if wrapped is None:
            wrapped = _SERIALIZERS[serializer_class] = as_serializer(serializer_class)
        return wrapped
    return serializer_class  # type: ignore[no-any-return]


def _run_sync_permissions(view: GenericAPIView, obj: Any) -> None:
    for permission in view.get_permissions():
        allowed = permission.has_object_permission(view.request, view, obj)
        if inspect.isawaitable(allowed):
            if inspect.iscoroutine(allowed):
                allowed.close()
            raise ImproperlyConfigured(
                f"{type(permission).__name__}.has_object_permission is async; use `await self.aget_object()` "
                "in an async handler."
            )
        if not allowed:
            view.permission_denied(
                view.request, message=getattr(permission, "message", None), code=getattr(permission, "code", None)
            )


class CreateAPIView(mixins.CreateModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"post": "create"}

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.create(request, *args, **kwargs)


class ListAPIView(mixins.ListModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"get": "list"}

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.list(request, *args, **kwargs)


class RetrieveAPIView(mixins.RetrieveModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"get": "retrieve"}

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.retrieve(request, *args, **kwargs)


class DestroyAPIView(mixins.DestroyModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"delete": "destroy"}

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.destroy(request, *args, **kwargs)


class UpdateAPIView(mixins.UpdateModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"put": "update", "patch": "partial_update"}

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.partial_update(request, *args, **kwargs)


class ListCreateAPIView(mixins.ListModelMixin, mixins.CreateModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"get": "list", "post": "create"}

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.list(request, *args, **kwargs)

    async def post(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.create(request, *args, **kwargs)


class RetrieveUpdateAPIView(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"get": "retrieve", "put": "update", "patch": "partial_update"}

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.retrieve(request, *args, **kwargs)

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.partial_update(request, *args, **kwargs)


class RetrieveDestroyAPIView(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, GenericAPIView):
    method_actions: ClassVar[Mapping[str, str]] = {"get": "retrieve", "delete": "destroy"}

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.retrieve(request, *args, **kwargs)

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.destroy(request, *args, **kwargs)


class RetrieveUpdateDestroyAPIView(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, GenericAPIView
):
    method_actions: ClassVar[Mapping[str, str]] = {
        "get": "retrieve",
        "put": "update",
        "patch": "partial_update",
        "delete": "destroy",
    }

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.retrieve(request, *args, **kwargs)

    async def put(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.update(request, *args, **kwargs)

    async def patch(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.partial_update(request, *args, **kwargs)

    async def delete(self, request: Any, *args: Any, **kwargs: Any) -> StarletteResponse:
        return await self.destroy(request, *args, **kwargs)
