"""Pagination of list endpoints: DRF's page-number, limit/offset and cursor styles.

A list view hands its filtered queryset to the paginator, which counts and
slices it in SQL (``COUNT(*)`` and ``LIMIT``/``OFFSET``, or a keyset
``WHERE`` for cursors) and later wraps the rendered page in the envelope
clients expect::

    page = await paginator.apaginate_queryset(queryset, request, view)
    ...
    return paginator.get_paginated_response(RawJSON(rendered_page))

``apaginate_queryset`` is for ``async def`` handlers, ``paginate_queryset``
for plain ``def`` ones (run in a worker thread); both return ``None`` when
no page size is configured, meaning "do not paginate". Bad query parameters
are client errors: an unknown page or cursor is a 404 as in DRF, a malformed
size, limit or offset a 400 naming the parameter. See docs/rest/pagination.md.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar

import orjson
from pydantic import BaseModel, Field, create_model

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm import F, Q
from fastjango.rest.exceptions import NotFound, ValidationError
from fastjango.rest.request import Request
from fastjango.rest.response import RawJSON, Response
from fastjango.rest.schemas import QueryParameter
from fastjango.rest.settings import api_settings

__all__ = [
    "BasePagination",
    "CursorPagination",
    "LimitOffsetPagination",
    "PageNumberPagination",
]

#: The page's items: a list of dicts, or the already-rendered JSON array spliced in unchanged.
PageData = list[Any] | RawJSON


def _at_most(request: Request, name: str, maximum: int) -> int | None:
    """A positive integer parameter that may not exceed ``maximum``: an oversized page is a 400, not a surprise."""
    value = _positive_int(request, name)
    if value is not None and value > maximum:
        raise ValidationError({name: [f"Ensure this value is at most {maximum}; got {value}."]})
    return value


def _sized(maximum: int) -> Any:
    """The OpenAPI type of a page size: an integer from 1 to ``maximum``."""
    return Annotated[int, Field(ge=1, le=maximum)]


def _positive_int(request: Request, name: str, *, allow_zero: bool = False) -> int | None:
    """The query parameter ``name`` as an integer, ``None`` when absent or empty; else a 400 naming it."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0 or (value == 0 and not allow_zero):
        kind = "a non-negative" if allow_zero else "a positive"
        raise ValidationError({name: [f"Must be {kind} integer; got {raw!r}."]})
    return value


_ENVELOPES: dict[tuple[bool, type[BaseModel]], type[BaseModel]] = {}


def _envelope_model(item_model: type[BaseModel], *, with_count: bool) -> type[BaseModel]:
    """The envelope's model, one per item model and shape (shared by the count-bearing paginators)."""
    key = (with_count, item_model)
    model = _ENVELOPES.get(key)
    if model is None:
        link: Any = (
            str | None,
            Field(None, description="The next page's URL; null on the last page.", json_schema_extra={"format": "uri"}),
        )
        back: Any = (
            str | None,
            Field(
                None,
                description="The previous page's URL; null on the first page.",
                json_schema_extra={"format": "uri"},
            ),
        )
        results: Any = (list[item_model], ...)  # type: ignore[valid-type]
        # "PostOutput" (a serializer's output model) gives "PaginatedPostList", the name DRF's schemas use.
        name = item_model.__name__.removesuffix("Output") or item_model.__name__
        if with_count:
            count: Any = (int, Field(..., description="How many items all the pages hold together.", examples=[123]))
            model = create_model(f"Paginated{name}List", count=count, next=link, previous=back, results=results)
        else:
            model = create_model(f"CursorPaginated{name}List", next=link, previous=back, results=results)
        model.__doc__ = f"A page of {name} items."
        _ENVELOPES[key] = model
    return model


class BasePagination:
    """The interface list views call; subclasses choose how pages are addressed."""

    #: Does the envelope carry ``count``? (It shapes the OpenAPI model.)
    has_count: ClassVar[bool] = True

    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        """The page's objects (queried with the async ORM), or ``None`` to leave the list unpaginated."""
        raise NotImplementedError

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        """:meth:`apaginate_queryset` for ``def`` handlers (queries with the sync ORM)."""
        raise NotImplementedError

    def get_paginated_response(self, data: PageData) -> Response:
        """The page wrapped in its envelope; ``data`` may be a ``RawJSON`` array, spliced in unchanged."""
        raise NotImplementedError

    def get_paginated_response_model(self, item_model: type[BaseModel]) -> type[BaseModel]:
        """The envelope's Pydantic model for OpenAPI, with ``results: list[item_model]``."""
        return _envelope_model(item_model, with_count=self.has_count)

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        """The query parameters this paginator reads (class-level configuration only, no database)."""
        return []


