"""``Model._meta``: what ``class Meta`` declared, plus the model's fields once it is built."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fastjango.orm.exceptions import FieldDoesNotExist, ImproperlyConfigured

if TYPE_CHECKING:
    from fastjango.orm.fields.base import Field
    from fastjango.orm.models.base import Model

__all__ = ["META_OPTIONS", "Options"]

#: The ``class Meta`` attributes fastjango understands; any other name is an error (a typo, usually).
META_OPTIONS = frozenset(
    {
        "abstract",
        "app_label",
        "auto_created",
        "base_manager_name",
        "constraints",
        "db_table",
        "db_table_comment",
        "default_manager_name",
        "default_permissions",
        "default_related_name",
        "get_latest_by",
        "indexes",
        "managed",
        "ordering",
        "permissions",
        "proxy",
        "swappable",
        "unique_together",
        "verbose_name",
        "verbose_name_plural",
    }
)


def _app_label_from_module(module: str) -> str:
    """``blog.models`` and ``shop.blog.models.post`` give ``blog``; any other module its last part."""
    parts = module.split(".")
    if "models" in parts[1:]:
        return parts[parts.index("models", 1) - 1]
    return parts[-1]


def _verbose_name(class_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", class_name).lower()


class Options:
    """The options of one model (Django's ``_meta``)."""

    def __init__(self, model: type[Model], meta: type | None, parent_meta: Options | None) -> None:
        declared = {key: value for key, value in vars(meta).items() if not key.startswith("_")} if meta else {}
        unknown = sorted(set(declared) - META_OPTIONS)
        if unknown:
            raise ImproperlyConfigured(
                f"{model.__name__}.Meta has unknown option(s) {', '.join(unknown)}; "
                f"known options: {', '.join(sorted(META_OPTIONS))}."
            )

        def inherited(name: str, default: Any) -> Any:
            # Django inherits ordering, get_latest_by and the like from an abstract parent's Meta.
            if name in declared:
                return declared[name]
            if parent_meta is not None and name in parent_meta.inheritable:
                return parent_meta.inheritable[name]
            return default

        self.model = model
        self.object_name = model.__name__
        self.model_name = model.__name__.lower()
        self.abstract: bool = bool(declared.get("abstract", False))
        self.app_label: str = declared.get("app_label") or (
            parent_meta.app_label
            if parent_meta is not None and parent_meta.explicit_app_label
            else _app_label_from_module(model.__module__)
        )
        self.explicit_app_label: bool = "app_label" in declared or bool(parent_meta and parent_meta.explicit_app_label)
        self.db_table: str = declared.get("db_table") or f"{self.app_label}_{self.model_name}"
        self.db_table_comment: str | None = declared.get("db_table_comment")
        self.ordering: list[str] = list(inherited("ordering", []))
        self.get_latest_by: str | Sequence[str] | None = inherited("get_latest_by", None)
        self.unique_together: list[tuple[str, ...]] = self._normalize_together(inherited("unique_together", ()))
        self.constraints: list[Any] = list(inherited("constraints", []))
        self.indexes: list[Any] = list(inherited("indexes", []))
        self.verbose_name: str = declared.get("verbose_name") or _verbose_name(model.__name__)
        self.verbose_name_plural: str = declared.get("verbose_name_plural") or f"{self.verbose_name}s"
        self.default_related_name: str | None = inherited("default_related_name", None)
        self.managed: bool = declared.get("managed", True)
        #: Read by fastjango-auth, which creates these permissions after ``migrate`` (as Django's).
        self.default_permissions: tuple[str, ...] = tuple(
            inherited("default_permissions", ("add", "change", "delete", "view"))
        )
        self.permissions: list[tuple[str, str]] = [tuple(item) for item in inherited("permissions", [])]
        #: The alias of the one connection a model is bound to (see ``bind_connection``), taken from the
        #: class attribute ``_fj_bound_alias``: the historical models of data migrations. Such a model is
        #: not an application model: every query runs on that alias whatever the routers say, it is not
        #: registered, and lifecycle hooks do not fire for it. None for every application model.
        self.bound_alias: str | None = model.__dict__.get("_fj_bound_alias")
        self.proxy: bool = bool(declared.get("proxy", False))
        #: The setting that may name a replacement for this model (``"AUTH_USER_MODEL"``); not inherited.
        self.swappable: str | None = declared.get("swappable")
        #: The model an automatic many-to-many table was made for (it is swapped out with that model).
        self.auto_created: type[Model] | None = declared.get("auto_created")
        self._swapped_for: tuple[object, str | None] | None = None  # (settings, answer) of the last lookup
        self.default_manager_name: str | None = inherited("default_manager_name", None)
        self.base_manager_name: str | None = inherited("base_manager_name", None)
        self.inheritable: dict[str, Any] = {
            key: declared[key]
            for key in (
                "ordering",
                "get_latest_by",
                "unique_together",
                "constraints",
                "indexes",
                "default_related_name",
                "default_permissions",
                "permissions",
            )
            if key in declared
        }
        if parent_meta is not None:
            self.inheritable = {**parent_meta.inheritable, **self.inheritable}
        self.fields: list[Field[Any]] = []
        self.many_to_many: list[Field[Any]] = []
        self.related_objects: list[Any] = []  # reverse relations, added by the models pointing here
        self.pk: Field[Any] | None = None
        self.concrete_model: type[Model] = model
        self.proxy_for_model: type[Model] | None = None
        self._by_name: dict[str, Field[Any]] = {}
        self._by_attname: dict[str, Field[Any]] = {}

    @staticmethod
    def _normalize_together(value: Any) -> list[tuple[str, ...]]:
        if not value:
            return []
        items = list(value)
        if isinstance(items[0], str):
            return [tuple(items)]
        return [tuple(item) for item in items]

    @property
    def label(self) -> str:
        """``blog.Post``."""
        return f"{self.app_label}.{self.object_name}"

    @property
    def label_lower(self) -> str:
        return f"{self.app_label}.{self.model_name}"

    @property
    def swapped(self) -> str | None:
        """The ``app_label.Model`` replacing this model, when its ``swappable`` setting names another one.

        A swapped model has no table, no manager and no reverse relations: the
        project uses the model the setting names instead (as Django's
        ``AUTH_USER_MODEL``). Read from the active project's settings; None
        without a project.
        """
        if self.auto_created is not None:
            return self.auto_created._meta.swapped
        if not self.swappable:
            return None
        from fastjango.core.project import get_project, has_project

        if not has_project(load=False):
            return None
        settings = get_project().settings
        cached = self._swapped_for
        # Read on every manager access, so once per settings object (the setting is fixed for a project's life:
        # the relations are built from it).
        if cached is not None and cached[0] is settings:
            return cached[1]
        value = getattr(settings, self.swappable, None)
        swapped = None if not isinstance(value, str) or not value or value.lower() == self.label_lower else value
        self._swapped_for = (settings, swapped)
        return swapped

    def add_field(self, field: Field[Any]) -> None:
        if field.many_to_many:
            self.many_to_many.append(field)
        else:
            self.fields.append(field)
            self._by_attname[field.attname] = field
        self._by_name[field.name] = field
        if field.primary_key:
            self.pk = field

    def add_related_object(self, relation: Any) -> None:
        self.related_objects.append(relation)
        self._by_name[relation.name] = relation

    def get_field(self, name: str) -> Field[Any]:
        """The field called ``name`` (or with attname ``name``, such as ``author_id``); also reverse relations."""
        if name == "pk" and self.pk is not None:
            return self.pk
        field = self._by_name.get(name) or self._by_attname.get(name)
        if field is None:
            raise FieldDoesNotExist(f"{self.object_name} has no field named {name!r}.")
        return field

    def get_fields(self, include_reverse: bool = True) -> list[Any]:
        fields: list[Any] = [*self.fields, *self.many_to_many]
        if include_reverse:
            fields.extend(self.related_objects)
        return fields

    @property
    def concrete_fields(self) -> list[Field[Any]]:
        return [field for field in self.fields if field.concrete]

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.get_fields()]

    def __repr__(self) -> str:
        return f"<Options for {self.object_name}>"
