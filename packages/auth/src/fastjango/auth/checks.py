"""System checks of fastjango-auth: the user model ``AUTH_USER_MODEL`` names, and deployment settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastjango.core.checks import CheckMessage, Error
from fastjango.core.checks import Warning as CheckWarning

__all__ = ["check_deployment", "check_user_model"]


def check_user_model(project: Any) -> Iterable[CheckMessage]:
    """The model must exist, be a user model, and have a unique ``USERNAME_FIELD`` outside ``REQUIRED_FIELDS``."""
    from fastjango.auth.models import AbstractBaseUser
    from fastjango.orm.exceptions import FieldDoesNotExist
    from fastjango.orm.models.registry import models_registry

    label = project.settings.AUTH_USER_MODEL
    try:
        model = models_registry.get_model(label)
    except LookupError:
        yield Error(
            f"AUTH_USER_MODEL refers to {label!r}, which is not a model of an installed app.",
            hint="Add the model's app to INSTALLED_APPS, or fix the 'app_label.ModelName' spelling.",
            id="auth.E001",
        )
        return
    if not issubclass(model, AbstractBaseUser):
        yield Error(
            f"AUTH_USER_MODEL {label!r} is not a user model.",
            hint="Subclass fastjango.auth.models.AbstractUser (or AbstractBaseUser and PermissionsMixin).",
            id="auth.E002",
        )
        return
    username_field = getattr(model, "USERNAME_FIELD", None)
    try:
        field = model._meta.get_field(username_field or "")
    except FieldDoesNotExist:
        yield Error(
            f"{label}.USERNAME_FIELD is {username_field!r}, which is not a field of the model.",
            id="auth.E003",
        )
        return
    if not getattr(field, "unique", False):
        yield Error(
            f"{label}.{username_field} is the USERNAME_FIELD, so it must be unique.",
            hint="Declare it with unique=True: two users with one name could not be told apart at login.",
            id="auth.E004",
        )
    if username_field in getattr(model, "REQUIRED_FIELDS", []):
        yield Error(
            f"{label}.REQUIRED_FIELDS must not contain the USERNAME_FIELD {username_field!r}.",
            hint="createsuperuser always asks for the USERNAME_FIELD; list only the other fields.",
            id="auth.E005",
        )


def check_deployment(project: Any) -> Iterable[CheckMessage]:
    """``check --deploy``: cookies that may travel over plain HTTP, and limits each worker keeps alone."""
    settings = project.settings
    if not settings.get("SESSION_COOKIE_SECURE", False) and not settings.get("SESSION_COOKIE_HOST_PREFIX", False):
        yield CheckWarning(
            "SESSION_COOKIE_SECURE is False: the session cookie (a login) is also sent over plain HTTP.",
            hint="Set SESSION_COOKIE_SECURE = True (or SESSION_COOKIE_HOST_PREFIX = True) when the site is on HTTPS.",
            id="auth.W001",
        )
    if not settings.get("CSRF_USE_SESSIONS", True) and not settings.get("CSRF_COOKIE_SECURE", False):
        yield CheckWarning(
            "CSRF_COOKIE_SECURE is False: the CSRF cookie is also sent over plain HTTP.",
            hint="Set CSRF_COOKIE_SECURE = True when the site is on HTTPS.",
            id="auth.W002",
        )
    if settings.get("LOGIN_RATE_LIMIT_ENABLED", True) and settings.get("LOGIN_RATE_LIMIT_STORE", "memory") == "memory":
        yield CheckWarning(
            "LOGIN_RATE_LIMIT_STORE is 'memory': each worker process counts failed logins on its own, so an "
            "attacker gets as many guesses as there are workers.",
            hint="Set LOGIN_RATE_LIMIT_STORE to a redis:// URL shared by every worker.",
            id="auth.W003",
        )
