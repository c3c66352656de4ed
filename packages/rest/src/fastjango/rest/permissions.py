"""Who may do what: permission classes, their composition, and the checks the view runs.

A permission answers two questions, each with a plain or ``async def`` method:
``has_permission(request, view)`` before the handler runs, and
``has_object_permission(request, view, obj)`` once the view has fetched the
object (``get_object()``). Classes combine with ``&``, ``|`` and ``~``, as in
DRF::

    permission_classes = [IsAuthenticated & (IsOwner | IsAdminUser)]

A refusal is a 403 carrying the refusing permission's ``message`` and
``code``, or a 401 (with ``WWW-Authenticate``) when nobody is logged in and
an authentication class of the view can ask for credentials.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, ClassVar, TypeAlias

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.rest.exceptions import APIException, MethodNotAllowed, NotAuthenticated, NotFound, PermissionDenied

__all__ = [
    "AND",
    "NOT",
    "OR",
    "SAFE_METHODS",
    "AllowAny",
    "BasePermission",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "DjangoObjectPermissions",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
    "PermissionExpression",
    "check_object_permissions",
    "check_object_permissions_sync",
    "check_permissions",
]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

#: What a permission method returns: a bool, or an awaitable of one (``async def``).
MaybeAwaitableBool: TypeAlias = bool | Awaitable[bool]


async def _resolve(value: MaybeAwaitableBool) -> bool:
    return bool(await value) if inspect.isawaitable(value) else bool(value)


def _all(first: Callable[[], MaybeAwaitableBool], second: Callable[[], MaybeAwaitableBool]) -> MaybeAwaitableBool:
    """``first() and second()``, staying synchronous until a member turns out to be async."""
    result = first()
    if inspect.isawaitable(result):

        async def finish(pending: Awaitable[bool]) -> bool:
            return bool(await pending) and await _resolve(second())

        return finish(result)
    return second() if result else False


def _any(first: Callable[[], MaybeAwaitableBool], second: Callable[[], MaybeAwaitableBool]) -> MaybeAwaitableBool:
    """``first() or second()``, staying synchronous until a member turns out to be async."""
    result = first()
    if inspect.isawaitable(result):

        async def finish(pending: Awaitable[bool]) -> bool:
            return bool(await pending) or await _resolve(second())

        return finish(result)
    return True if result else second()


def _negate(value: MaybeAwaitableBool) -> MaybeAwaitableBool:
    if inspect.isawaitable(value):

        async def finish(pending: Awaitable[bool]) -> bool:
            return not await pending

        return finish(value)
    return not value


# ---------------------------------------------------------------------- composition
#: An operand of ``&``, ``|``, ``~``: a permission class, an expression of classes, or an instance.
Operand: TypeAlias = "type[BasePermission] | PermissionExpression | BasePermission"


def _instantiate(operand: Operand) -> BasePermission:
    return operand if isinstance(operand, BasePermission) else operand()


class _Composable:
    """``&``, ``|`` and ``~`` for permission classes and expressions: each builds a :class:`PermissionExpression`."""

    def __and__(self, other: Operand) -> PermissionExpression:
        return PermissionExpression(AND, self, other)  # type: ignore[arg-type]

    def __rand__(self, other: Operand) -> PermissionExpression:
        return PermissionExpression(AND, other, self)  # type: ignore[arg-type]

    def __or__(self, other: Operand) -> PermissionExpression:
        return PermissionExpression(OR, self, other)  # type: ignore[arg-type]

    def __ror__(self, other: Operand) -> PermissionExpression:
        return PermissionExpression(OR, other, self)  # type: ignore[arg-type]

    def __invert__(self) -> PermissionExpression:
        return PermissionExpression(NOT, self)  # type: ignore[arg-type]


class _PermissionMeta(_Composable, type):  # type: ignore[misc]  # `|` combines permissions, not types
    """Lets permission *classes* be combined: ``IsAuthenticated & IsAdminUser`` is a class-like factory."""


class PermissionExpression(_Composable):
    """A combination of permission classes, called (like a class) once per request to get a fresh instance."""

    def __init__(self, operator: type[BasePermission], *operands: Operand) -> None:
        self.operator = operator
        self.operands = operands

    def __call__(self) -> BasePermission:
        return self.operator(*(_instantiate(operand) for operand in self.operands))

    def __repr__(self) -> str:
        names = [getattr(operand, "__name__", repr(operand)) for operand in self.operands]
        return f"{self.operator.__name__}({', '.join(names)})"


class BasePermission(metaclass=_PermissionMeta):
    """Base of permission classes: everything is allowed until a subclass says otherwise.

    ``message`` and ``code`` make up the 403 a refusal produces. Both methods
    may be ``async def``; the view awaits what they return.
    """

    message: str | None = None
    code: str | None = None

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> MaybeAwaitableBool:
        return True

    def __and__(self, other: Operand) -> BasePermission:
        return AND(self, _instantiate(other))

    def __rand__(self, other: Operand) -> BasePermission:
        return AND(_instantiate(other), self)

    def __or__(self, other: Operand) -> BasePermission:
        return OR(self, _instantiate(other))

    def __ror__(self, other: Operand) -> BasePermission:
        return OR(_instantiate(other), self)

    def __invert__(self) -> BasePermission:
        return NOT(self)


class _Combination(BasePermission):
    """AND and OR: remember which member refused, to report that member's message and code."""

    def __init__(self, first: BasePermission, second: BasePermission) -> None:
        self.first = first
        self.second = second
        self.refused_by: BasePermission | None = None

    def _watch(
        self, member: BasePermission, check: Callable[[], MaybeAwaitableBool]
    ) -> Callable[[], MaybeAwaitableBool]:
        def run() -> MaybeAwaitableBool:
            result = check()
            if inspect.isawaitable(result):

                async def finish(pending: Awaitable[bool]) -> bool:
                    allowed = bool(await pending)
                    self._note(member, allowed)
                    return allowed

                return finish(result)
            self._note(member, bool(result))
            return result

        return run

    def _note(self, member: BasePermission, allowed: bool) -> None:
        # The first refusal speaks, unless it has nothing to say and a later one has (OR refuses twice).
        if allowed or (self.refused_by is not None and (self.message is not None or member.message is None)):
            return
        self.refused_by = member
        self.message = getattr(member, "message", None)
        self.code = getattr(member, "code", None)

    def _reset(self) -> None:
        self.refused_by = None
        self.message = None
        self.code = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.first!r}, {self.second!r})"


