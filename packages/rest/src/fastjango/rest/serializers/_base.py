"""``Serializer``: DRF's API (``is_valid``, ``errors``, ``validated_data``, ``data``, ``save``) over Pydantic models.

Validation runs in three steps, the same from ``is_valid()`` and
``ais_valid()``:

1. pydantic-core validates the data against ``input_model`` (or
   ``partial_model`` when ``partial=True``): types, lengths, ranges, choices,
   nulls and the fields' ``validators``.
2. The database lookups (related rows exist, unique values are free) run with
   the sync or the async ORM.
3. The ``validate_<field>(value)`` hooks run, then ``validate(attrs)``; under
   ``ais_valid()`` they may be ``async def``.
"""

from __future__ import annotations

import inspect
from collections.abc import Coroutine, Iterable, Mapping
from contextvars import ContextVar
from typing import Any, ClassVar, NoReturn

import pydantic
from pydantic import BaseModel, TypeAdapter

from fastjango.rest.serializers._errors import NON_FIELD_ERRORS, ValidationError, errors_from_pydantic
from fastjango.rest.serializers._lookups import Lookup, arun_lookups, run_lookups
from fastjango.rest.serializers._models import METHOD_PREFIX, Mode, attribute_name, build_model
from fastjango.rest.serializers._rows import RowRenderer, row_renderer
from fastjango.rest.serializers.fields import (
    ComputedField,
    Field,
    PrimaryKeyRelatedField,
    RelatedField,
    SlugRelatedField,
    empty,
)

__all__ = ["Serializer", "SerializerMeta"]

_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar("fastjango_rest_context", default=None)
_ASYNC_SAVE: ContextVar[bool] = ContextVar("fastjango_rest_async_save", default=False)
# The error a computed field raised while the output model read it: pydantic reports it as a bare
# "Error extracting attribute" string, so it is kept here and raised as it was.
_COMPUTE_FAILURE: ContextVar[Exception | None] = ContextVar("fastjango_rest_compute_failure", default=None)


class SerializerMeta(type):
    """Gives serializer classes their three Pydantic models as class properties, built once."""

    @property
    def input_model(cls) -> type[BaseModel]:
        """Writable fields; the required ones are required (POST, PUT)."""
        return cls._model("input")  # type: ignore[attr-defined, no-any-return]

    @property
    def partial_model(cls) -> type[BaseModel]:
        """Writable fields, all optional (PATCH)."""
        return cls._model("partial")  # type: ignore[attr-defined, no-any-return]

    @property
    def output_model(cls) -> type[BaseModel]:
        """Readable fields, read from attributes along each field's ``source``."""
        return cls._model("output")  # type: ignore[attr-defined, no-any-return]