class _SizedPages:
    """``page_size`` with an optional client-chosen size, capped by ``max_page_size`` (settings by default)."""

    page_size: int | None = None
    page_size_query_param: str | None = None
    max_page_size: int | None = None

    def _max_page_size(self) -> int:
        return self.max_page_size if self.max_page_size is not None else int(api_settings().MAX_PAGE_SIZE)

    def get_page_size(self, request: Request) -> int | None:
        """The client's size if allowed and given (more than ``max_page_size`` is a 400), else the default."""
        if self.page_size_query_param:
            requested = _at_most(request, self.page_size_query_param, self._max_page_size())
            if requested is not None:
                return requested
        return self.page_size if self.page_size is not None else api_settings().PAGE_SIZE

    def _size_parameters(self) -> list[QueryParameter]:
        if not self.page_size_query_param:
            return []
        description = f"Number of results to return per page (at most {self._max_page_size()})."
        return [QueryParameter(self.page_size_query_param, _sized(self._max_page_size()), description)]


class PageNumberPagination(_SizedPages, BasePagination):
    """``?page=3`` (and ``?page=last``); optionally ``?page_size=50`` when ``page_size_query_param`` is set.

    ``page_size`` and ``max_page_size`` default to the ``PAGE_SIZE`` and
    ``MAX_PAGE_SIZE`` settings when left ``None``.
    """

    page_query_param: str = "page"
    last_page_strings: Sequence[str] = ("last",)
    invalid_page_message: str = "Invalid page."

    def __init__(self) -> None:
        self.request: Request | None = None
        self.count = 0
        self.page_number = 1
        self.num_pages = 1

    # ------------------------------------------------------------------ parameters
    def _page_number(self, request: Request) -> int:
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return self.num_pages
        try:
            number = int(raw)
        except ValueError:
            raise NotFound(self.invalid_page_message) from None
        if number < 1 or number > self.num_pages:
            raise NotFound(self.invalid_page_message)
        return number

    def _prepare(self, request: Request, count: int, page_size: int) -> tuple[int, int]:
        self.request = request
        self.count = count
        self.num_pages = max(1, math.ceil(count / page_size))
        self.page_number = self._page_number(request)
        start = (self.page_number - 1) * page_size
        return start, start + page_size

    # ------------------------------------------------------------------ querying
    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        page_size = self.get_page_size(request)
        if page_size is None:
            return None
        queryset = _ordered(queryset)
        start, stop = self._prepare(request, await queryset.acount(), page_size)
        return list(await queryset[start:stop].alist())

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        page_size = self.get_page_size(request)
        if page_size is None:
            return None
        queryset = _ordered(queryset)
        start, stop = self._prepare(request, queryset.count(), page_size)
        return list(queryset[start:stop])

    # ------------------------------------------------------------------ output
    def get_next_link(self) -> str | None:
        if self.request is None or self.page_number >= self.num_pages:
            return None
        return str(self.request.url.include_query_params(**{self.page_query_param: self.page_number + 1}))

    def get_previous_link(self) -> str | None:
        if self.request is None or self.page_number <= 1:
            return None
        url = self.request.url
        if self.page_number == 2:
            return str(url.remove_query_params(self.page_query_param))
        return str(url.include_query_params(**{self.page_query_param: self.page_number - 1}))

    def get_paginated_response(self, data: PageData) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        last = "".join(f' or "{text}"' for text in self.last_page_strings)
        page = QueryParameter(
            self.page_query_param, Annotated[int, Field(ge=1)], f"A page number within the paginated result set{last}."
        )
        return [page, *self._size_parameters()]