class AND(_Combination):
    """Both members allow; the second is not asked once the first refuses."""

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        self._reset()
        return _all(
            self._watch(self.first, lambda: self.first.has_permission(request, view)),
            self._watch(self.second, lambda: self.second.has_permission(request, view)),
        )

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> MaybeAwaitableBool:
        self._reset()
        return _all(
            self._watch(self.first, lambda: self.first.has_object_permission(request, view, obj)),
            self._watch(self.second, lambda: self.second.has_object_permission(request, view, obj)),
        )


class OR(_Combination):
    """Either member allows; for an object, a member must allow both the request and the object (DRF's rule)."""

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        self._reset()
        return _any(
            self._watch(self.first, lambda: self.first.has_permission(request, view)),
            self._watch(self.second, lambda: self.second.has_permission(request, view)),
        )

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> MaybeAwaitableBool:
        # A member that refused the request as a whole cannot grant the object: the view
        # asked has_permission of OR, which let the request through on the other member.
        self._reset()

        def allows(member: BasePermission) -> Callable[[], MaybeAwaitableBool]:
            return lambda: _all(
                lambda: member.has_permission(request, view),
                lambda: member.has_object_permission(request, view, obj),
            )

        return _any(self._watch(self.first, allows(self.first)), self._watch(self.second, allows(self.second)))


