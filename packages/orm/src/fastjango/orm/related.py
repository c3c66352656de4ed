"""Relation accessors: ``post.author``, ``author.post_set`` / ``author.posts``, ``post.tags``, ``user.profile``.

Reading ``post.author`` returns the object when it is loaded
(``select_related``, an earlier read, an assignment). Otherwise synchronous
code loads it with one query, as Django does, and async code gets a
:class:`~fastjango.orm.exceptions.NotLoadedError` saying how to load it:
attribute access cannot await, and a hidden blocking query would stall every
request on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import attributes

from fastjango.orm.db.execution import ensure_sync_allowed
from fastjango.orm.exceptions import NotLoadedError, SynchronousOnlyOperation
from fastjango.orm.fields.related import ForeignKey, ManyToManyField, ManyToManyReverse, ReverseRelation
from fastjango.orm.hooks import await_results, m2m_hook_results
from fastjango.orm.manager import Manager
from fastjango.orm.query.prefetch import PREFETCH_CACHE
from fastjango.orm.query.queryset import QuerySet

if TYPE_CHECKING:
    from fastjango.orm.fields.base import Field
    from fastjango.orm.models.base import Model

__all__ = [
    "ForwardRelationDescriptor",
    "ManyToManyDescriptor",
    "ReverseManyDescriptor",
    "ReverseOneToOneDescriptor",
    "aload_relation",
]

_MISSING = object()


def _not_loaded(instance: Model, name: str) -> NotLoadedError:
    model = type(instance).__name__
    return NotLoadedError(
        f"{model}.{name} is not loaded, and loading it needs a query, which attribute access cannot await. "
        f"Load it with the query: .select_related({name!r}) or .prefetch_related({name!r}), "
        f"or await instance.arelated({name!r})."
    )


def _manager_for(manager: Any, model: type[Model], instance: Model, *, write: bool = False) -> Any:
    """``manager`` on the database ``instance`` came from, unless a router says otherwise."""
    from fastjango.orm.db.router import db_for_instance

    alias = db_for_instance(model, instance, write=write)
    return manager if alias is None else manager.db_manager(alias)


class ForwardRelationDescriptor:
    """``post.author``: see the module docstring. On the class, the SQLAlchemy relationship attribute."""

    def __init__(self, field: ForeignKey[Any], inner: Any) -> None:
        self.field = field
        self.inner = inner

    def _cached(self, instance: Model) -> Any:
        field = self.field
        data = instance.__dict__
        cached = data.get(field.name, _MISSING)
        if cached is _MISSING:
            return _MISSING
        key = data.get(field.attname)
        if cached is None:
            return None if key is None else _MISSING
        target = field.target_field
        assert target is not None
        return cached if getattr(cached, target.attname) == key else _MISSING

    def __get__(self, instance: Model | None, owner: type[Model]) -> Any:
        if instance is None:
            return self.inner
        cached = self._cached(instance)
        if cached is not _MISSING:
            return cached
        field = self.field
        key = instance.__dict__.get(field.attname)
        if key is None:
            return None
        try:
            ensure_sync_allowed(f"Reading {type(instance).__name__}.{field.name}")
        except SynchronousOnlyOperation:
            raise _not_loaded(instance, field.name) from None
        target = field.target_field
        assert field.remote_model is not None
        assert target is not None
        related = _manager_for(field.remote_model._base_manager, field.remote_model, instance).get(
            **{target.attname: key}
        )
        attributes.set_committed_value(instance, field.name, related)
        return related

    def __set__(self, instance: Model, value: Any) -> None:
        field = self.field
        remote = field.remote_model
        assert remote is not None
        # Any object of the target's table will do, as in Django: a Book for a key to its proxy too.
        if value is not None and not isinstance(value, remote._meta.concrete_model):
            raise ValueError(
                f'Cannot assign "{value!r}": "{type(instance).__name__}.{field.name}" must be a '
                f'"{remote.__name__}" instance.'
            )
        attributes.set_committed_value(instance, field.name, value)
        target = field.target_field
        assert target is not None
        setattr(instance, field.attname, None if value is None else getattr(value, target.attname))

    async def aget(self, instance: Model) -> Any:
        cached = self._cached(instance)
        if cached is not _MISSING:
            return cached
        field = self.field
        key = instance.__dict__.get(field.attname)
        if key is None:
            return None
        target = field.target_field
        assert field.remote_model is not None
        assert target is not None
        related = await _manager_for(field.remote_model._base_manager, field.remote_model, instance).aget(
            **{target.attname: key}
        )
        attributes.set_committed_value(instance, field.name, related)
        return related


def _prefetched(instance: Model, name: str) -> list[Any] | None:
    cache = instance.__dict__.get(PREFETCH_CACHE)
    return None if cache is None else cache.get(name)


class RelatedManager(Manager[Any]):
    """``author.post_set``: the related objects of one instance, with add/remove/set/clear/create."""

    def __init__(self, instance: Model, relation: ReverseRelation) -> None:
        super().__init__()
        self.instance = instance
        self.relation = relation
        self.field = relation.field
        default = relation.related_model._default_manager
        self.bind(relation.related_model, relation.accessor_name or relation.name)
        self._base_queryset_manager = default

    def _key(self) -> Any:
        target = self.field.target_field
        assert target is not None
        key = getattr(self.instance, target.attname)
        if key is None:
            raise ValueError(
                f"{type(self.instance).__name__} instance needs a primary key value before this relationship "
                "can be used."
            )
        return key

    def get_queryset(self) -> QuerySet[Any]:
        manager = _manager_for(self._base_queryset_manager, self.model, self.instance)
        queryset: QuerySet[Any] = manager.get_queryset().filter(**{self.field.attname: self._key()})
        cached = _prefetched(self.instance, self.relation.accessor_name or self.relation.name)
        if cached is not None:
            queryset._result_cache = list(cached)
        return queryset

    def _check(self, objs: Iterable[Any]) -> list[Any]:
        model = self.relation.related_model
        checked = list(objs)
        for obj in checked:
            if not isinstance(obj, model):
                raise TypeError(f"'{model.__name__}' instance expected, got {obj!r}.")
        return checked

    def create(self, **kwargs: Any) -> Any:
        kwargs[self.field.name] = self.instance
        return super().create(**kwargs)

    async def acreate(self, **kwargs: Any) -> Any:
        kwargs[self.field.name] = self.instance
        return await super().acreate(**kwargs)

    def add(self, *objs: Any, bulk: bool = True) -> None:
        """Point ``objs`` at this instance (one UPDATE with ``bulk``; else each is saved)."""
        objs_ = self._check(objs)
        key = self._key()
        if bulk:
            unsaved = [obj for obj in objs_ if obj.pk is None]
            if unsaved:
                raise ValueError(f"{unsaved[0]!r} is unsaved: save it first, or use bulk=False.")
            _manager_for(self.model._base_manager, self.model, self.instance, write=True).filter(
                pk__in=[obj.pk for obj in objs_]
            ).update(**{self.field.attname: key})
            for obj in objs_:
                setattr(obj, self.field.attname, key)
        else:
            for obj in objs_:
                setattr(obj, self.field.name, self.instance)
                obj.save()

    async def aadd(self, *objs: Any, bulk: bool = True) -> None:
        objs_ = self._check(objs)
        key = self._key()
        if bulk:
            unsaved = [obj for obj in objs_ if obj.pk is None]
            if unsaved:
                raise ValueError(f"{unsaved[0]!r} is unsaved: save it first, or use bulk=False.")
            await (
                _manager_for(self.model._base_manager, self.model, self.instance, write=True)
                .filter(pk__in=[obj.pk for obj in objs_])
                .aupdate(**{self.field.attname: key})
            )
            for obj in objs_:
                setattr(obj, self.field.attname, key)
        else:
            for obj in objs_:
                setattr(obj, self.field.name, self.instance)
                await obj.asave()

    def _nullable(self, operation: str) -> None:
        if not self.field.null:
            raise AttributeError(
                f"{operation}() is only available when {self.field.model.__name__}.{self.field.name} has null=True "
                "(otherwise the objects would point nowhere; delete them instead)."
            )

    def remove(self, *objs: Any) -> None:
        self._nullable("remove")
        objs_ = self._check(objs)
        self.get_queryset().filter(pk__in=[obj.pk for obj in objs_]).update(**{self.field.attname: None})
        for obj in objs_:
            setattr(obj, self.field.attname, None)

    async def aremove(self, *objs: Any) -> None:
        self._nullable("remove")
        objs_ = self._check(objs)
        await self.get_queryset().filter(pk__in=[obj.pk for obj in objs_]).aupdate(**{self.field.attname: None})
        for obj in objs_:
            setattr(obj, self.field.attname, None)

    def clear(self) -> None:
        self._nullable("clear")
        self.get_queryset().update(**{self.field.attname: None})

    async def aclear(self) -> None:
        self._nullable("clear")
        await self.get_queryset().aupdate(**{self.field.attname: None})

    def set(self, objs: Iterable[Any], *, clear: bool = False) -> None:
        objs_ = self._check(objs)
        if clear:
            self.clear()
            self.add(*objs_)
            return
        wanted = {obj.pk for obj in objs_}
        current = set(self.get_queryset().values_list("pk", flat=True))
        stale = current - wanted
        if stale:
            self._nullable("set")
            _manager_for(self.model._base_manager, self.model, self.instance, write=True).filter(pk__in=stale).update(
                **{self.field.attname: None}
            )
        self.add(*[obj for obj in objs_ if obj.pk not in current])

    async def aset(self, objs: Iterable[Any], *, clear: bool = False) -> None:
        objs_ = self._check(objs)
        if clear:
            await self.aclear()
            await self.aadd(*objs_)
            return
        wanted = {obj.pk for obj in objs_}
        current = set(await self.get_queryset().values_list("pk", flat=True).alist())
        stale = current - wanted
        if stale:
            self._nullable("set")
            await (
                _manager_for(self.model._base_manager, self.model, self.instance, write=True)
                .filter(pk__in=stale)
                .aupdate(**{self.field.attname: None})
            )
        await self.aadd(*[obj for obj in objs_ if obj.pk not in current])


class ReverseManyDescriptor:
    """``author.post_set``: a :class:`RelatedManager` on instances."""

    def __init__(self, relation: ReverseRelation) -> None:
        self.relation = relation

    def __get__(self, instance: Model | None, owner: type[Model]) -> Any:
        if instance is None:
            return self
        return RelatedManager(instance, self.relation)

    def __set__(self, instance: Model, value: Any) -> None:
        raise TypeError(
            f"Direct assignment to the reverse side of {self.relation.field.model.__name__}.{self.relation.field.name} "
            f"is not allowed; use {self.relation.accessor_name}.set() instead."
        )


class ReverseOneToOneDescriptor:
    """``user.profile``: the one object whose one-to-one field points here."""

    def __init__(self, relation: ReverseRelation) -> None:
        self.relation = relation

    def __get__(self, instance: Model | None, owner: type[Model]) -> Any:
        if instance is None:
            return self
        name = self.relation.accessor_name or self.relation.name
        cached = instance.__dict__.get(f"_fj_cache_{name}", _MISSING)
        if cached is not _MISSING:
            if cached is None:
                raise self.relation.related_model.DoesNotExist(f"{type(instance).__name__} has no {name}.")
            return cached
        try:
            ensure_sync_allowed(f"Reading {type(instance).__name__}.{name}")
        except SynchronousOnlyOperation:
            raise _not_loaded(instance, name) from None
        field = self.relation.field
        target = field.target_field
        assert target is not None
        try:
            related = _manager_for(
                self.relation.related_model._base_manager, self.relation.related_model, instance
            ).get(**{field.attname: getattr(instance, target.attname)})
        except self.relation.related_model.DoesNotExist:
            raise self.relation.related_model.DoesNotExist(f"{type(instance).__name__} has no {name}.") from None
        instance.__dict__[f"_fj_cache_{name}"] = related
        return related


class ManyRelatedManager(Manager[Any]):
    """``post.tags`` / ``tag.post_set``: objects related through the join table, with add/remove/set/clear."""

    def __init__(self, instance: Model, field: ManyToManyField[Any], reverse: bool) -> None:
        super().__init__()
        self.instance = instance
        self.field = field
        # Not ``self.reverse``: that would hide the manager's reverse() (the QuerySet method).
        self._reverse = reverse
        far_model = field.model if reverse else field.remote_model
        assert far_model is not None
        self.bind(far_model, field.name)
        assert field.source_fk is not None
        assert field.target_fk is not None
        self.near_fk, self.far_fk = (
            (field.target_fk, field.source_fk) if reverse else (field.source_fk, field.target_fk)
        )
        #: The name that filters the far model by this instance (``tags`` side: the reverse query name).
        self.query_name = field.name if reverse else field.related_query_name()

    def _key(self) -> Any:
        if self.instance.pk is None:
            raise ValueError(
                f"{type(self.instance).__name__} instance needs a primary key value before a many-to-many "
                "relationship can be used."
            )
        target = self.near_fk.target_field
        assert target is not None
        return getattr(self.instance, target.attname)

    def get_queryset(self) -> QuerySet[Any]:
        manager = _manager_for(self.model._default_manager, self.model, self.instance)
        queryset: QuerySet[Any] = manager.get_queryset().filter(**{self.query_name: self._key()})
        if self._reverse:
            remote = self.field.remote
            assert remote is not None
            name = remote.accessor_name or ""
        else:
            name = self.field.name
        cached = _prefetched(self.instance, name)
        if cached is not None:
            queryset._result_cache = list(cached)
        return queryset

    def _through_model(self) -> type[Model]:
        through = self.field.through_model
        assert through is not None
        return through

    @property
    def _through(self) -> Any:
        through = self._through_model()
        return _manager_for(through._base_manager, through, self.instance, write=True)

    def _far_keys(self, objs: Iterable[Any]) -> list[Any]:
        target = self.far_fk.target_field
        assert target is not None
        keys = []
        for obj in objs:
            if isinstance(obj, self.model._meta.concrete_model):
                if obj.pk is None:
                    raise ValueError(f"Cannot add {obj!r}: save it first.")
                keys.append(getattr(obj, target.attname))
            else:
                keys.append(obj)  # a primary key value, as Django accepts
        return keys

    def add(self, *objs: Any, through_defaults: dict[str, Any] | None = None) -> None:
        key = self._key()
        keys = self._far_keys(objs)
        existing = set(
            self._through.filter(**{self.near_fk.attname: key, f"{self.far_fk.attname}__in": keys}).values_list(
                self.far_fk.attname, flat=True
            )
        )
        through = self._through_model()
        new = [far for far in dict.fromkeys(keys) if far not in existing]
        rows = [
            through(**{self.near_fk.attname: key, self.far_fk.attname: far, **(through_defaults or {})}) for far in new
        ]
        self._signal("pre_add", set(new))
        self._through.bulk_create(rows)
        self._signal("post_add", set(new))

    async def aadd(self, *objs: Any, through_defaults: dict[str, Any] | None = None) -> None:
        key = self._key()
        keys = self._far_keys(objs)
        existing = set(
            await self._through.filter(**{self.near_fk.attname: key, f"{self.far_fk.attname}__in": keys})
            .values_list(self.far_fk.attname, flat=True)
            .alist()
        )
        through = self._through_model()
        new = [far for far in dict.fromkeys(keys) if far not in existing]
        rows = [
            through(**{self.near_fk.attname: key, self.far_fk.attname: far, **(through_defaults or {})}) for far in new
        ]
        await await_results(self._signal("pre_add", set(new), asynchronous=True))
        await self._through.abulk_create(rows)
        await await_results(self._signal("post_add", set(new), asynchronous=True))

    def _signal(self, action: str, pk_set: set[Any] | None, *, asynchronous: bool = False) -> list[Any]:
        from fastjango.orm.db.router import db_for_write

        through = self._through_model()
        using = db_for_write(through, instance=self.instance)  # where _through writes the rows
        return m2m_hook_results(
            through, self.instance, action, self._reverse, self.model, pk_set, using, asynchronous=asynchronous
        )

    def remove(self, *objs: Any) -> None:
        keys = self._far_keys(objs)
        self._signal("pre_remove", set(keys))
        self._through.filter(**{self.near_fk.attname: self._key(), f"{self.far_fk.attname}__in": keys}).delete()
        self._signal("post_remove", set(keys))

    async def aremove(self, *objs: Any) -> None:
        keys = self._far_keys(objs)
        await await_results(self._signal("pre_remove", set(keys), asynchronous=True))
        await self._through.filter(**{self.near_fk.attname: self._key(), f"{self.far_fk.attname}__in": keys}).adelete()
        await await_results(self._signal("post_remove", set(keys), asynchronous=True))

    def clear(self) -> None:
        self._signal("pre_clear", None)
        self._through.filter(**{self.near_fk.attname: self._key()}).delete()
        self._signal("post_clear", None)

    async def aclear(self) -> None:
        await await_results(self._signal("pre_clear", None, asynchronous=True))
        await self._through.filter(**{self.near_fk.attname: self._key()}).adelete()
        await await_results(self._signal("post_clear", None, asynchronous=True))

    def set(self, objs: Iterable[Any], *, clear: bool = False, through_defaults: dict[str, Any] | None = None) -> None:
        objs_ = list(objs)
        if clear:
            self.clear()
            self.add(*objs_, through_defaults=through_defaults)
            return
        wanted = set(self._far_keys(objs_))
        current = set(
            self._through.filter(**{self.near_fk.attname: self._key()}).values_list(self.far_fk.attname, flat=True)
        )
        stale = current - wanted
        if stale:
            self._through.filter(**{self.near_fk.attname: self._key(), f"{self.far_fk.attname}__in": stale}).delete()
        self.add(*(wanted - current), through_defaults=through_defaults)

    async def aset(
        self, objs: Iterable[Any], *, clear: bool = False, through_defaults: dict[str, Any] | None = None
    ) -> None:
        objs_ = list(objs)
        if clear:
            await self.aclear()
            await self.aadd(*objs_, through_defaults=through_defaults)
            return
        wanted = set(self._far_keys(objs_))
        current = set(
            await self._through.filter(**{self.near_fk.attname: self._key()})
            .values_list(self.far_fk.attname, flat=True)
            .alist()
        )
        stale = current - wanted
        if stale:
            await self._through.filter(
                **{self.near_fk.attname: self._key(), f"{self.far_fk.attname}__in": stale}
            ).adelete()
        await self.aadd(*(wanted - current), through_defaults=through_defaults)

    def create(self, *, through_defaults: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        obj = self.model._default_manager.create(**kwargs)
        self.add(obj, through_defaults=through_defaults)
        return obj

    async def acreate(self, *, through_defaults: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        obj = await self.model._default_manager.acreate(**kwargs)
        await self.aadd(obj, through_defaults=through_defaults)
        return obj


class ManyToManyDescriptor:
    def __init__(self, field: ManyToManyField[Any], reverse: bool) -> None:
        self.field = field
        self.reverse = reverse

    def __get__(self, instance: Model | None, owner: type[Model]) -> Any:
        if instance is None:
            return self
        return ManyRelatedManager(instance, self.field, self.reverse)

    def __set__(self, instance: Model, value: Any) -> None:
        raise TypeError(f"Direct assignment to {self.field.name} is not allowed; use {self.field.name}.set() instead.")


async def aload_relation(instance: Model, name: str) -> Any:
    """``instance.arelated(name)``: a forward relation's object, or a list of related objects."""
    meta = instance._meta
    # get_field() also returns reverse relations (they are registered by name too).
    field: Field[Any] | ReverseRelation | ManyToManyReverse | None = (
        meta.get_field(name) if name in {f.name for f in meta.get_fields()} else None
    )
    if field is None:
        for relation in meta.related_objects:
            if relation.accessor_name == name:
                field = relation
                break
    if field is None:
        raise AttributeError(f"{type(instance).__name__} has no relation named {name!r}.")
    if isinstance(field, ForeignKey):
        for klass in type(instance).__mro__:
            descriptor = klass.__dict__.get(field.name)
            if isinstance(descriptor, ForwardRelationDescriptor):
                return await descriptor.aget(instance)
        raise AttributeError(
            f"{type(instance).__name__}.{field.name} cannot be loaded: the relation is not set up "
            f"(is its target model {field.to!r} defined?)."
        )
    if isinstance(field, ReverseRelation) and field.one_to_one:
        fk = field.field
        target = fk.target_field
        assert target is not None
        manager = _manager_for(field.related_model._base_manager, field.related_model, instance)
        related = await manager.aget(**{fk.attname: getattr(instance, target.attname)})
        instance.__dict__[f"_fj_cache_{field.accessor_name or field.name}"] = related
        return related
    if isinstance(field, ReverseRelation | ManyToManyField | ManyToManyReverse):
        accessor = field.accessor_name if isinstance(field, ReverseRelation | ManyToManyReverse) else field.name
        if accessor is None:
            raise AttributeError(
                f"The relation {name!r} of {type(instance).__name__} has no accessor (related_name='+')."
            )
        return await getattr(instance, accessor).all().alist()
    raise AttributeError(f"{name!r} is not a relation of {type(instance).__name__}.")