class LimitOffsetPagination(BasePagination):
    """``?limit=20&offset=40``: a window into the list, as SQL's ``LIMIT``/``OFFSET``.

    ``default_limit`` and ``max_limit`` default to the ``PAGE_SIZE`` and
    ``MAX_PAGE_SIZE`` settings when left ``None``.
    """

    default_limit: int | None = None
    limit_query_param: str = "limit"
    offset_query_param: str = "offset"
    max_limit: int | None = None

    def __init__(self) -> None:
        self.request: Request | None = None
        self.count = 0
        self.limit = 0
        self.offset = 0

    def _max_limit(self) -> int:
        return self.max_limit if self.max_limit is not None else int(api_settings().MAX_PAGE_SIZE)

    def get_limit(self, request: Request) -> int | None:
        """The client's ``limit`` (more than ``max_limit`` is a 400), else the default (``None``: no pagination)."""
        requested = _at_most(request, self.limit_query_param, self._max_limit())
        if requested is not None:
            return requested
        return self.default_limit if self.default_limit is not None else api_settings().PAGE_SIZE

    def get_offset(self, request: Request) -> int:
        return _positive_int(request, self.offset_query_param, allow_zero=True) or 0

    def _prepare(self, request: Request) -> int | None:
        limit = self.get_limit(request)
        offset = self.get_offset(request)
        if limit is None:
            return None
        self.request, self.limit, self.offset = request, limit, offset
        return limit

    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        if self._prepare(request) is None:
            return None
        queryset = _ordered(queryset)
        self.count = await queryset.acount()
        if self.offset >= self.count:
            return []
        return list(await queryset[self.offset : self.offset + self.limit].alist())

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        if self._prepare(request) is None:
            return None
        queryset = _ordered(queryset)
        self.count = queryset.count()
        if self.offset >= self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_next_link(self) -> str | None:
        if self.request is None or self.offset + self.limit >= self.count:
            return None
        return str(
            self.request.url.include_query_params(
                **{self.limit_query_param: self.limit, self.offset_query_param: self.offset + self.limit}
            )
        )

    def get_previous_link(self) -> str | None:
        if self.request is None or self.offset <= 0:
            return None
        url = self.request.url.include_query_params(**{self.limit_query_param: self.limit})
        # Past the end, "previous" is the last full window rather than one that is empty too.
        offset = min(self.offset, max(self.count - self.limit, 0) + self.limit) - self.limit
        if offset <= 0:
            return str(url.remove_query_params(self.offset_query_param))
        return str(url.include_query_params(**{self.offset_query_param: offset}))

    def get_paginated_response(self, data: PageData) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        return [
            QueryParameter(
                self.limit_query_param,
                _sized(self._max_limit()),
                f"Number of results to return per page (at most {self._max_limit()}).",
            ),
            QueryParameter(
                self.offset_query_param,
                Annotated[int, Field(ge=0)],
                "The initial index from which to return the results.",
            ),
        ]


