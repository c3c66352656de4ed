"""Authentication backends: who a set of credentials belongs to, and what a user may do.

``AUTHENTICATION_BACKENDS`` lists them; ``authenticate()`` asks each in turn
and permission checks (``user.has_perm``) ask each until one says yes. A
backend implements what it can: ``authenticate`` / ``aauthenticate``,
``get_user`` / ``aget_user``, ``has_perm`` / ``ahas_perm``... An object-level
permission backend answers for ``obj`` (``ModelBackend`` answers only for
``obj=None``, as Django's).
"""

from __future__ import annotations

import importlib
from typing import Any

from fastjango.core.exceptions import ImproperlyConfigured

__all__ = [
    "AllowAllUsersModelBackend",
    "BaseBackend",
    "ModelBackend",
    "get_backends",
    "load_backend",
    "session_backend_path",
]

_CACHE_ATTRIBUTE = "_fj_permission_cache"


class BaseBackend:
    """A backend that recognises nobody and grants nothing: subclass it and override what you support."""

    def authenticate(self, request: Any, **credentials: Any) -> Any:
        return None

    async def aauthenticate(self, request: Any, **credentials: Any) -> Any:
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(lambda: self.authenticate(request, **credentials))

    def get_user(self, user_id: Any) -> Any:
        return None

    async def aget_user(self, user_id: Any) -> Any:
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    async def aget_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    async def ahas_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in await self.aget_all_permissions(user_obj, obj)


class ModelBackend(BaseBackend):
    """Username and password against the user model; permissions from the user's own and its groups'."""

    def user_can_authenticate(self, user: Any) -> bool:
        """Inactive users are refused (custom models without ``is_active`` are allowed)."""
        return bool(getattr(user, "is_active", True))

    @staticmethod
    def _username(user_model: Any, username: str | None, credentials: dict[str, Any]) -> str | None:
        if username is None:
            username = credentials.get(user_model.USERNAME_FIELD)
        return username

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kw: Any) -> Any:
        from fastjango.auth import get_user_model
        from fastjango.auth.hashers import run_dummy_hash

        user_model = get_user_model()
        username = self._username(user_model, username, kw)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            run_dummy_hash(password)  # an unknown name costs what a known one does: no enumeration by timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    async def aauthenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kw: Any
    ) -> Any:
        from fastjango.auth import get_user_model
        from fastjango.auth.hashers import arun_dummy_hash

        user_model = get_user_model()
        username = self._username(user_model, username, kw)
        if username is None or password is None:
            return None
        try:
            user = await user_model._default_manager.aget_by_natural_key(username)
        except user_model.DoesNotExist:
            await arun_dummy_hash(password)
            return None
        if await user.acheck_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> Any:
        from fastjango.auth import get_user_model

        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(pk=user_id)
        except (user_model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> Any:
        from fastjango.auth import get_user_model

        user_model = get_user_model()
        try:
            user = await user_model._default_manager.aget(pk=user_id)
        except (user_model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None

    # -- permissions -----------------------------------------------------------
    @staticmethod
    def _queries(user_obj: Any) -> tuple[Any, Any]:
        from fastjango.auth.models import Permission

        own = Permission.objects.filter(user__pk=user_obj.pk).values_list("app_label", "codename")
        via_groups = Permission.objects.filter(groups__user__pk=user_obj.pk).values_list("app_label", "codename")
        return own, via_groups

    def _eligible(self, user_obj: Any, obj: Any) -> bool:
        return (
            bool(getattr(user_obj, "is_active", False)) and not getattr(user_obj, "is_anonymous", True) and obj is None
        )

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not self._eligible(user_obj, obj):
            return set()
        cached: set[str] | None = user_obj.__dict__.get(_CACHE_ATTRIBUTE)
        if cached is None:
            if getattr(user_obj, "is_superuser", False):
                from fastjango.auth.models import Permission

                rows = Permission.objects.values_list("app_label", "codename")
                cached = {f"{app}.{code}" for app, code in rows}
            else:
                own, via_groups = self._queries(user_obj)
                cached = {f"{app}.{code}" for app, code in [*own, *via_groups]}
            user_obj.__dict__[_CACHE_ATTRIBUTE] = cached
        return cached

    async def aget_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not self._eligible(user_obj, obj):
            return set()
        cached: set[str] | None = user_obj.__dict__.get(_CACHE_ATTRIBUTE)
        if cached is None:
            if getattr(user_obj, "is_superuser", False):
                from fastjango.auth.models import Permission

                rows = [row async for row in Permission.objects.values_list("app_label", "codename")]
                cached = {f"{app}.{code}" for app, code in rows}
            else:
                own, via_groups = self._queries(user_obj)
                rows = [row async for row in own] + [row async for row in via_groups]
                cached = {f"{app}.{code}" for app, code in rows}
            user_obj.__dict__[_CACHE_ATTRIBUTE] = cached
        return cached


class AllowAllUsersModelBackend(ModelBackend):
    """``ModelBackend`` that lets inactive users log in too (they are refused elsewhere, if at all)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return True


def load_backend(path: str) -> Any:
    module_name, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)()
    except (ImportError, AttributeError, ValueError) as error:
        raise ImproperlyConfigured(f"AUTHENTICATION_BACKENDS: cannot import {path!r} ({error}).") from None


_backends: tuple[object, list[tuple[str, Any]]] | None = None


def get_backends(*, with_paths: bool = False) -> list[Any]:
    """The configured backends, instantiated once per value of ``AUTHENTICATION_BACKENDS``."""
    global _backends
    from fastjango.core.project import get_project

    paths = get_project().settings.AUTHENTICATION_BACKENDS
    cached = _backends
    if cached is None or cached[0] is not paths:
        if not paths:
            raise ImproperlyConfigured("AUTHENTICATION_BACKENDS is empty: nobody could ever log in.")
        cached = _backends = (paths, [(path, load_backend(path)) for path in paths])
    return list(cached[1]) if with_paths else [backend for _, backend in cached[1]]


def session_backend_path() -> str:
    """The backend a login without ``authenticate()`` names in the session: the first that loads users by id.

    Social login and ``fastjango.auth.testing.aforce_login`` use it (``ModelBackend`` usually).
    """
    for path, backend in get_backends(with_paths=True):
        method = getattr(type(backend), "aget_user", None)
        if method is not None and method is not BaseBackend.aget_user:
            return str(path)
    raise ImproperlyConfigured(
        "Logging a user in without a password needs an authentication backend that loads users by id "
        "(aget_user), such as fastjango.auth.backends.ModelBackend, in AUTHENTICATION_BACKENDS."
    )
