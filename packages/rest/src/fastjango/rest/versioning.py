"""API versioning: which version a request asks for, in ``request.version``.

Set ``versioning_class`` on a view or ``DEFAULT_VERSIONING_CLASS`` in
``REST_FRAMEWORK``, with ``DEFAULT_VERSION``, ``ALLOWED_VERSIONS`` and
``VERSION_PARAM``. An unknown version is refused: 404 for a URL path, 406
for an ``Accept`` header, 404 for a query parameter, each naming the
allowed versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fastjango.rest.exceptions import NotAcceptable, NotFound
from fastjango.rest.settings import api_settings

if TYPE_CHECKING:
    from fastjango.rest.request import Request

__all__ = ["AcceptHeaderVersioning", "BaseVersioning", "QueryParameterVersioning", "URLPathVersioning"]


class BaseVersioning:
    """Reads the version from the request; ``default_version``/``allowed_versions``/``version_param`` from settings."""

    default_version: str | None = None
    allowed_versions: Sequence[str] | None = None
    version_param: str | None = None
    #: Whether the version is a query parameter (list endpoints then accept it).
    version_param_in_query = False
    #: Whether responses vary on the ``Accept`` header.
    vary_on = False
    invalid_version_message = "Invalid version."

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> str | None:
        raise NotImplementedError

    def _default(self) -> str | None:
        return self.default_version if self.default_version is not None else api_settings().DEFAULT_VERSION

    def _allowed(self) -> Sequence[str] | None:
        return self.allowed_versions if self.allowed_versions is not None else api_settings().ALLOWED_VERSIONS

    def _param(self) -> str:
        return self.version_param or api_settings().VERSION_PARAM

    def is_allowed_version(self, version: str | None) -> bool:
        allowed = self._allowed()
        if not allowed:
            return True
        return version is not None and (version == self._default() or version in allowed)

    def _message(self, version: str | None) -> str:
        allowed = self._allowed()
        listing = ", ".join(allowed) if allowed else "any"
        return f"{self.invalid_version_message} {version!r} is not one of: {listing}."


class URLPathVersioning(BaseVersioning):
    """The version is a path parameter: ``path("api/<version>/", include(router.urls))``."""

    invalid_version_message = "Invalid version in URL path."

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> str | None:
        version = kwargs.get(self._param(), self._default())
        if not self.is_allowed_version(version):
            raise NotFound(self._message(version))
        return version


class AcceptHeaderVersioning(BaseVersioning):
    """``Accept: application/json; version=2``."""

    invalid_version_message = 'Invalid version in "Accept" header.'
    vary_on = True

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> str | None:
        accept = request.headers.get("accept", "")
        version = self._default()
        param = self._param()
        for media_range in accept.split(","):
            for part in media_range.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                if key.strip() == param:
                    version = value.strip().strip('"')
                    break
        if not self.is_allowed_version(version):
            raise NotAcceptable(self._message(version))
        return version


class QueryParameterVersioning(BaseVersioning):
    """``?version=2``."""

    invalid_version_message = "Invalid version in query parameter."
    version_param_in_query = True

    def determine_version(self, request: Request, *args: Any, **kwargs: Any) -> str | None:
        version = request.query_params.get(self._param(), self._default())
        if not self.is_allowed_version(version):
            raise NotFound(self._message(version))
        return version


def version_kwargs(request: Request, kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """``reverse()`` arguments with the request's version added for URL path versioning."""
    result = dict(kwargs or {})
    scheme = getattr(request, "versioning_scheme", None)
    if isinstance(scheme, URLPathVersioning) and request.version is not None:
        result.setdefault(scheme._param(), request.version)
    return result
