"""``Manager``: ``Model.objects``, the entry point of queries, with Django's custom-manager patterns.

.. code-block:: python

    class PublishedQuerySet(QuerySet["Post"]):
        def published(self) -> "PublishedQuerySet":
            return self.filter(status="published")

    class Post(Model):
        objects = Manager.from_queryset(PublishedQuerySet)()

Every QuerySet method is available on the manager (``Post.objects.filter(...)``).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, overload

from fastjango.orm.query.queryset import QuerySet

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator, Sequence

    from fastjango.orm.models.base import Model

__all__ = ["BaseManager", "Manager"]

_M = TypeVar("_M", bound="Model")
_M2 = TypeVar("_M2", bound="Model")

_counter = 0


class BaseManager(Generic[_M]):
    """A manager without QuerySet methods; :class:`Manager` is the one to use."""

    #: The QuerySet class this manager's ``get_queryset()`` makes.
    _queryset_class: ClassVar[type[QuerySet[Any]]] = QuerySet
    model: type[_M]
    name: str

    def __init__(self) -> None:
        global _counter
        _counter += 1
        self.creation_counter = _counter
        self._db: str | None = None
        self._swappable = False

    def bind(self, model: type[_M], name: str) -> None:
        """Attach to ``model`` as ``name`` (the model class does this for each of its managers)."""
        self.model = model
        self.name = name
        # Only a swappable model's managers look at the settings on each access.
        self._swappable = bool(getattr(getattr(model, "_meta", None), "swappable", None))

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type[Any]) -> Self: ...

    def __get__(self, instance: object | None, owner: type[Any]) -> Self:
        if instance is not None:
            raise AttributeError(
                f"Manager isn't accessible via {owner.__name__} instances; use {owner.__name__}.{self.name}."
            )
        if self._swappable:
            swapped = owner._meta.swapped
            if swapped is not None:
                raise AttributeError(
                    f"Manager isn't available; '{owner._meta.label}' has been swapped for '{swapped}' "
                    f"(setting {owner._meta.swappable}); use that model instead."
                )
        return self

    def get_queryset(self) -> QuerySet[_M]:
        """The QuerySet every query of this manager starts from; override it to pre-filter."""
        return self._queryset_class(self.model, using=self._db)

    def db_manager(self, using: str | None) -> Self:
        """This manager, reading and writing database ``using``."""
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone._db = using
        return clone

    @classmethod
    def from_queryset(cls, queryset_class: type[QuerySet[Any]], class_name: str | None = None) -> type[Self]:
        """A manager class that has ``queryset_class``'s public methods."""
        methods: dict[str, Any] = {"_queryset_class": queryset_class}
        for name, _method in inspect.getmembers(queryset_class, predicate=inspect.isfunction):
            if name.startswith("_") or (hasattr(cls, name) and name not in vars(QuerySet)):
                continue
            if name in vars(QuerySet):
                continue  # already proxied by Manager
            methods[name] = _proxy(name)
        return type(class_name or f"{cls.__name__}From{queryset_class.__name__}", (cls,), methods)

    def __repr__(self) -> str:
        model = getattr(self, "model", None)
        return f"<{type(self).__name__} of {model.__name__ if model else 'no model'}>"


def _proxy(name: str) -> Any:
    def method(self: BaseManager[Any], *args: Any, **kwargs: Any) -> Any:
        return getattr(self.get_queryset(), name)(*args, **kwargs)

    method.__name__ = name
    return method