def _drive(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that awaits nothing (the sync path of code written once as async)."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise RuntimeError("internal error: a synchronous validation step awaited")  # pragma: no cover


def _set_path(target: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _listed(value: Any) -> list[Any]:
    """A list from a list, a QuerySet or a related manager (``post.comments``)."""
    if isinstance(value, list | tuple):
        return list(value)
    if hasattr(value, "all") and callable(value.all):
        return list(value.all())
    return list(value)


class _WithMethods:
    """An object read by the output model, answering computed fields (method fields, hyperlinks) per row."""

    __slots__ = ("_object", "_serializer")

    def __init__(self, serializer: Serializer, obj: Any) -> None:
        self._serializer = serializer
        self._object = obj

    def __getattr__(self, name: str) -> Any:
        if name.startswith(METHOD_PREFIX):
            field = self._serializer._fields()[name.removeprefix(METHOD_PREFIX)]
            assert isinstance(field, ComputedField)
            try:
                return field.compute(self._object, self._serializer)
            except Exception as error:
                _COMPUTE_FAILURE.set(error)
                raise
        return getattr(self._object, name)


class Serializer(Field, metaclass=SerializerMeta):
    """Declared fields validated and rendered through generated Pydantic models (see the module docstring).

    Used as a field of another serializer (``comments = CommentSerializer(many=True)``)
    it nests, for reading and writing.
    """

    _declared_fields: ClassVar[dict[str, Field]] = {}
    # Built on first use, per class (looked up in the class's own __dict__, never inherited).
    _fj_fields: ClassVar[dict[str, Field]]
    _fj_attributes: ClassVar[dict[str, str]]
    _fj_models: ClassVar[dict[str, type[BaseModel]]]
    _fj_list_adapter: ClassVar[TypeAdapter[list[Any]]]
    _fj_row_renderer: ClassVar[RowRenderer | None]
    #: Input naming a field the serializer does not accept (unknown, or read-only) is a 400 for that
    #: field ("Unknown field." / "This field is read-only."), not silently dropped as in DRF.
    #: Set to ``False`` for DRF's behaviour (clients that send back what they read, ``id`` included).
    reject_unknown_fields: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Field] = {}
        for base in reversed(cls.__mro__[1:]):
            declared.update(base.__dict__.get("_declared_fields", {}))
        for name, value in list(vars(cls).items()):
            if isinstance(value, Field):
                value.bind(name)
                declared[name] = value
                delattr(cls, name)  # as in DRF: `self.data` stays the property even with a field named `data`
        cls._declared_fields = declared

    def __init__(
        self,
        instance: Any = None,
        data: Any = empty,
        *,
        partial: bool = False,
        many: bool = False,
        context: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.instance = instance
        self.initial_data = data
        self.partial = partial
        self.many = many
        self._context = context
        self._validated_data: Any = None
        self._errors: Any = None

    # ------------------------------------------------------------------ class-level description
    @classmethod
    def get_fields(cls) -> dict[str, Field]:
        """The serializer's fields by name, in order (ModelSerializer adds the model's)."""
        return cls._declared_fields

    @classmethod
    def _fields(cls) -> dict[str, Field]:
        cached: dict[str, Field] | None = cls.__dict__.get("_fj_fields")
        if cached is None:
            cached = cls.get_fields()
            cls._fj_fields = cached
        return cached

    @classmethod
    def _attribute_names(cls) -> dict[str, str]:
        cached: dict[str, str] | None = cls.__dict__.get("_fj_attributes")
        if cached is None:
            cached = {name: attribute_name(name, index) for index, name in enumerate(cls._fields())}
            cls._fj_attributes = cached
        return cached

    @classmethod
    def _build_model(cls, mode: Mode) -> type[BaseModel]:
        return build_model(cls, mode)

    @classmethod
    def _model(cls, mode: Mode) -> type[BaseModel]:
        models: dict[str, type[BaseModel]] = cls.__dict__.get("_fj_models") or {}
        if mode not in models:
            models = {**models, mode: cls._build_model(mode)}
            cls._fj_models = models
        return models[mode]

    @classmethod
    def _output_adapter(cls) -> TypeAdapter[list[Any]]:
        adapter: TypeAdapter[list[Any]] | None = cls.__dict__.get("_fj_list_adapter")
        if adapter is None:
            list_type: Any = list.__class_getitem__(cls._model("output"))
            adapter = TypeAdapter(list_type)
            cls._fj_list_adapter = adapter
        return adapter

    @property
    def input_model(self) -> type[BaseModel]:
        return type(self)._model("input")

    @property
    def partial_model(self) -> type[BaseModel]:
        return type(self)._model("partial")

    @property
    def output_model(self) -> type[BaseModel]:
        return type(self)._model("output")

    @property
    def fields(self) -> dict[str, Field]:
        return type(self)._fields()

    @property
    def context(self) -> dict[str, Any]:
        """The ``context`` given, or the one of the serializer being rendered or validated around this one."""
        if self._context is not None:
            return self._context
        return _CONTEXT.get() or {}

    def _spawn(self, partial: bool) -> Serializer:
        """A fresh instance of this (nested) serializer for one validation, with the parent's context."""
        child = type(self)(partial=partial, context=self.context)
        child.many = False
        return child

    # ------------------------------------------------------------------ validation
    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """One item validated by pydantic-core: field values by field name (hooks run later)."""
        model = self.partial_model if self.partial else self.input_model
        try:
            validated = model.model_validate(data)
        except pydantic.ValidationError as error:
            detail = errors_from_pydantic(error, data)
            if isinstance(detail, dict):
                fields = self._fields()
                for name, messages in detail.items():
                    field = fields.get(name)
                    if field is not None and field.read_only and messages == ["Unknown field."]:
                        detail[name] = ["This field is read-only."]
            raise ValidationError(detail) from None
        return self._values_of(validated, self.partial)

    def _values_of(self, validated: BaseModel, partial: bool) -> dict[str, Any]:
        from fastjango.rest.serializers._pydantic import dump_values

        fields = self._fields()
        if not fields:
            return dump_values(validated, partial)
        attributes = self._attribute_names()
        given = validated.model_fields_set
        values: dict[str, Any] = {}
        for name, field in fields.items():
            if field.read_only:
                continue
            attribute = attributes[name]
            if attribute not in given and (partial or field.default is empty):
                continue
            value = getattr(validated, attribute)
            if isinstance(field, Serializer) and value is not None:
                if field.many:
                    value = [field._values_of(item, partial) for item in value]
                else:
                    value = field._values_of(value, partial)
            values[name] = value
        return values

    def _structure(self, data: Any) -> Any:
        if not self.many:
            return self.to_internal_value(data)
        if not isinstance(data, list):
            raise ValidationError(
                {NON_FIELD_ERRORS: [f'Expected a list of items but got type "{type(data).__name__}".']}
            )
        results: list[Any] = []
        errors: list[Any] = []
        for item in data:
            try:
                results.append(self.to_internal_value(item))
                errors.append({})
            except ValidationError as error:
                errors.append(error.detail)
        if any(errors):
            raise ValidationError(errors)
        return results

    def lookups(self, values: Mapping[str, Any], path: tuple[str | int, ...] = ()) -> list[Lookup]:
        """The database checks of one item's ``values`` (related rows exist); errors go under ``path``."""
        found: list[Lookup] = []
        fields = self._fields()
        for name, value in values.items():
            field = fields.get(name)
            if field is None or value is None:
                continue
            where = (*path, name)
            if isinstance(field, RelatedField) and field.many:
                wanted = list(dict.fromkeys(value))  # a relation holds each row once
                values[name] = []  # type: ignore[index]
                if wanted:
                    found.append(
                        Lookup(
                            where,
                            field.get_queryset().filter(**{f"{field.match_attribute}__in": wanted}),
                            field.missing_message("{value}"),
                            "many",
                            holder=values,  # type: ignore[arg-type]
                            key=name,
                            wanted=wanted,
                            attribute=field.match_attribute,
                        )
                    )
            elif isinstance(field, PrimaryKeyRelatedField):
                found.append(
                    Lookup(
                        where,
                        field.get_queryset().filter(pk=value),
                        f'Invalid pk "{value}" - object does not exist.',
                        "exists",
                    )
                )
            elif isinstance(field, SlugRelatedField):
                found.append(
                    Lookup(
                        where,
                        field.get_queryset().filter(**{field.slug_field: value}),
                        f"Object with {field.slug_field}={value} does not exist.",
                        "fetch",
                        holder=values,  # type: ignore[arg-type]
                        key=name,
                    )
                )
            elif isinstance(field, Serializer):
                child = field._spawn(self.partial)
                if field.many:
                    for index, item in enumerate(value):
                        found.extend(child.lookups(item, (*where, index)))
                else:
                    child.instance = self._nested_instance(field)
                    found.extend(child.lookups(value, where))
        return found

    def _nested_instance(self, field: Serializer) -> Any:
        """The existing row a nested (single) serializer writes into on update, if any (ModelSerializer)."""
        return None

    def _all_lookups(self, values: Any) -> list[Lookup]:
        if self.many:
            return [lookup for index, item in enumerate(values) for lookup in self.lookups(item, (index,))]
        return self.lookups(values)

    async def _finish(self, values: dict[str, Any], is_async: bool) -> dict[str, Any]:
        """Step 3 for one item: ``validate_<field>`` hooks, ``source`` mapping, then ``validate(attrs)``."""
        fields = self._fields()
        errors: dict[str, Any] = {}
        attrs: dict[str, Any] = {}
        for name, value in values.items():
            field = fields.get(name)
            try:
                if isinstance(field, Serializer) and value is not None:
                    value = await field._spawn(self.partial)._finish_nested(value, field.many, is_async)
                hook = getattr(self, f"validate_{name}", None)
                if hook is not None:
                    value = await self._call(hook, value, is_async=is_async)
            except ValidationError as error:
                errors[name] = error.detail
                continue
            _set_path(attrs, field.source_attrs if field is not None else [name], value)
        if errors:
            raise ValidationError(errors)
        try:
            result = await self._call(self.validate, attrs, is_async=is_async)
        except ValidationError as error:
            detail = error.detail
            raise ValidationError(detail if isinstance(detail, dict) else {NON_FIELD_ERRORS: detail}) from None
        return result  # type: ignore[no-any-return]

    async def _finish_nested(self, value: Any, many: bool, is_async: bool) -> Any:
        if not many:
            return await self._finish(value, is_async)
        results: list[Any] = []
        errors: list[Any] = []
        for item in value:
            try:
                results.append(await self._finish(item, is_async))
                errors.append({})
            except ValidationError as error:
                errors.append(error.detail)
        if any(errors):
            raise ValidationError(errors)
        return results

    async def _call(self, function: Any, value: Any, *, is_async: bool) -> Any:
        result = function(value)
        if inspect.isawaitable(result):
            if not is_async:
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError(
                    f"{type(self).__name__}.{function.__name__} is async; validate with `await serializer.ais_valid()`."
                )
            result = await result
        return result

    async def _finish_all(self, values: Any, is_async: bool) -> Any:
        if self.many:
            return await self._finish_nested(values, True, is_async)
        return await self._finish(values, is_async)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Cross-field checks; return the (possibly changed) attrs or raise ValidationError."""
        return attrs

    def _start(self) -> None:
        if self.initial_data is empty:
            raise TypeError(
                f"{type(self).__name__}.is_valid() needs data: pass data= when creating the serializer "
                f"({type(self).__name__}(data=request_body))."
            )

    def _record(self, error: ValidationError | None, validated: Any, raise_exception: bool) -> bool:
        if error is None:
            self._validated_data, self._errors = validated, ([] if self.many else {})
            return True
        self._validated_data, self._errors = ([] if self.many else {}), error.detail
        if raise_exception:
            raise error
        return False

    def is_valid(self, *, raise_exception: bool = False) -> bool:
        """Validate ``data`` (queries use the sync ORM); errors in ``.errors``, the result in ``.validated_data``."""
        self._start()
        token = _CONTEXT.set(self.context)
        try:
            values = self._structure(self.initial_data)
            lookups = self._all_lookups(values)
            if lookups:
                run_lookups(lookups, type(self).__name__)
            validated = _drive(self._finish_all(values, False))
        except ValidationError as error:
            return self._record(error, None, raise_exception)
        finally:
            _CONTEXT.reset(token)
        return self._record(None, validated, raise_exception)

    async def ais_valid(self, *, raise_exception: bool = False) -> bool:
        """``is_valid()`` for async code: queries are awaited and hooks may be ``async def``."""
        self._start()
        token = _CONTEXT.set(self.context)
        try:
            values = self._structure(self.initial_data)
            await arun_lookups(self._all_lookups(values))
            validated = await self._finish_all(values, True)
        except ValidationError as error:
            return self._record(error, None, raise_exception)
        finally:
            _CONTEXT.reset(token)
        return self._record(None, validated, raise_exception)

    def _require_validated(self, what: str) -> None:
        if self._errors is None:
            raise AssertionError(f"Call `.is_valid()` or `await .ais_valid()` before reading `{what}`.")

    @property
    def validated_data(self) -> Any:
        """The validated values keyed by ``source`` (a list with ``many=True``); empty when invalid."""
        self._require_validated("validated_data")
        return self._validated_data

    @property
    def errors(self) -> Any:
        """DRF-shaped errors: ``{"field": ["message"], "non_field_errors": [...]}``; empty when valid."""
        self._require_validated("errors")
        return self._errors

    # ------------------------------------------------------------------ output
    def output_sources(self, value: Any) -> Any:
        """What the output model reads for ``value``: a list for ``many``, rows wrapped for method fields."""
        if value is None:
            return None
        has_methods = self._has_methods()
        if self.many:
            items = _listed(value)
            return [_WithMethods(self, item) for item in items] if has_methods else items
        return _WithMethods(self, value) if has_methods else value

    def _overridden(self) -> bool:
        return type(self).to_representation is not Serializer.to_representation

    def _validated_output(self, value: Any) -> Any:
        target: Any = self._output_adapter() if self.many else self.output_model
        try:
            if self.many:
                return target.validate_python(self.output_sources(value), from_attributes=True)
            return target.model_validate(self.output_sources(value), from_attributes=True)
        except pydantic.ValidationError as error:
            _output_failed(type(self).__name__, error)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """One object as primitive data (the default reads attributes through ``output_model``)."""
        token = _CONTEXT.set(self.context)
        try:
            validated = self.output_model.model_validate(
                _WithMethods(self, instance) if self._has_methods() else instance, from_attributes=True
            )
        except pydantic.ValidationError as error:
            _output_failed(type(self).__name__, error)
        finally:
            _CONTEXT.reset(token)
        return validated.model_dump(mode="json", by_alias=True)

    def _has_methods(self) -> bool:
        return any(isinstance(field, ComputedField) for field in self._fields().values())

    def _source(self) -> Any:
        if self.instance is not None:
            return self.instance
        if self._validated_data is not None and not self._errors:
            return self._validated_data
        return [] if self.many else {}

    @property
    def data(self) -> Any:
        """The output representation of ``instance`` (after ``save()``, of the saved object); a list for ``many``."""
        source = self._source()
        if self._overridden():
            return (
                [self.to_representation(item) for item in _listed(source)]
                if self.many
                else self.to_representation(source)
            )
        if not self.many and isinstance(source, dict) and self.instance is None:
            return self._dict_output(source)
        token = _CONTEXT.set(self.context)
        try:
            validated = self._validated_output(source)
        finally:
            _CONTEXT.reset(token)
        if self.many:
            return self._output_adapter().dump_python(validated, mode="json", by_alias=True)
        return validated.model_dump(mode="json", by_alias=True)

    def _dict_output(self, source: dict[str, Any]) -> dict[str, Any]:
        """``data`` of a valid, unsaved serializer: the readable validated values, as JSON-ready data."""
        readable = {
            name: source[name] for name, field in self._fields().items() if not field.write_only and name in source
        }
        return TypeAdapter(dict[str, Any]).dump_python(readable, mode="json")  # type: ignore[no-any-return]

    @classmethod
    def _row_renderer(cls) -> RowRenderer | None:
        """The no-validation renderer of this class (see ``_rows``), when all its output fields are plain."""
        if "_fj_row_renderer" not in cls.__dict__:
            plain = not any(
                isinstance(field, Serializer) or not field.plain_output or len(field.output_path) != 1
                for field in cls._fields().values()
                if not field.write_only
            )
            overridden = cls.to_representation is not Serializer.to_representation
            cls._fj_row_renderer = row_renderer(cls._model("output")) if plain and not overridden else None
        renderer: RowRenderer | None = cls.__dict__["_fj_row_renderer"]
        return renderer

    def json(self) -> bytes:
        """``data`` as JSON bytes, written by pydantic-core (no intermediate Python dicts)."""
        source = self._source()
        if self.instance is not None and source is self.instance:
            renderer = type(self)._row_renderer()
            if renderer is not None:
                fast = renderer.render_many(_listed(source)) if self.many else renderer.render_one(source)
                if fast is not None:
                    return fast
        if self._overridden() or (isinstance(source, dict) and self.instance is None):
            return TypeAdapter(Any).dump_json(self.data)
        token = _CONTEXT.set(self.context)
        try:
            validated = self._validated_output(source)
        finally:
            _CONTEXT.reset(token)
        if self.many:
            return self._output_adapter().dump_json(validated, by_alias=True)
        return bytes(validated.model_dump_json(by_alias=True).encode())

    @classmethod
    def render_json(cls, instances: Iterable[Any], *, context: dict[str, Any] | None = None) -> bytes:
        """A list of objects as JSON bytes: ``PostSerializer.render_json(posts)`` (what list views use)."""
        return cls(list(instances), many=True, context=context).json()

    # ------------------------------------------------------------------ saving
    def create(self, validated_data: dict[str, Any]) -> Any:
        """Make the object from ``validated_data`` (sync, or ``async def`` for ``asave()``)."""
        raise NotImplementedError(f"{type(self).__name__}.create() is not implemented; define it to call save().")

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        """Change ``instance`` with ``validated_data`` (sync, or ``async def`` for ``asave()``)."""
        raise NotImplementedError(f"{type(self).__name__}.update() is not implemented; define it to call save().")

    def _save_data(self, extra: dict[str, Any]) -> Any:
        if self._errors is None:
            raise AssertionError("Call `.is_valid()` or `await .ais_valid()` before `.save()`.")
        if self._errors:
            raise AssertionError(f"Cannot save {type(self).__name__} with invalid data; see `.errors`.")
        if self.many:
            if self.instance is not None:
                raise NotImplementedError(
                    f"save() of a many=True {type(self).__name__} given instances would have to pair each item "
                    "with an object; update them one by one, or drop the instances to create new objects."
                )
            return [{**item, **extra} for item in self._validated_data]
        return {**self._validated_data, **extra}

    def _write_alias(self) -> str | None:
        """The database the objects are written to (ModelSerializer: its model's), for ``many=True`` saves."""
        return None

    def _created(self, result: Any) -> Any:
        if inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()
            raise TypeError(f"{type(self).__name__}.create()/update() is async; use `await serializer.asave()`.")
        return result

    def save(self, **kwargs: Any) -> Any:
        """``create()`` or ``update()`` (when ``instance`` was given); extra keyword arguments join the data.

        With ``many=True`` each item is created, all in one transaction, and
        ``instance`` becomes the list of new objects.
        """
        from fastjango.orm import transaction

        data = self._save_data(kwargs)
        if self.many:
            with transaction.atomic(using=self._write_alias()):
                result: Any = [self._created(self.create(item)) for item in data]
        else:
            result = self._created(self.update(self.instance, data) if self.instance is not None else self.create(data))
        self.instance = result
        return result

    async def asave(self, **kwargs: Any) -> Any:
        """``save()`` for async code: awaits ``create()`` / ``update()`` when they are ``async def``."""
        from fastjango.orm import transaction

        data = self._save_data(kwargs)
        token = _ASYNC_SAVE.set(True)
        try:
            if self.many:
                async with transaction.atomic(using=self._write_alias()):
                    result: Any = [await _settle(self.create(item)) for item in data]
            else:
                result = await _settle(
                    self.update(self.instance, data) if self.instance is not None else self.create(data)
                )
        finally:
            _ASYNC_SAVE.reset(token)
        self.instance = result
        return result


async def _settle(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


def in_async_save() -> bool:
    """Is the current ``create()`` / ``update()`` called from ``asave()``?"""
    return _ASYNC_SAVE.get()


def _output_failed(name: str, error: pydantic.ValidationError) -> NoReturn:
    first = error.errors(include_url=False)[0]
    failure = _COMPUTE_FAILURE.get()
    _COMPUTE_FAILURE.set(None)
    if failure is not None and first["type"] == "get_attribute_error":
        raise failure
    where = ".".join(str(part) for part in first["loc"])
    hint = ""
    if first["type"] == "missing":
        hint = (
            " (the object has no such attribute; in async code, load relations before rendering with "
            "select_related() / prefetch_related(), since attribute access cannot query)"
        )
    raise ValueError(f"{name} could not output field {where!r}: {first['msg']}{hint}.") from None
