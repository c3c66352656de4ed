"""The model actions of generic views and viewsets: list, create, retrieve, update, destroy.

They are ``async def``. Output goes straight from the serializer's
pydantic-core encoder into the response (:class:`RawJSON`), so a list is
never turned into Python dicts on the way. ``perform_create`` /
``perform_update`` / ``perform_destroy`` may be overridden sync or async; a
sync one runs in a worker thread.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response as StarletteResponse

from fastjango.rest.response import RawJSON, Response
from fastjango.rest.serializers._related import related_lookups

if TYPE_CHECKING:
    from fastjango.rest.request import Request

__all__ = ["CreateModelMixin", "DestroyModelMixin", "ListModelMixin", "RetrieveModelMixin", "UpdateModelMixin"]


async def _reload_for_output(view: Any, serializer: Any) -> None:
    """Read a saved object back with the relations its output shows (a new row has none loaded)."""
    instance = serializer.instance
    if instance is None or getattr(instance, "pk", None) is None or not view.load_output_relations:
        return
    select, prefetch = related_lookups(type(serializer)) if hasattr(serializer, "_fields") else ((), ())
    if select or prefetch:
        loaded = view.with_output_relations(type(instance)._base_manager.all())
        serializer.instance = await loaded.aget(pk=instance.pk)


def _plain_model(serializer: Any) -> bool:
    """A serializer made from a plain Pydantic model that does not define ``create``/``update`` itself."""
    from fastjango.rest.serializers import PydanticSerializer

    if not isinstance(serializer, PydanticSerializer):
        return False
    cls = type(serializer)
    return cls.create is PydanticSerializer.create and cls.update is PydanticSerializer.update


async def _call(method: Any, *args: Any) -> Any:
    if inspect.iscoroutinefunction(method):
        return await method(*args)
    return await run_in_threadpool(method, *args)


class ListModelMixin:
    """``GET`` on a collection: filtered, paginated, rendered by pydantic-core."""

    async def list(self, request: Request, *args: Any, **kwargs: Any) -> StarletteResponse:
        view: Any = self
        queryset = view.with_output_relations(view.filter_queryset(view.get_queryset()))
        page = await view.apaginate_queryset(queryset)
        if page is not None:
            return view.get_paginated_response(RawJSON(view.get_serializer(page, many=True).json()))  # type: ignore[no-any-return]
        rows = [obj async for obj in queryset]
        return Response(RawJSON(view.get_serializer(rows, many=True).json()))


class CreateModelMixin:
    """``POST`` on a collection: validate, save, answer 201 with the new object."""

    async def create(self, request: Request, *args: Any, **kwargs: Any) -> StarletteResponse:
        view: Any = self
        serializer = view.get_serializer(data=request.data)
        await serializer.ais_valid(raise_exception=True)
        await _call(view.perform_create, serializer)
        await _reload_for_output(view, serializer)
        return Response(RawJSON(serializer.json()), status=201, headers=view.get_success_headers(serializer))

    async def perform_create(self, serializer: Any) -> None:
        if _plain_model(serializer):
            # A plain Pydantic model has no create(): the view's model makes the row from its fields.
            model = self.get_queryset().model  # type: ignore[attr-defined]
            serializer.instance = await model._default_manager.acreate(**serializer.validated_data)
            return
        await serializer.asave()

    def get_success_headers(self, serializer: Any) -> dict[str, str]:
        """``Location`` of the new object when its representation has a ``url``."""
        try:
            url = serializer.data.get("url") if "url" in serializer.fields else None
        except Exception:
            return {}
        return {"Location": str(url)} if url else {}


class RetrieveModelMixin:
    """``GET`` on one object."""

    async def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> StarletteResponse:
        view: Any = self
        instance = await view.aget_object()
        return Response(RawJSON(view.get_serializer(instance).json()))


class UpdateModelMixin:
    """``PUT`` (every writable field) and ``PATCH`` (only those sent) on one object."""

    async def update(self, request: Request, *args: Any, **kwargs: Any) -> StarletteResponse:
        view: Any = self
        partial = kwargs.pop("partial", False)
        instance = await view.aget_object()
        serializer = view.get_serializer(instance, data=request.data, partial=partial)
        await serializer.ais_valid(raise_exception=True)
        await _call(view.perform_update, serializer)
        await _reload_for_output(view, serializer)
        return Response(RawJSON(serializer.json()))

    async def perform_update(self, serializer: Any) -> None:
        if _plain_model(serializer):
            instance = serializer.instance
            for name, value in serializer.validated_data.items():
                setattr(instance, name, value)
            await instance.asave()
            return
        await serializer.asave()

    async def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> StarletteResponse:
        kwargs["partial"] = True
        return await self.update(request, *args, **kwargs)


class DestroyModelMixin:
    """``DELETE`` on one object: 204 and no body."""

    async def destroy(self, request: Request, *args: Any, **kwargs: Any) -> StarletteResponse:
        view: Any = self
        instance = await view.aget_object()
        await _call(view.perform_destroy, instance)
        return Response(status=204)

    async def perform_destroy(self, instance: Any) -> None:
        await instance.adelete()
