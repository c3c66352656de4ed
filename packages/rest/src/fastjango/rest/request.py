"""The request an API view sees: Starlette's request plus DRF's conveniences.

``request.data`` is the parsed body (JSON, form or multipart), read before
the handler runs so that it is a plain attribute in ``def`` and
``async def`` handlers alike; ``request.query_params`` is the query string;
``request.user`` and ``request.auth`` come from the view's authentication
classes. Anything else (``headers``, ``cookies``, ``url``, ``client``,
``scope``, ``state``) is Starlette's request.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import pydantic_core
from starlette.datastructures import QueryParams, UploadFile
from starlette.requests import Request as StarletteRequest

from fastjango.rest.exceptions import ParseError, UnsupportedMediaType

__all__ = ["JSON_MEDIA_TYPES", "Request"]

#: Media types parsed as JSON (``application/*+json`` too).
JSON_MEDIA_TYPES = frozenset({"application/json"})
_FORM_MEDIA_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_UNSET: Any = object()


class Request:
    """DRF's ``Request`` over a Starlette request."""

    __slots__ = (
        "_auth",
        "_authenticator",
        "_data",
        "_request",
        "_user",
        "authenticators",
        "version",
        "versioning_scheme",
    )

    def __init__(self, request: StarletteRequest, authenticators: Sequence[Any] = ()) -> None:
        self._request = request
        self.authenticators = authenticators
        self._data: Any = _UNSET
        self._user: Any = _UNSET
        self._auth: Any = None
        self._authenticator: Any = None
        self.version: str | None = None
        self.versioning_scheme: Any = None

    # ------------------------------------------------------------------ body
    async def aload_data(self) -> Any:
        """Read and parse the body once; a malformed or unsupported one is a 4xx naming the problem."""
        if self._data is not _UNSET:
            return self._data
        request = self._request
        content_type = request.headers.get("content-type", "")
        media_type = content_type.partition(";")[0].strip().lower()
        if media_type in _FORM_MEDIA_TYPES:
            try:
                form = await request.form()
            except Exception as error:  # multipart parsers raise several kinds
                raise ParseError(f"Form parse error - {error}") from None
            data: dict[str, Any] = {}
            for key in form:
                values = form.getlist(key)
                data[key] = values[0] if len(values) == 1 else list(values)
            self._data = data
            return data
        body = await request.body()
        if not body:
            self._data = {}
            return self._data
        if media_type in JSON_MEDIA_TYPES or (media_type.startswith("application/") and media_type.endswith("+json")):
            try:
                self._data = pydantic_core.from_json(body)
            except ValueError as error:
                raise ParseError(f"JSON parse error - {error}") from None
            return self._data
        if not media_type:
            raise UnsupportedMediaType(
                "", detail="The request has a body but no Content-Type header; send it as application/json."
            )
        raise UnsupportedMediaType(
            media_type,
            detail=f'Unsupported media type "{media_type}" in request; send application/json, '
            "application/x-www-form-urlencoded or multipart/form-data.",
        )

    @property
    def data(self) -> Any:
        """The parsed body: a dict (or list) from JSON, a dict from a form; ``{}`` without a body."""
        if self._data is _UNSET:
            raise RuntimeError(
                "request.data was read before the body was loaded; outside a view, `await request.aload_data()` first."
            )
        return self._data

    @property
    def files(self) -> dict[str, UploadFile]:
        """The uploaded files of a multipart body, by field name."""
        data = self._data if isinstance(self._data, dict) else {}
        return {key: value for key, value in data.items() if isinstance(value, UploadFile)}

    @property
    def query_params(self) -> QueryParams:
        """The query string's parameters (``getlist()`` for repeated ones)."""
        return self._request.query_params

    # ------------------------------------------------------------------ who
    @property
    def user(self) -> Any:
        """The authenticated user, or ``AnonymousUser``; authenticates on first use."""
        if self._user is _UNSET:
            self._authenticate_sync()
        return self._user

    @user.setter
    def user(self, value: Any) -> None:
        self._user = value

    @property
    def auth(self) -> Any:
        """What authenticated the request (a token, a session), or ``None``."""
        if self._user is _UNSET:
            self._authenticate_sync()
        return self._auth

    @auth.setter
    def auth(self, value: Any) -> None:
        self._auth = value

    def _authenticate_sync(self) -> None:
        for authenticator in self.authenticators:
            result = authenticator.authenticate(self)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise RuntimeError(
                    f"{type(authenticator).__name__}.authenticate() is async; the view awaits "
                    "`request.aauthenticate()` before handlers run, so read request.user inside the view."
                )
            if result is not None:
                self._user, self._auth = result
                self._authenticator = authenticator
                return
        self._set_anonymous()

    async def aauthenticate(self) -> Any:
        """Run the authentication classes (sync or async) and return the user."""
        if self._user is not _UNSET:
            return self._user
        for authenticator in self.authenticators:
            result = authenticator.authenticate(self)
            if inspect.isawaitable(result):
                result = await result
            if result is not None:
                self._user, self._auth = result
                self._authenticator = authenticator
                return self._user
        self._set_anonymous()
        return self._user

    def _set_anonymous(self) -> None:
        from fastjango.rest.authentication import AnonymousUser
        from fastjango.rest.settings import api_settings

        factory = api_settings().UNAUTHENTICATED_USER
        self._auth = None
        if factory is AnonymousUser:
            # The anonymous user an authentication middleware put in the scope (fastjango-auth's), so
            # ``request.user`` is of one class across the site; the setting, when changed, wins.
            scoped = self._request.scope.get("user")
            if scoped is not None and not getattr(scoped, "is_authenticated", True):
                self._user = scoped
                return
        self._user = factory() if factory is not None else None

    @property
    def successful_authenticator(self) -> Any:
        """The authentication class instance that recognised the request, or ``None``."""
        if self._user is _UNSET:
            self._authenticate_sync()
        return self._authenticator

    # ------------------------------------------------------------------ the rest
    @property
    def method(self) -> str:
        return self._request.method

    @property
    def scope(self) -> Any:
        return self._request.scope

    @property
    def starlette_request(self) -> StarletteRequest:
        """The wrapped Starlette request."""
        return self._request

    def build_absolute_uri(self, location: str | None = None) -> str:
        """An absolute URL for ``location`` (a path) or for this request, as in Django."""
        if location is None:
            return str(self._request.url)
        if "://" in location:
            return location
        base = str(self._request.base_url).rstrip("/")
        return base + (location if location.startswith("/") else "/" + location)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def __repr__(self) -> str:
        return f"<Request {self.method} {self._request.url.path}>"