class CursorPagination(_SizedPages, BasePagination):
    """``?cursor=...``: opaque links that stay correct while rows are added, for large or live lists.

    The cursor holds the sort key of the row at the page's edge (one value
    per ordering field, ending with the primary key, so it is unique) and the
    direction; the next page is "rows after that key" in SQL, never an
    offset, so rows inserted earlier in the list neither repeat nor hide
    rows. There is no ``count`` and no page numbers, as in DRF.
    """

    has_count = False
    cursor_query_param: str = "cursor"
    ordering: str | Sequence[str] = "-created"
    invalid_cursor_message: str = "Invalid cursor"

    def __init__(self) -> None:
        self.request: Request | None = None
        self.next_cursor: str | None = None
        self.previous_cursor: str | None = None
        self.has_next = False
        self.has_previous = False
        self._state: tuple[int, list[_Term], bool, bool] = (0, [], False, False)
        self._chosen_by: str | None = None

    # ------------------------------------------------------------------ configuration
    def get_ordering(self, request: Request, queryset: Any, view: Any) -> list[str]:
        """The sort order: the ordering filter's choice, else ``view.ordering``, else ``self.ordering``."""
        self._chosen_by = None
        ordering: Any = None
        for backend_class in getattr(view, "filter_backends", None) or ():
            if hasattr(backend_class, "get_ordering"):
                backend = backend_class()
                ordering = backend.get_ordering(request, queryset.model, view)
                param = getattr(backend, "ordering_param", None)
                if param and request.query_params.get(param):
                    self._chosen_by = param
                break
        if not ordering:
            self._chosen_by = None
            ordering = getattr(view, "ordering", None) or self.ordering
        if isinstance(ordering, str):
            ordering = [ordering]
        return list(ordering)

    def _unusable(self, item: Any, why: str) -> Exception:
        """A client's ordering is a 400 on its parameter; the code's own a configuration error."""
        if self._chosen_by is not None:
            return ValidationError({self._chosen_by: [f"Cannot page through {item!r} with a cursor: {why}."]})
        return ImproperlyConfigured(f"{type(self).__name__} cannot order by {item!r}: {why}.")

    def _keyset(self, queryset: Any, ordering: list[str]) -> list[_Term]:
        """The ordering as cursor terms, cut after the primary key or ended by it (a unique tiebreaker)."""
        meta = queryset.model._meta
        terms: list[_Term] = []
        for item in ordering:
            if not isinstance(item, str) or item in ("", "?") or "__" in item:
                raise self._unusable(item, "a cursor can only follow the model's own fields, not '?' or relations")
            descending = item.startswith("-")
            name = item.lstrip("-+")
            try:
                field = meta.get_field(name)
            except Exception:
                raise self._unusable(item, f"{meta.object_name} has no such field") from None
            if getattr(field, "many_to_many", False) or not hasattr(field, "attname"):
                raise self._unusable(item, "it is a to-many relation")
            terms.append(_Term(field, descending))
            if field is meta.pk:
                return terms
        terms.append(_Term(meta.pk, False))
        return terms

    # ------------------------------------------------------------------ cursors
    def encode_cursor(self, position: list[Any] | None, *, reverse: bool, terms: list[_Term]) -> str:
        payload: dict[str, Any] = {"o": [term.token for term in terms], "p": position}
        if reverse:
            payload["r"] = 1
        raw = orjson.dumps(payload, default=_position_default)
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode_cursor(self, request: Request, terms: list[_Term]) -> tuple[list[Any] | None, bool] | None:
        """``(position, reverse)`` from the query string, ``None`` without a cursor; a bad one is a 404."""
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload = orjson.loads(raw)
            if not isinstance(payload, dict) or payload.get("o") != [term.token for term in terms]:
                raise ValueError("another ordering")
            reverse = payload.get("r", 0)
            if reverse not in (0, 1):
                raise ValueError("direction")
            position = payload.get("p")
            if position is not None:
                if not isinstance(position, list) or len(position) != len(terms):
                    raise ValueError("position")
                position = [term.parse(value) for term, value in zip(terms, position, strict=True)]
        except Exception:
            raise NotFound(self.invalid_cursor_message) from None
        return position, bool(reverse)

    # ------------------------------------------------------------------ querying
    def _plan(self, queryset: Any, request: Request, view: Any) -> Any:
        """The page's query (one row more than the page, to learn if another follows); ``None``: unpaginated."""
        page_size = self.get_page_size(request)
        if page_size is None:
            return None
        terms = self._keyset(queryset, self.get_ordering(request, queryset, view))
        decoded = self.decode_cursor(request, terms)
        position, reverse = decoded if decoded is not None else (None, False)
        try:
            if position is not None:
                queryset = queryset.filter(_after(terms, position, reverse=reverse))
            queryset = queryset.order_by(*[term.order(reverse=reverse) for term in terms])
        except (ValueError, TypeError) as error:
            if position is None:
                raise
            raise NotFound(self.invalid_cursor_message) from error
        self.request = request
        self._state = (page_size, terms, position is not None, reverse)
        return queryset[: page_size + 1]

    def _finish(self, rows: list[Any]) -> list[Any]:
        page_size, terms, positioned, reverse = self._state
        more = len(rows) > page_size
        rows = rows[:page_size]
        if reverse:
            rows.reverse()
            self.has_previous, self.has_next = more, positioned
        else:
            self.has_next, self.has_previous = more, positioned
        # Links point past the page's edge rows. An empty page (its rows were deleted, or a cursor from the
        # list's end): "previous" is then the list's last page and "next" its first (no cursor).
        first = [term.value(rows[0]) for term in terms] if rows else None
        last = [term.value(rows[-1]) for term in terms] if rows else None
        self.next_cursor = None if last is None else self.encode_cursor(last, reverse=False, terms=terms)
        self.previous_cursor = self.encode_cursor(first, reverse=True, terms=terms)
        return rows

    async def apaginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        page = self._plan(queryset, request, view)
        return None if page is None else self._finish(list(await page.alist()))

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        page = self._plan(queryset, request, view)
        return None if page is None else self._finish(list(page))

    # ------------------------------------------------------------------ output
    def _link(self, cursor: str | None) -> str:
        assert self.request is not None
        url = self.request.url
        if cursor is None:
            return str(url.remove_query_params(self.cursor_query_param))
        return str(url.include_query_params(**{self.cursor_query_param: cursor}))

    def get_next_link(self) -> str | None:
        if self.request is None or not self.has_next:
            return None
        return self._link(self.next_cursor)

    def get_previous_link(self) -> str | None:
        if self.request is None or not self.has_previous:
            return None
        return self._link(self.previous_cursor)

    def get_paginated_response(self, data: PageData) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_schema_parameters(self, view: Any) -> list[QueryParameter]:
        cursor = QueryParameter(self.cursor_query_param, str, "The opaque position given in a previous page's links.")
        return [cursor, *self._size_parameters()]


