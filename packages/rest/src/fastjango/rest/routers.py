"""Routers: URL patterns for viewsets, to ``include()`` in a URL conf.

.. code-block:: python

    router = routers.DefaultRouter()
    router.register("posts", PostViewSet)            # /posts/ and /posts/<pk>/, named post-list, post-detail
    comments = routers.NestedSimpleRouter(router, "posts", lookup="post")
    comments.register("comments", CommentViewSet)   # /posts/<post_pk>/comments/...

    urlpatterns = [path("api/", include(router.urls + comments.urls))]

Each HTTP method of each route is its own FastAPI route, so OpenAPI shows
its own body, response and parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.urls import URLEntry, path
from fastjango.rest._routing import view_endpoint
from fastjango.rest.response import Response
from fastjango.rest.views import APIView

__all__ = ["APIRootView", "BaseRouter", "DefaultRouter", "DynamicRoute", "NestedSimpleRouter", "Route", "SimpleRouter"]


@dataclass(frozen=True)
class Route:
    """A route of every registered viewset: ``url`` and ``name`` templates, and method -> action."""

    url: str
    mapping: Mapping[str, str]
    name: str
    detail: bool
    initkwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DynamicRoute:
    """Where ``@action`` routes go (``detail`` says which ones)."""

    url: str
    name: str
    detail: bool
    initkwargs: Mapping[str, Any] = field(default_factory=dict)


class BaseRouter:
    """Keeps the registered viewsets; subclasses turn them into URL patterns."""

    def __init__(self) -> None:
        self.registry: list[tuple[str, type[Any], str]] = []
        self._urls: list[URLEntry] | None = None

    def register(self, prefix: str, viewset: type[Any], basename: str | None = None) -> None:
        """Route ``viewset`` under ``prefix``; ``basename`` names its routes (default: the model's name)."""
        if not getattr(viewset, "is_viewset", False):
            raise ImproperlyConfigured(f"router.register({prefix!r}, ...) needs a viewset class, not {viewset!r}.")
        if basename is None:
            basename = self.get_default_basename(viewset)
        if any(existing == basename for _, _, existing in self.registry):
            raise ImproperlyConfigured(
                f"router.register({prefix!r}, {viewset.__name__}): the basename {basename!r} is already used; "
                "pass basename= to tell the routes apart."
            )
        self.registry.append((prefix.strip("/"), viewset, basename))
        self._urls = None

    def get_default_basename(self, viewset: type[Any]) -> str:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            raise ImproperlyConfigured(
                f"{viewset.__name__} has no `queryset`, so its routes need a name: register(..., basename='...')."
            )
        return str(queryset.model._meta.model_name)

    def get_urls(self) -> list[URLEntry]:
        raise NotImplementedError

    @property
    def urls(self) -> list[URLEntry]:
        """The URL patterns, built once (registering another viewset rebuilds them)."""
        if self._urls is None:
            self._urls = self.get_urls()
        return self._urls


class SimpleRouter(BaseRouter):
    """DRF's ``SimpleRouter``: list and detail routes plus ``@action`` routes."""

    routes: Sequence[Route | DynamicRoute] = (
        Route(
            url="{prefix}{trailing_slash}",
            mapping={"get": "list", "post": "create"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        DynamicRoute(url="{prefix}/{url_path}{trailing_slash}", name="{basename}-{url_name}", detail=False),
        Route(
            url="{prefix}/{lookup}{trailing_slash}",
            mapping={"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"},
            name="{basename}-detail",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
        DynamicRoute(url="{prefix}/{lookup}/{url_path}{trailing_slash}", name="{basename}-{url_name}", detail=True),
    )

    def __init__(self, trailing_slash: bool = True) -> None:
        super().__init__()
        self.trailing_slash = "/" if trailing_slash else ""

    def get_lookup(self, viewset: type[Any], lookup_prefix: str = "") -> str:
        """``<pk>``, or ``<int:pk>`` with ``lookup_value_converter = "int"`` on the viewset."""
        kwarg = str(getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk"))
        converter = getattr(viewset, "lookup_value_converter", None)
        name = lookup_prefix + kwarg
        return f"<{converter}:{name}>" if converter else f"<{name}>"

    def prefix_for(self, prefix: str) -> str:
        """The URL of a registered prefix (nested routers put their parents in front)."""
        return prefix

    def _routes_of(self, viewset: type[Any]) -> list[tuple[Route, list[Any]]]:
        extra = viewset.get_extra_actions()
        result: list[tuple[Route, list[Any]]] = []
        for route in self.routes:
            if isinstance(route, DynamicRoute):
                for action in extra:
                    if action.detail == route.detail:
                        result.append(
                            (
                                Route(
                                    url=route.url.replace("{url_path}", action.url_path.strip("/")),
                                    mapping=dict(action.mapping),
                                    name=route.name.replace("{url_name}", action.url_name),
                                    detail=route.detail,
                                    initkwargs=route.initkwargs,
                                ),
                                [action],
                            )
                        )
            else:
                result.append((route, []))
        return result

    def get_urls(self) -> list[URLEntry]:
        patterns: list[URLEntry] = []
        for prefix, viewset, basename in self.registry:
            lookup = self.get_lookup(viewset)
            for route, _ in self._routes_of(viewset):
                mapping = {method: action for method, action in route.mapping.items() if hasattr(viewset, action)}
                if not mapping:
                    continue
                url = route.url.format(
                    prefix=self.prefix_for(prefix), lookup=lookup, trailing_slash=self.trailing_slash
                )
                url = url.lstrip("/").replace("//", "/")
                if url == "/":
                    url = ""
                name = route.name.format(basename=basename)
                for method, action in mapping.items():
                    endpoint = view_endpoint(
                        viewset, {method: action}, route.initkwargs, detail=route.detail, basename=basename
                    )
                    endpoint.url_actions = {key.lower(): value for key, value in mapping.items()}
                    patterns.append(path(url, endpoint, name=name))
        return patterns


class APIRootView(APIView):
    """The API root: a link to the list route of every registered viewset."""

    api_root_dict: Mapping[str, str] = {}
    permission_classes = ()
    throttle_classes = ()

    async def get(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        here = str(request.url.path)
        if not here.endswith("/"):
            here += "/"
        return Response({prefix: request.build_absolute_uri(here + url) for prefix, url in self.api_root_dict.items()})


class DefaultRouter(SimpleRouter):
    """``SimpleRouter`` plus the API root at the router's own URL (named ``api-root``)."""

    root_view_name = "api-root"
    root_view_class: type[APIRootView] = APIRootView

    def get_api_root_view(self) -> Any:
        listed = {
            prefix: f"{prefix}{self.trailing_slash}" if prefix else ""
            for prefix, viewset, _ in self.registry
            if hasattr(viewset, "list")
        }
        return self.root_view_class.as_view(api_root_dict=listed)

    def get_urls(self) -> list[URLEntry]:
        return [path("", self.get_api_root_view(), name=self.root_view_name), *super().get_urls()]


class NestedSimpleRouter(SimpleRouter):
    """Routes under one object of a parent router: ``/authors/<author_pk>/posts/``.

    ``lookup="author"`` names the URL parameter ``author_pk`` (``lookup`` +
    ``_`` + the parent viewset's lookup field). Nest further by giving a
    nested router as the parent.
    """

    def __init__(self, parent_router: SimpleRouter, parent_prefix: str, lookup: str, **kwargs: Any) -> None:
        kwargs.setdefault("trailing_slash", parent_router.trailing_slash == "/")
        super().__init__(**kwargs)
        parent_prefix = parent_prefix.strip("/")
        entries = [viewset for prefix, viewset, _ in parent_router.registry if prefix == parent_prefix]
        if not entries:
            known = ", ".join(repr(prefix) for prefix, _, _ in parent_router.registry) or "none"
            raise ImproperlyConfigured(
                f"NestedSimpleRouter: the parent router has no prefix {parent_prefix!r} (it has {known})."
            )
        parent_lookup = parent_router.get_lookup(entries[0], lookup_prefix=f"{lookup}_")
        self.parent_router = parent_router
        self.nest_prefix = f"{parent_router.prefix_for(parent_prefix)}/{parent_lookup}"

    def prefix_for(self, prefix: str) -> str:
        return f"{self.nest_prefix}/{prefix}" if prefix else self.nest_prefix
