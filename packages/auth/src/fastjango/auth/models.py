"""Users, groups and permissions (app label ``auth``), as in ``django.contrib.auth``.

``AbstractBaseUser`` is the least a user model needs (a password hash, the
last login, ``is_active``); ``PermissionsMixin`` adds superusers, groups and
permissions; ``AbstractUser`` is the full default set of fields, and ``User``
the concrete model used unless ``AUTH_USER_MODEL`` names another. Permission
checks go through the authentication backends, sync (``has_perm``) and
async (``ahas_perm``); active superusers pass every check.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import unicodedata
from collections.abc import Iterable
from typing import Any, ClassVar

from fastjango.orm import Manager, Model, fields

__all__ = [
    "AbstractBaseUser",
    "AbstractUser",
    "AnonymousUser",
    "Group",
    "Permission",
    "PermissionsMixin",
    "User",
    "UserManager",
]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Permission(Model):
    """One permission: ``"<app_label>.<codename>"`` (``"blog.change_post"``); made per model after migrate."""

    name = fields.CharField(max_length=255)
    app_label = fields.CharField(max_length=100)
    model = fields.CharField(max_length=100, blank=True, default="")
    codename = fields.CharField(max_length=100)

    class Meta:
        app_label = "auth"
        unique_together = (("app_label", "codename"),)
        ordering = ("app_label", "model", "codename")

    def __str__(self) -> str:
        return f"{self.app_label}.{self.codename}"

    @property
    def perm(self) -> str:
        return f"{self.app_label}.{self.codename}"


class Group(Model):
    """A named set of permissions that users get by being members."""

    name = fields.CharField(max_length=150, unique=True)
    permissions = fields.ManyToManyField(Permission, related_name="groups", blank=True)

    class Meta:
        app_label = "auth"
        ordering = ("name",)

    def __str__(self) -> str:
        return str(self.name)


class UserManager(Manager[Any]):
    """``create_user`` / ``create_superuser`` (and their async twins), as Django's."""

    @staticmethod
    def normalize_email(email: str | None) -> str:
        """Lower-case the domain part only: the local part may be case-sensitive."""
        email = email or ""
        local, at, domain = email.strip().rpartition("@")
        return f"{local}@{domain.lower()}" if at else email.strip()

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return unicodedata.normalize("NFKC", username)

    def _identifier(
        self, username: str | None, email: str | None, extra: dict[str, Any]
    ) -> tuple[str | None, str | None, dict[str, Any]]:
        """The ``USERNAME_FIELD`` value, the e-mail and the other fields, however the caller named them.

        The first argument is the ``USERNAME_FIELD`` value (``create_user("ann@example.com", ...)`` for a
        model that logs in by e-mail), unless that field is given by name (``email=`` for such a model,
        as ``createsuperuser`` does): then ``username`` is the model's plain ``username`` field.
        """
        field = self.model.USERNAME_FIELD
        if field == "username":
            return username, email, extra
        values = dict(extra)
        named = email if field == "email" else values.pop(field, None)
        if field == "email":
            email = None  # the identifier is the e-mail; there is no second e-mail field to fill
        if named is None:
            return username, email, values
        if username is not None:
            values["username"] = username
        return named, email, values

    def _build(self, identifier: str, email: str | None, password: str | None, /, **extra: Any) -> Any:
        model = self.model
        username_field = model.USERNAME_FIELD
        values: dict[str, Any] = {**extra, username_field: self.normalize_username(identifier)}
        if email is not None or "email" in {f.name for f in model._meta.concrete_fields}:
            email_field = getattr(model, "EMAIL_FIELD", "email")
            if email_field != username_field:
                values[email_field] = self.normalize_email(email)
        user = model(**values)
        user.set_password(password)
        return user

    def create_user(
        self, username: str | None = None, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        username, email, extra = self._identifier(username, email, extra)
        if not username:
            raise ValueError(f"create_user() needs a {self.model.USERNAME_FIELD}.")
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._build(username, email, password, **self._known(extra))
        user.save()
        return user

    async def acreate_user(
        self, username: str | None = None, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        username, email, extra = self._identifier(username, email, extra)
        if not username:
            raise ValueError(f"acreate_user() needs a {self.model.USERNAME_FIELD}.")
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        from starlette.concurrency import run_in_threadpool

        user = await run_in_threadpool(self._build, username, email, password, **self._known(extra))
        await user.asave()
        return user

    def create_superuser(
        self, username: str | None = None, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        extra = self._superuser(extra)
        return self.create_user(username, email, password, **extra)

    async def acreate_superuser(
        self, username: str | None = None, email: str | None = None, password: str | None = None, **extra: Any
    ) -> Any:
        extra = self._superuser(extra)
        return await self.acreate_user(username, email, password, **extra)

    @staticmethod
    def _superuser(extra: dict[str, Any]) -> dict[str, Any]:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if extra.get("is_staff") is not True:
            raise ValueError("A superuser must have is_staff=True.")
        if extra.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_superuser=True.")
        return extra

    def _known(self, extra: dict[str, Any]) -> dict[str, Any]:
        """Drop the staff/superuser flags a custom user model without them does not have."""
        names = {f.name for f in self.model._meta.concrete_fields}
        return {key: value for key, value in extra.items() if key in names or key not in {"is_staff", "is_superuser"}}

    def get_by_natural_key(self, username: str) -> Any:
        return self.get(**{self.model.USERNAME_FIELD: username})

    async def aget_by_natural_key(self, username: str) -> Any:
        return await self.aget(**{self.model.USERNAME_FIELD: username})


class AbstractBaseUser(Model):
    """The least a user model needs: a password hash, the last login and whether the account is active."""

    password = fields.CharField(max_length=128)
    last_login = fields.DateTimeField(null=True, blank=True)
    is_active = fields.BooleanField(default=True)

    USERNAME_FIELD: ClassVar[str] = "username"
    EMAIL_FIELD: ClassVar[str] = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    class Meta:
        abstract = True

    def get_username(self) -> str:
        return str(getattr(self, self.USERNAME_FIELD))

    def __str__(self) -> str:
        return self.get_username()

    # -- passwords -----------------------------------------------------------
    def set_password(self, raw_password: str | None) -> None:
        """Hash ``raw_password`` with the preferred hasher (``None``: an unusable password)."""
        from fastjango.auth.hashers import make_password

        self.password = make_password(raw_password)
        self._password_changed = raw_password

    def set_unusable_password(self) -> None:
        self.set_password(None)

    def has_usable_password(self) -> bool:
        from fastjango.auth.hashers import is_password_usable

        return is_password_usable(self.password)

    def check_password(self, raw_password: str) -> bool:
        """Whether ``raw_password`` is right; an outdated hash is replaced (and saved) only when it is."""
        from fastjango.auth.hashers import check_password

        def upgrade(raw: str) -> None:
            self.set_password(raw)
            self._password_changed = None
            if self.pk is not None:
                self.save(update_fields=["password"])

        return check_password(raw_password, self.password, upgrade)

    async def acheck_password(self, raw_password: str) -> bool:
        """``check_password`` for async code: the hashing runs in a worker thread."""
        from fastjango.auth.hashers import acheck_password

        async def upgrade(raw: str) -> None:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(self.set_password, raw)
            self._password_changed = None
            if self.pk is not None:
                await self.asave(update_fields=["password"])

        return await acheck_password(raw_password, self.password, upgrade)

    def get_session_auth_hash(self) -> str:
        """A digest of the password hash: sessions made before a password change stop working."""
        from fastjango.core.project import get_project

        secret = str(get_project().settings.SECRET_KEY).encode()
        key = hashlib.sha256(b"fastjango.auth.session-auth-hash" + secret).digest()
        return hmac.new(key, str(self.password).encode(), hashlib.sha256).hexdigest()


class PermissionsMixin(Model):
    """Superusers, groups and per-user permissions, checked through the authentication backends."""

    is_superuser = fields.BooleanField(
        default=False, help_text="Has every permission without it being granted explicitly."
    )
    # Django's names: ``group.user_set`` / ``permission.user_set``, ``filter(user=...)`` from the other side.
    groups = fields.ManyToManyField(Group, related_name="user_set", related_query_name="user", blank=True)
    user_permissions = fields.ManyToManyField(
        Permission, related_name="user_set", related_query_name="user", blank=True
    )

    class Meta:
        abstract = True

    def _backends(self) -> list[Any]:
        from fastjango.auth.backends import get_backends

        return get_backends()

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        found: set[str] = set()
        for backend in self._backends():
            if hasattr(backend, "get_all_permissions"):
                found |= backend.get_all_permissions(self, obj)
        return found

    async def aget_all_permissions(self, obj: Any = None) -> set[str]:
        found: set[str] = set()
        for backend in self._backends():
            if hasattr(backend, "aget_all_permissions"):
                found |= await backend.aget_all_permissions(self, obj)
        return found

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Active superusers have every permission; others ask each backend until one says yes."""
        if getattr(self, "is_active", True) and self.is_superuser:
            return True
        return any(getattr(b, "has_perm", None) and b.has_perm(self, perm, obj) for b in self._backends())

    async def ahas_perm(self, perm: str, obj: Any = None) -> bool:
        if getattr(self, "is_active", True) and self.is_superuser:
            return True
        for backend in self._backends():
            check = getattr(backend, "ahas_perm", None)
            if check is not None and await check(self, perm, obj):
                return True
        return False

    def has_perms(self, perm_list: Iterable[str], obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    async def ahas_perms(self, perm_list: Iterable[str], obj: Any = None) -> bool:
        for perm in perm_list:
            if not await self.ahas_perm(perm, obj):
                return False
        return True

    def has_module_perms(self, app_label: str) -> bool:
        if getattr(self, "is_active", True) and self.is_superuser:
            return True
        return any(perm.split(".", 1)[0] == app_label for perm in self.get_all_permissions())

    async def ahas_module_perms(self, app_label: str) -> bool:
        if getattr(self, "is_active", True) and self.is_superuser:
            return True
        return any(perm.split(".", 1)[0] == app_label for perm in await self.aget_all_permissions())


class AbstractUser(AbstractBaseUser, PermissionsMixin):
    """Django's default user fields: a unique username, names, an e-mail, staff status and the join date."""

    username = fields.CharField(
        max_length=150, unique=True, help_text="150 characters or fewer: letters, digits and @/./+/-/_ only."
    )
    first_name = fields.CharField(max_length=150, blank=True, default="")
    last_name = fields.CharField(max_length=150, blank=True, default="")
    email = fields.EmailField(max_length=254, blank=True, default="")
    is_staff = fields.BooleanField(default=False, help_text="Can log into the admin site.")
    date_joined = fields.DateTimeField(default=_now)

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    objects = UserManager()

    class Meta:
        abstract = True

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return str(self.first_name)


class User(AbstractUser):
    """The user model of projects that keep ``AUTH_USER_MODEL = "auth.User"``.

    Swapped out when the setting names another model: then it has no table,
    no manager and no reverse relations (``Group.user_set`` is the custom model's).
    """

    class Meta:
        app_label = "auth"
        db_table = "auth_user"
        swappable = "AUTH_USER_MODEL"


class AnonymousUser:
    """The user of a request nobody is logged in to: no permissions, not authenticated."""

    pk = None
    id = None
    username = ""
    is_active = False
    is_staff = False
    is_superuser = False
    is_authenticated = False
    is_anonymous = True

    def __str__(self) -> str:
        return "AnonymousUser"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnonymousUser)

    def __hash__(self) -> int:
        return 1

    def get_username(self) -> str:
        return self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    async def ahas_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list: Iterable[str], obj: Any = None) -> bool:
        return not list(perm_list)

    async def ahas_perms(self, perm_list: Iterable[str], obj: Any = None) -> bool:
        return not list(perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return False

    async def ahas_module_perms(self, app_label: str) -> bool:
        return False

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return set()

    async def aget_all_permissions(self, obj: Any = None) -> set[str]:
        return set()