# ---------------------------------------------------------------------- helpers
def _ordered(queryset: Any) -> Any:
    """An unordered queryset ordered by primary key, so that LIMIT/OFFSET pages are deterministic."""
    return queryset if queryset.ordered else queryset.order_by("pk")


def _position_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"{type(value).__name__} cannot be a cursor position")


class _Term:
    """One field of a cursor's ordering. NULL sorts as the smallest value on every database."""

    __slots__ = ("descending", "field", "name")

    def __init__(self, field: Any, descending: bool) -> None:
        self.field = field
        self.descending = descending
        self.name: str = field.attname

    @property
    def token(self) -> str:
        return ("-" if self.descending else "") + self.name

    def order(self, *, reverse: bool) -> Any:
        descending = self.descending != reverse
        if not getattr(self.field, "null", False):
            return ("-" if descending else "") + self.name
        expression = F(self.name)
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_first=True)

    def value(self, obj: Any) -> Any:
        return getattr(obj, self.name)

    def parse(self, raw: Any) -> Any:
        """The position's value from the cursor, checked so that the query cannot fail on it."""
        if raw is None:
            if not getattr(self.field, "null", False):
                raise ValueError("null position")
            return None
        if isinstance(raw, dict | list) or (isinstance(raw, str) and "\x00" in raw):
            raise ValueError("position")
        field = getattr(self.field, "target_field", None) or self.field
        value = field.to_python(raw)
        bounds = getattr(field, "range", None)
        if bounds is not None and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
            raise ValueError("out of range")
        return value

    def after(self, value: Any, *, reverse: bool) -> Q | None:
        """Rows strictly after ``value`` on this field (``None``: no row can be)."""
        descending = self.descending != reverse
        if value is None:
            return None if descending else _q(f"{self.name}__isnull", False)
        if descending:
            below = _q(f"{self.name}__lt", value)
            return below | _q(f"{self.name}__isnull", True) if getattr(self.field, "null", False) else below
        return _q(f"{self.name}__gt", value)

    def equal(self, value: Any) -> Q:
        return _q(f"{self.name}__isnull", True) if value is None else _q(self.name, value)


def _q(lookup: str, value: Any) -> Q:
    conditions: dict[str, Any] = {lookup: value}
    return Q(**conditions)


def _after(terms: list[_Term], position: list[Any], *, reverse: bool) -> Q:
    """The keyset condition: rows that sort strictly after ``position`` in the (maybe reversed) ordering."""
    alternatives: list[Q] = []
    prefix: list[Q] = []
    for term, value in zip(terms, position, strict=True):
        after = term.after(value, reverse=reverse)
        if after is not None:
            alternatives.append(Q(*prefix, after))
        prefix.append(term.equal(value))
    if not alternatives:
        return Q(pk__in=[])
    condition = alternatives[0]
    for alternative in alternatives[1:]:
        condition |= alternative
    return condition
