"""``@action`` for extra viewset routes and ``@api_view`` for function-based API views."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["MethodMapper", "action", "api_view"]

_F = TypeVar("_F", bound=Callable[..., Any])


class MethodMapper(dict[str, str]):
    """``@publish.mapping.delete``: more HTTP methods on an action's route, each with its own handler."""

    def __init__(self, action: Callable[..., Any], methods: Sequence[str]) -> None:
        super().__init__()
        self.action = action
        for method in methods:
            self[method.lower()] = action.__name__

    def _map(self, method: str, handler: _F) -> _F:
        if method in self:
            raise ValueError(f"Method {method.upper()!r} is already mapped to {self[method]!r} on this action.")
        if handler.__name__ == self.action.__name__:
            raise ValueError(f"The {method.upper()} handler of an action needs a name of its own.")
        self[method] = handler.__name__
        return handler

    def get(self, handler: Any, default: Any = None) -> Any:
        if isinstance(handler, str):
            return super().get(handler, default)
        return self._map("get", handler)

    def post(self, handler: _F) -> _F:
        return self._map("post", handler)

    def put(self, handler: _F) -> _F:
        return self._map("put", handler)

    def patch(self, handler: _F) -> _F:
        return self._map("patch", handler)

    def delete(self, handler: _F) -> _F:
        return self._map("delete", handler)


def action(
    methods: Sequence[str] | None = None,
    detail: bool | None = None,
    url_path: str | None = None,
    url_name: str | None = None,
    **kwargs: Any,
) -> Callable[[_F], _F]:
    """Route a viewset method: ``@action(detail=True, methods=["post"])`` gives ``/posts/{pk}/publish/``.

    ``kwargs`` override the view's attributes for this route only
    (``serializer_class=``, ``permission_classes=``, ``pagination_class=``,
    ...), as in DRF. ``response_model=`` documents the response in OpenAPI
    (the serializer's output model otherwise, when ``serializer_class`` is given).
    """
    if detail is None:
        raise TypeError("@action() needs detail=True (one object) or detail=False (the collection).")
    wanted = [method.lower() for method in (methods or ["get"])]

    def decorator(func: _F) -> _F:
        target: Any = func
        target.mapping = MethodMapper(func, wanted)
        target.detail = detail
        target.url_path = url_path or func.__name__
        target.url_name = url_name or func.__name__.replace("_", "-")
        target.kwargs = kwargs
        return func

    return decorator


def api_view(http_method_names: Sequence[str] | None = None) -> Callable[[Callable[..., Any]], Any]:
    """A function as an API view: ``@api_view(["GET", "POST"]) async def hello(request): ...``.

    The result goes to ``path()``. The function gets the API request and the
    path parameters as keyword arguments. Policies are the function's
    attributes, set before decorating (``hello.permission_classes = [...]``)
    or on the generated class afterwards (``hello.view_class``).
    """
    from fastjango.rest.views import APIView

    methods = [method.lower() for method in (http_method_names or ["GET"])]

    def decorator(func: Callable[..., Any]) -> Any:
        handler = staticmethod(func)
        attributes: dict[str, Any] = {method: _handler_for(func) for method in methods}
        attributes["__doc__"] = func.__doc__
        attributes["__module__"] = func.__module__
        attributes["_function"] = handler
        for policy in ("permission_classes", "authentication_classes", "throttle_classes"):
            if hasattr(func, policy):
                attributes[policy] = getattr(func, policy)
        view_class: Any = type(func.__name__, (APIView,), attributes)
        endpoint = view_class.as_view()
        endpoint.view_class = view_class
        return endpoint

    return decorator


def _handler_for(func: Callable[..., Any]) -> Any:
    import inspect

    if inspect.iscoroutinefunction(func):

        async def async_handler(self: Any, request: Any, **kwargs: Any) -> Any:
            return await func(request, **kwargs)

        async_handler.__doc__ = func.__doc__
        return async_handler

    def sync_handler(self: Any, request: Any, **kwargs: Any) -> Any:
        return func(request, **kwargs)

    sync_handler.__doc__ = func.__doc__
    return sync_handler