class Manager(BaseManager[_M]):
    """The default manager (``Model.objects``): every QuerySet method, starting from ``get_queryset()``."""

    # Chaining
    def all(self) -> QuerySet[_M]:
        return self.get_queryset()

    def using(self, alias: str | None) -> QuerySet[_M]:
        return self.get_queryset().using(alias)

    def filter(self, *args: Any, **kwargs: Any) -> QuerySet[_M]:
        return self.get_queryset().filter(*args, **kwargs)

    def exclude(self, *args: Any, **kwargs: Any) -> QuerySet[_M]:
        return self.get_queryset().exclude(*args, **kwargs)

    def none(self) -> QuerySet[_M]:
        return self.get_queryset().none()

    def order_by(self, *fields: Any) -> QuerySet[_M]:
        return self.get_queryset().order_by(*fields)

    def distinct(self, *fields: str) -> QuerySet[_M]:
        return self.get_queryset().distinct(*fields)

    def values(self, *fields: str) -> QuerySet[Any]:
        return self.get_queryset().values(*fields)

    def values_list(self, *fields: str, flat: bool = False, named: bool = False) -> QuerySet[Any]:
        return self.get_queryset().values_list(*fields, flat=flat, named=named)

    def select_related(self, *fields: str) -> QuerySet[_M]:
        return self.get_queryset().select_related(*fields)

    def prefetch_related(self, *lookups: Any) -> QuerySet[_M]:
        return self.get_queryset().prefetch_related(*lookups)

    def annotate(self, *args: Any, **kwargs: Any) -> QuerySet[_M]:
        return self.get_queryset().annotate(*args, **kwargs)

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self.get_queryset().aggregate(*args, **kwargs)

    async def aaggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return await self.get_queryset().aaggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        return self.get_queryset().iterator(chunk_size)

    def aiterator(self, chunk_size: int | None = None) -> AsyncIterator[_M]:
        return self.get_queryset().aiterator(chunk_size)

    def only(self, *fields: str) -> QuerySet[_M]:
        return self.get_queryset().only(*fields)

    def defer(self, *fields: str | None) -> QuerySet[_M]:
        return self.get_queryset().defer(*fields)

    def select_for_update(
        self, nowait: bool = False, skip_locked: bool = False, of: Sequence[str] = ()
    ) -> QuerySet[_M]:
        return self.get_queryset().select_for_update(nowait=nowait, skip_locked=skip_locked, of=of)

    def reverse(self) -> QuerySet[_M]:
        return self.get_queryset().reverse()

    # Single objects
    def get(self, *args: Any, **kwargs: Any) -> _M:
        return self.get_queryset().get(*args, **kwargs)

    async def aget(self, *args: Any, **kwargs: Any) -> _M:
        return await self.get_queryset().aget(*args, **kwargs)

    def first(self) -> _M | None:
        return self.get_queryset().first()

    async def afirst(self) -> _M | None:
        return await self.get_queryset().afirst()

    def last(self) -> _M | None:
        return self.get_queryset().last()

    async def alast(self) -> _M | None:
        return await self.get_queryset().alast()

    def earliest(self, *fields: str) -> _M:
        return self.get_queryset().earliest(*fields)

    async def aearliest(self, *fields: str) -> _M:
        return await self.get_queryset().aearliest(*fields)

    def latest(self, *fields: str) -> _M:
        return self.get_queryset().latest(*fields)

    async def alatest(self, *fields: str) -> _M:
        return await self.get_queryset().alatest(*fields)

    # Whole-set answers
    def count(self) -> int:
        return self.get_queryset().count()

    async def acount(self) -> int:
        return await self.get_queryset().acount()

    def exists(self) -> bool:
        return self.get_queryset().exists()

    async def aexists(self) -> bool:
        return await self.get_queryset().aexists()

    def contains(self, obj: _M) -> bool:
        return self.get_queryset().contains(obj)

    async def acontains(self, obj: _M) -> bool:
        return await self.get_queryset().acontains(obj)

    def in_bulk(self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk") -> dict[Any, _M]:
        return self.get_queryset().in_bulk(id_list, field_name=field_name)

    async def ain_bulk(self, id_list: Iterable[Any] | None = None, *, field_name: str = "pk") -> dict[Any, _M]:
        return await self.get_queryset().ain_bulk(id_list, field_name=field_name)

    def __aiter__(self) -> AsyncIterator[_M]:
        raise TypeError(f"Iterate over {self.model.__name__}.{self.name}.all(), not the manager itself.")

    # Writes
    def create(self, **kwargs: Any) -> _M:
        return self.get_queryset().create(**kwargs)

    async def acreate(self, **kwargs: Any) -> _M:
        return await self.get_queryset().acreate(**kwargs)

    def get_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> tuple[_M, bool]:
        return self.get_queryset().get_or_create(defaults, **kwargs)

    async def aget_or_create(self, defaults: dict[str, Any] | None = None, **kwargs: Any) -> tuple[_M, bool]:
        return await self.get_queryset().aget_or_create(defaults, **kwargs)

    def update_or_create(
        self, defaults: dict[str, Any] | None = None, create_defaults: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[_M, bool]:
        return self.get_queryset().update_or_create(defaults, create_defaults, **kwargs)

    async def aupdate_or_create(
        self, defaults: dict[str, Any] | None = None, create_defaults: dict[str, Any] | None = None, **kwargs: Any
    ) -> tuple[_M, bool]:
        return await self.get_queryset().aupdate_or_create(defaults, create_defaults, **kwargs)

    def bulk_create(self, objs: Iterable[_M], batch_size: int | None = None, **options: Any) -> list[_M]:
        return self.get_queryset().bulk_create(objs, batch_size, **options)

    async def abulk_create(self, objs: Iterable[_M], batch_size: int | None = None, **options: Any) -> list[_M]:
        return await self.get_queryset().abulk_create(objs, batch_size, **options)

    def bulk_update(self, objs: Iterable[_M], fields: Sequence[str], batch_size: int | None = None) -> int:
        return self.get_queryset().bulk_update(objs, fields, batch_size)

    async def abulk_update(self, objs: Iterable[_M], fields: Sequence[str], batch_size: int | None = None) -> int:
        return await self.get_queryset().abulk_update(objs, fields, batch_size)

    def update(self, **kwargs: Any) -> int:
        return self.get_queryset().update(**kwargs)

    async def aupdate(self, **kwargs: Any) -> int:
        return await self.get_queryset().aupdate(**kwargs)


class _DefaultManager:
    """The type checkers' view of ``Model.objects`` when a model declares no manager of its own."""

    def __get__(self, instance: None, owner: type[_M2]) -> Manager[_M2]:
        raise NotImplementedError  # never used at run time: every model gets a real Manager