class NOT(BasePermission):
    """The member's answer reversed."""

    def __init__(self, operand: BasePermission) -> None:
        self.operand = operand

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        return _negate(self.operand.has_permission(request, view))

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> MaybeAwaitableBool:
        return _negate(self.operand.has_object_permission(request, view, obj))

    def __repr__(self) -> str:
        return f"NOT({self.operand!r})"


# ---------------------------------------------------------------------- the usual classes
def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _is_authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


class AllowAny(BasePermission):
    """Everyone, logged in or not."""

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        return True


class IsAuthenticated(BasePermission):
    """Logged-in users only."""

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        return _is_authenticated(_user(request))


class IsAdminUser(BasePermission):
    """Staff users only (``user.is_staff``)."""

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        user = _user(request)
        return bool(user is not None and getattr(user, "is_staff", False))


class IsAuthenticatedOrReadOnly(BasePermission):
    """Anyone may read (GET, HEAD, OPTIONS); only logged-in users may write."""

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        return request.method in SAFE_METHODS or _is_authenticated(_user(request))


def _then(value: Any, step: Callable[[Any], Any]) -> Any:
    """``step(value)``, awaiting ``value`` and the step's result first when they are awaitable."""
    if inspect.isawaitable(value):

        async def finish(pending: Awaitable[Any]) -> Any:
            result = step(await pending)
            return await result if inspect.isawaitable(result) else result

        return finish(value)
    return step(value)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _user_has_perms(user: Any, perms: Sequence[str], obj: Any = None) -> MaybeAwaitableBool:
    """Whether ``user`` holds every one of ``perms`` (on ``obj``); nothing required is always granted.

    On the event loop the user's ``ahas_perms`` is preferred (its permissions
    may live in the database); in a ``def`` handler's thread, ``has_perms``.
    """
    if not perms:
        return True
    args: tuple[Any, ...] = (perms,) if obj is None else (perms, obj)
    check = getattr(user, "ahas_perms", None)
    if check is not None and _on_event_loop():
        return _then(check(*args), bool)  # type: ignore[no-any-return]
    return bool(user.has_perms(*args))


class DjangoModelPermissions(BasePermission):
    """The model permissions of the view's queryset model: add to POST, change to PUT/PATCH, delete to DELETE.

    Codenames are ``"<app_label>.<action>_<model_name>"``; change :attr:`perms_map`
    in a subclass to require, say, ``view`` permission for reads.
    """

    perms_map: ClassVar[dict[str, list[str]]] = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }
    #: False lets anonymous users through wherever the method requires no permission.
    authenticated_users_only: ClassVar[bool] = True

    def get_required_permissions(self, method: str, model: Any) -> list[str]:
        """The codenames ``method`` needs on ``model``; a method missing from the map is a 405."""
        if method not in self.perms_map:
            raise MethodNotAllowed(method, allowed=list(self.perms_map))
        names = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
        return [perm % names for perm in self.perms_map[method]]

    def _model(self, view: Any) -> Any:
        """The view's queryset model (``get_queryset()`` first, as DRF), or an awaitable of it."""
        get_queryset = getattr(view, "get_queryset", None)
        queryset = get_queryset() if get_queryset is not None else getattr(view, "queryset", None)

        def model_of(queryset: Any) -> Any:
            if queryset is None:
                raise TypeError(
                    f"{type(self).__name__} needs a queryset on {type(view).__name__}: "
                    "set `queryset` or override `get_queryset()`."
                )
            return queryset.model

        return _then(queryset, model_of)

    def has_permission(self, request: Any, view: Any) -> MaybeAwaitableBool:
        user = _user(request)
        if user is None or (self.authenticated_users_only and not _is_authenticated(user)):
            return False
        if getattr(view, "_ignore_model_permissions", False):  # the router's API root lists, never touches a model
            return True
        return _then(  # type: ignore[no-any-return]
            self._model(view),
            lambda model: _user_has_perms(user, self.get_required_permissions(request.method, model)),
        )


