"""Django-style URL confs on FastAPI routing.

``ROOT_URLCONF`` names a module with ``urlpatterns``; entries are
:func:`path`, :func:`include` and plain FastAPI ``APIRouter`` objects. Every
route becomes a real FastAPI route, so it is in the OpenAPI schema and
/docs; :func:`reverse` builds paths back from route names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.routing import NoMatchFound

from fastjango.core.exceptions import NoReverseMatch
from fastjango.core.urls._converters import DjangoConverter, PathConverter, register_converter
from fastjango.core.urls._patterns import URLEntry, URLInclude, URLPattern, include, path
from fastjango.core.urls._resolver import NamedRoute, URLResolver

__all__ = [
    "DjangoConverter",
    "NamedRoute",
    "NoReverseMatch",
    "PathConverter",
    "URLEntry",
    "URLInclude",
    "URLPattern",
    "URLResolver",
    "include",
    "path",
    "register_converter",
    "reverse",
    "url_for",
]


def reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: Mapping[str, Any] | None = None,
    query: Mapping[str, Any] | None = None,
) -> str:
    """The path of the route named ``viewname`` (``"blog:post-detail"``), as in Django.

    Looks in the active project's URL conf and plugins' patterns, then in
    routes added straight to the FastAPI app (``@app.get(..., name=...)``).
    Raises :class:`NoReverseMatch` naming what is wrong.
    """
    from fastjango.core.project import get_project

    project = get_project()
    try:
        return project.urls.reverse(viewname, args, kwargs, query)
    except NoReverseMatch as original:
        app = project.built_app
        if app is None or args or viewname in project.urls.names:
            raise
        try:
            url = str(app.url_path_for(viewname, **dict(kwargs or {})))
        except NoMatchFound:
            raise original from None
    return url + ("?" + urlencode(query, doseq=True) if query else "")


def url_for(
    viewname: str,
    /,
    *,
    request: Request | None = None,
    query: Mapping[str, Any] | None = None,
    **path_params: Any,
) -> str:
    """``reverse()`` with keyword path parameters; absolute when given the request.

    ``url_for("blog:post-detail", pk=3)`` is ``"/blog/posts/3/"``;
    ``url_for("blog:post-detail", request=request, pk=3)`` is
    ``"https://example.com/blog/posts/3/"`` (honouring the app's root path).
    """
    relative = reverse(viewname, kwargs=path_params, query=query)
    if request is None:
        return relative
    base = str(request.base_url).rstrip("/")
    return base + relative
