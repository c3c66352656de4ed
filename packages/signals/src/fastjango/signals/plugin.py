"""The ``signals`` plugin: turns core's and the ORM's hooks into Django-style signals.

Activate it with ``INSTALLED_PLUGINS = ["orm", "signals"]`` (the ORM is
optional). Without it no hook below is implemented, so the ORM does not call
its lifecycle hooks at all and nothing is sent.

The ORM says whether a save, delete or many-to-many change is async
(``asynchronous``): then the hook returns an awaitable the ORM awaits, so the
signal goes out with ``asend``; a sync one is sent with ``send`` at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

from fastjango.core import hookimpl
from fastjango.core.middleware import MiddlewareSpec
from fastjango.signals import auth, core, models
from fastjango.signals.dispatcher import Signal
from fastjango.signals.middleware import RequestSignalsMiddleware

if TYPE_CHECKING:
    from fastjango.core.conf import Settings

# ---------------------------------------------------------------------------
# Core


@hookimpl
def fastjango_middleware(settings: Settings) -> list[MiddlewareSpec]:
    listed = list(settings.MIDDLEWARE)
    return [MiddlewareSpec(RequestSignalsMiddleware, before=listed[0] if listed else None)]


@hookimpl
def fastjango_setting_changed(settings: Settings, name: str, value: Any, enter: bool) -> None:
    if core.setting_changed.has_listeners(type(settings)):
        core.setting_changed.send(type(settings), settings=settings, setting=name, value=value, enter=enter)


# ---------------------------------------------------------------------------
# ORM (optional hooks: the plugin works without the ORM)


@hookimpl(optionalhook=True)
def fastjango_orm_class_prepared(model: type[Any]) -> None:
    # Historic, and replayed for every project: Django sends it once per class.
    if model in _prepared:
        return
    _prepared.add(model)
    models.class_prepared.send(model)


_prepared: weakref.WeakSet[type[Any]] = weakref.WeakSet()


@hookimpl(optionalhook=True)
def fastjango_orm_pre_save(
    model: type[Any],
    instance: Any,
    created: bool,
    using: str,
    update_fields: Sequence[str] | None,
    asynchronous: bool,
) -> Awaitable[None] | None:
    return _send(
        asynchronous,
        models.pre_save,
        model,
        instance=instance,
        created=created,
        raw=False,
        using=using,
        update_fields=_fields(update_fields),
    )


@hookimpl(optionalhook=True)
def fastjango_orm_post_save(
    model: type[Any],
    instance: Any,
    created: bool,
    using: str,
    update_fields: Sequence[str] | None,
    asynchronous: bool,
) -> Awaitable[None] | None:
    return _send(
        asynchronous,
        models.post_save,
        model,
        instance=instance,
        created=created,
        raw=False,
        using=using,
        update_fields=_fields(update_fields),
    )


@hookimpl(optionalhook=True)
def fastjango_orm_pre_delete(model: type[Any], instance: Any, using: str, asynchronous: bool) -> Awaitable[None] | None:
    return _send(asynchronous, models.pre_delete, model, instance=instance, using=using)


@hookimpl(optionalhook=True)
def fastjango_orm_post_delete(
    model: type[Any], instance: Any, using: str, asynchronous: bool
) -> Awaitable[None] | None:
    return _send(asynchronous, models.post_delete, model, instance=instance, using=using)


@hookimpl(optionalhook=True)
def fastjango_orm_m2m_changed(
    model: type[Any],
    instance: Any,
    action: str,
    reverse: bool,
    related_model: type[Any],
    pk_set: set[Any] | None,
    using: str,
    asynchronous: bool,
) -> Awaitable[None] | None:
    return _send(
        asynchronous,
        models.m2m_changed,
        model,
        instance=instance,
        action=action,
        reverse=reverse,
        model=related_model,
        pk_set=pk_set,
        using=using,
    )


@hookimpl(optionalhook=True)
def fastjango_orm_pre_migrate(project: Any, using: str) -> None:
    if models.pre_migrate._connections:  # any receiver, whatever its sender
        for app_config in project.apps.get_app_configs():
            models.pre_migrate.send(app_config, app_config=app_config, project=project, using=using)


@hookimpl(optionalhook=True)
def fastjango_orm_post_migrate(project: Any, using: str, plan: Sequence[Any]) -> None:
    if models.post_migrate._connections:  # any receiver, whatever its sender
        for app_config in project.apps.get_app_configs():
            models.post_migrate.send(app_config, app_config=app_config, project=project, using=using, plan=plan)


# ---------------------------------------------------------------------------
# Auth (optional hooks: defined by fastjango-auth when it is installed)


@hookimpl(optionalhook=True)
def fastjango_auth_user_logged_in(request: Any, user: Any, asynchronous: bool) -> Awaitable[None] | None:
    return _send(asynchronous, auth.user_logged_in, type(user), request=request, user=user)


@hookimpl(optionalhook=True)
def fastjango_auth_user_logged_out(request: Any, user: Any, asynchronous: bool) -> Awaitable[None] | None:
    sender = type(user) if user is not None and getattr(user, "is_authenticated", False) else None
    return _send(asynchronous, auth.user_logged_out, sender, request=request, user=user)


@hookimpl(optionalhook=True)
def fastjango_auth_user_login_failed(
    credentials: dict[str, Any], request: Any, asynchronous: bool
) -> Awaitable[None] | None:
    return _send(asynchronous, auth.user_login_failed, None, credentials=credentials, request=request)


# ---------------------------------------------------------------------------
# Helpers


def _fields(update_fields: Sequence[str] | None) -> frozenset[str] | None:
    """Django's type for ``update_fields``."""
    return frozenset(update_fields) if update_fields is not None else None


def _send(asynchronous: bool, signal: Signal, sender: Any, **named: Any) -> Awaitable[None] | None:
    """A sync save sends at once; an async one gets an awaitable the ORM awaits (``asend``)."""
    if not signal.has_listeners(sender):
        return None
    if not asynchronous:
        signal.send(sender, **named)
        return None
    return _Pending(lambda: signal.asend(sender, **named))


class _Pending:
    """``asend`` started only when awaited, so an awaitable the ORM drops leaves no un-awaited coroutine."""

    __slots__ = ("_start",)

    def __init__(self, start: Callable[[], Awaitable[Any]]) -> None:
        self._start = start

    def __await__(self) -> Generator[Any, None, None]:
        yield from self._start().__await__()
