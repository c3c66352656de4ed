"""Viewsets: one class for a resource's routes, which a router turns into URLs.

``ModelViewSet`` gives list, create, retrieve, update, partial_update and
destroy; ``ReadOnlyModelViewSet`` list and retrieve; ``GenericViewSet`` and
``ViewSet`` nothing, for mixing in what you want. ``@action`` methods add
routes of their own.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from fastjango.rest import mixins
from fastjango.rest.generics import GenericAPIView
from fastjango.rest.views import APIView

__all__ = [
    "GenericViewSet",
    "ModelViewSet",
    "NestedViewSetMixin",
    "ReadOnlyModelViewSet",
    "ViewSet",
    "ViewSetMixin",
]


class ViewSetMixin:
    """What makes a view a viewset: actions instead of verbs, routed by a router."""

    is_viewset = True
    basename: str | None = None
    detail: bool | None = None
    action_map: Mapping[str, str] = {}

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        """The ``@action`` methods of the class, in definition order."""
        names = dict.fromkeys(
            name
            for klass in reversed(cls.__mro__)
            for name, value in vars(klass).items()
            if callable(value) and hasattr(value, "mapping") and hasattr(value, "detail")
        )
        return [getattr(cls, name) for name in names]

    def reverse_action(self, url_name: str, *args: Any, **kwargs: Any) -> str:
        """The absolute URL of another route of this viewset: ``self.reverse_action("publish", pk=1)``.

        Looks the name up in the namespace of the route serving this request,
        and adds the request's version for URL path versioning.
        """
        from fastjango.core.urls import reverse
        from fastjango.rest.versioning import version_kwargs

        view: Any = self
        request = getattr(view, "request", None)
        name = f"{self.basename}-{url_name}"
        if request is not None:
            route_name = getattr(request.scope.get("route"), "name", None) or ""
            namespace = route_name.rpartition(":")[0]
            if namespace:
                name = f"{namespace}:{name}"
            if not args:
                kwargs = version_kwargs(request, kwargs)
        path = reverse(name, args=args or None, kwargs=kwargs or None)
        return request.build_absolute_uri(path) if request is not None else path

    @classmethod
    def action_kwargs(cls, action: str) -> dict[str, Any]:
        """The attribute overrides ``@action(..., serializer_class=...)`` gives one action's route.

        Handlers added with ``@<action>.mapping.delete`` share their action's overrides, as in DRF.
        """
        handler = getattr(cls, action, None)
        overrides = getattr(handler, "kwargs", None)
        if overrides is None:
            for extra in cls.get_extra_actions():
                if action in extra.mapping.values():
                    overrides = extra.kwargs
                    break
        return dict(overrides or {})


class ViewSet(ViewSetMixin, APIView):
    """A viewset with no model actions: write ``list``, ``retrieve``, ... yourself."""


class GenericViewSet(ViewSetMixin, GenericAPIView):
    """A viewset with ``GenericAPIView``'s helpers and no actions: mix in the ones you want."""


class ReadOnlyModelViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, GenericViewSet):
    """``list`` and ``retrieve``."""


class ModelViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    GenericViewSet,
):
    """``list``, ``create``, ``retrieve``, ``update``, ``partial_update`` and ``destroy``."""


class NestedViewSetMixin:
    """Narrow a nested viewset's queryset by its parents' URL parameters.

    With ``parent_lookup_kwargs = {"author_pk": "author__pk"}``, the viewset
    routed at ``/authors/{author_pk}/posts/`` only sees that author's posts,
    and creating through it sets the author (``perform_create``).
    """

    parent_lookup_kwargs: Mapping[str, str] = {}

    def get_parent_filter(self) -> dict[str, Any]:
        view: Any = self
        return {
            lookup: view.kwargs[kwarg] for kwarg, lookup in self.parent_lookup_kwargs.items() if kwarg in view.kwargs
        }

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()  # type: ignore[misc]
        parent = self.get_parent_filter()
        if not parent:
            return queryset
        from fastjango.rest.generics import lookup_path_value

        return queryset.filter(
            **{lookup: lookup_path_value(queryset.model, lookup, value) for lookup, value in parent.items()}
        )

    async def perform_create(self, serializer: Any) -> None:
        extra = {}
        for lookup, value in self.get_parent_filter().items():
            field, _, rest = lookup.partition("__")
            if rest in {"pk", "id"}:
                from fastjango.rest.generics import get_object_or_404

                model = serializer.Meta.model._meta.get_field(field).remote_model
                extra[field] = await get_object_or_404(model.objects.all(), pk=value)
        result = serializer.asave(**extra)
        if inspect.isawaitable(result):
            await result