class DjangoModelPermissionsOrAnonReadOnly(DjangoModelPermissions):
    """:class:`DjangoModelPermissions`, but anonymous users may read."""

    authenticated_users_only = False


class DjangoObjectPermissions(DjangoModelPermissions):
    """Per-object permissions (``user.has_perms(perms, obj)``), on top of the model permissions.

    A user who may not even read the object gets 404, so that the API does not
    reveal that it exists; one who may read it but not change it gets 403.
    """

    def get_required_object_permissions(self, method: str, model: Any) -> list[str]:
        return self.get_required_permissions(method, model)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> MaybeAwaitableBool:
        user = _user(request)

        def check(model: Any) -> MaybeAwaitableBool:
            perms = self.get_required_object_permissions(request.method, model)

            def decide(granted: bool) -> MaybeAwaitableBool:
                if granted:
                    return True
                if request.method in SAFE_METHODS:
                    raise NotFound()
                read_perms = self.get_required_object_permissions("GET", model)
                return _then(_user_has_perms(user, read_perms, obj), _forbidden_or_hidden)  # type: ignore[no-any-return]

            return _then(_user_has_perms(user, perms, obj), decide)  # type: ignore[no-any-return]

        return _then(self._model(view), check)  # type: ignore[no-any-return]


def _forbidden_or_hidden(can_read: bool) -> bool:
    if not can_read:
        raise NotFound()
    return False


# ---------------------------------------------------------------------- what the view calls
class _Challenge(NotAuthenticated):
    """401 with the authentication class's ``WWW-Authenticate`` challenge."""

    def __init__(self, www_authenticate: str) -> None:
        super().__init__()
        self.www_authenticate = www_authenticate

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": self.www_authenticate}


def _refusal(request: Any, user: Any, permission: BasePermission) -> APIException:
    """401 when nobody is logged in and an authentication class can ask for credentials; else 403."""
    if not _is_authenticated(user):
        for authenticator in getattr(request, "authenticators", ()):
            header_of = getattr(authenticator, "authenticate_header", None)
            header = header_of(request) if header_of is not None else None
            if header:
                return _Challenge(header)
    return PermissionDenied(detail=getattr(permission, "message", None), code=getattr(permission, "code", None))


async def _refuse(request: Any, permission: BasePermission) -> None:
    authenticate = getattr(request, "aauthenticate", None)
    user = await authenticate() if authenticate is not None else _user(request)
    raise _refusal(request, user, permission)


async def check_permissions(permissions: Iterable[BasePermission], request: Any, view: Any) -> None:
    """Ask each permission in turn; the first refusal raises ``NotAuthenticated`` or ``PermissionDenied``."""
    for permission in permissions:
        if not await _resolve(permission.has_permission(request, view)):
            await _refuse(request, permission)


async def check_object_permissions(permissions: Iterable[BasePermission], request: Any, view: Any, obj: Any) -> None:
    """Ask each permission about ``obj``; the first refusal raises as :func:`check_permissions` does."""
    for permission in permissions:
        if not await _resolve(permission.has_object_permission(request, view, obj)):
            await _refuse(request, permission)


def check_object_permissions_sync(permissions: Iterable[BasePermission], request: Any, view: Any, obj: Any) -> None:
    """:func:`check_object_permissions` for ``get_object()`` in a ``def`` handler's worker thread.

    An ``async def`` object check cannot run there: it is reported as a
    configuration error pointing at ``await self.aget_object()``.
    """
    for permission in permissions:
        allowed = permission.has_object_permission(request, view, obj)
        if inspect.isawaitable(allowed):
            if inspect.iscoroutine(allowed):
                allowed.close()
            raise ImproperlyConfigured(
                f"{type(permission).__name__}.has_object_permission is async, so it cannot run in a plain `def` "
                "handler; make the handler `async def` and use `await self.aget_object()`."
            )
        if not allowed:
            raise _refusal(request, _user(request), permission)
