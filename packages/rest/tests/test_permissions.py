"""Permissions: the classes, their composition with & | ~, model and object permissions, 401 against 403."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from rest_blog.models import Author, Post
from starlette.requests import Request as StarletteRequest

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.urls import include, path
from fastjango.rest import routers, serializers, viewsets
from fastjango.rest.authentication import BaseAuthentication
from fastjango.rest.exceptions import MethodNotAllowed, NotAuthenticated, NotFound, PermissionDenied
from fastjango.rest.permissions import (
    AND,
    NOT,
    OR,
    SAFE_METHODS,
    AllowAny,
    BasePermission,
    DjangoModelPermissions,
    DjangoModelPermissionsOrAnonReadOnly,
    DjangoObjectPermissions,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
    check_object_permissions,
    check_object_permissions_sync,
    check_permissions,
)
from fastjango.rest.request import Request


# ---------------------------------------------------------------------- users and authentication
class User:
    """A user as the auth plugin will provide: flags, model permissions and per-object permissions."""

    is_authenticated = True
    is_anonymous = False
    is_superuser = False

    def __init__(
        self,
        pk: int,
        username: str,
        *,
        is_staff: bool = False,
        perms: Iterable[str] = (),
        object_perms: dict[Any, set[str]] | None = None,
    ) -> None:
        self.pk = self.id = pk
        self.username = username
        self.is_staff = is_staff
        self.perms = set(perms)
        self.object_perms = object_perms or {}

    def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        granted = self.perms if obj is None else self.object_perms.get(obj.pk, set())
        return all(perm in granted for perm in perms)


class AsyncUser(User):
    """A user whose permissions live in the database: only the async check may run on the event loop."""

    def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        raise AssertionError("the sync has_perms was called although ahas_perms exists")

    async def ahas_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        return User.has_perms(self, perms, obj)


POST_PERMS = {"rest_blog.add_post", "rest_blog.change_post", "rest_blog.delete_post"}
READ_CHANGE = {"rest_blog.view_post", "rest_blog.change_post"}
USERS: dict[str, User] = {
    "alice": User(1, "alice"),
    "bob": User(2, "bob", is_staff=True),
    "carol": User(3, "carol", perms=POST_PERMS),
    "dave": AsyncUser(4, "dave", perms=POST_PERMS),
    "erin": User(5, "erin", perms=POST_PERMS, object_perms={7: {"rest_blog.view_post"}}),
    "frank": AsyncUser(
        6, "frank", perms=POST_PERMS, object_perms={7: {"rest_blog.view_post", "rest_blog.change_post"}}
    ),
}


class HeaderAuthentication(BaseAuthentication):
    """``X-User: alice`` logs alice in; without the header a 401 challenges the client."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        name = request.headers.get("x-user")
        return (USERS[name], None) if name in USERS else None

    def authenticate_header(self, request: Any) -> str | None:
        return 'Header realm="api"'


class SilentHeaderAuthentication(HeaderAuthentication):
    """The same scheme without a challenge: refusals stay 403."""

    def authenticate_header(self, request: Any) -> str | None:
        return None


def make_request(
    method: str = "GET",
    user: str | None = None,
    headers: dict[str, str] | None = None,
    authenticators: Iterable[Any] = (HeaderAuthentication(),),
) -> Request:
    raw = dict(headers or {})
    if user is not None:
        raw["x-user"] = user
    scope = {
        "type": "http",
        "method": method,
        "path": "/api/posts/",
        "raw_path": b"/api/posts/",
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": [(key.lower().encode(), value.encode()) for key, value in raw.items()],
        "client": ("10.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    return Request(StarletteRequest(scope), authenticators=tuple(authenticators))


class PostView:
    """What permissions read from a view: its queryset."""

    queryset = Post.objects.all()


class PostViewWithGetQueryset:
    def get_queryset(self) -> Any:
        return Post.objects.filter(status="published")


VIEW = PostView()


class Obj:
    """An object with a primary key, as the view's get_object() returns."""

    def __init__(self, pk: int, owner: str = "") -> None:
        self.pk = pk
        self.owner = owner


# ---------------------------------------------------------------------- user-written permissions
class IsOwner(BasePermission):
    message = "Only the owner may do this."
    code = "not_owner"

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.owner == getattr(request.user, "username", None))


class AsyncIsOwner(IsOwner):
    async def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return bool(obj.owner == getattr(request.user, "username", None))


class AsyncIsStaff(BasePermission):
    message = "Staff only (async)."

    async def has_permission(self, request: Any, view: Any) -> bool:
        return bool(getattr(request.user, "is_staff", False))


class HeaderSaysYes(BasePermission):
    message = "Say yes."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.headers.get("x-allow") == "yes")


class AsyncDeny(BasePermission):
    message = "Never (async)."

    async def has_permission(self, request: Any, view: Any) -> bool:
        return False

    async def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return False


class Exploding(BasePermission):
    """Must never be asked: short-circuiting skips it."""

    def has_permission(self, request: Any, view: Any) -> bool:
        raise AssertionError("evaluated although the result was already known")

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        raise AssertionError("evaluated although the result was already known")


async def allowed(permission: Any, request: Request, view: Any = VIEW) -> bool:
    try:
        await check_permissions([permission], request, view)
    except (PermissionDenied, NotAuthenticated):
        return False
    return True


async def object_allowed(permission: Any, request: Request, obj: Any, view: Any = VIEW) -> bool:
    try:
        await check_object_permissions([permission], request, view, obj)
    except (PermissionDenied, NotAuthenticated):
        return False
    return True


# ---------------------------------------------------------------------- the simple classes
async def test_allow_any_lets_anonymous_clients_through() -> None:
    await check_permissions([AllowAny()], make_request(), VIEW)


async def test_is_authenticated_challenges_anonymous_clients_with_401() -> None:
    with pytest.raises(NotAuthenticated) as caught:
        await check_permissions([IsAuthenticated()], make_request(), VIEW)
    assert caught.value.status_code == 401
    assert caught.value.headers() == {"WWW-Authenticate": 'Header realm="api"'}
    assert caught.value.detail == "Authentication credentials were not provided."
    await check_permissions([IsAuthenticated()], make_request(user="alice"), VIEW)


async def test_without_a_challenge_an_anonymous_refusal_is_403() -> None:
    request = make_request(authenticators=[SilentHeaderAuthentication()])
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([IsAuthenticated()], request, VIEW)
    assert caught.value.status_code == 403
    assert caught.value.detail == "You do not have permission to perform this action."
    with pytest.raises(PermissionDenied):
        await check_permissions([IsAuthenticated()], make_request(authenticators=[]), VIEW)


async def test_a_logged_in_user_refused_gets_403_not_401() -> None:
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([IsAdminUser()], make_request(user="alice"), VIEW)
    assert caught.value.status_code == 403
    await check_permissions([IsAdminUser()], make_request(user="bob"), VIEW)


async def test_is_authenticated_or_read_only() -> None:
    for method in ("GET", "HEAD", "OPTIONS"):
        assert await allowed(IsAuthenticatedOrReadOnly(), make_request(method))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert not await allowed(IsAuthenticatedOrReadOnly(), make_request(method))
        assert await allowed(IsAuthenticatedOrReadOnly(), make_request(method, user="alice"))


async def test_the_refusing_permissions_message_and_code_make_the_403() -> None:
    with pytest.raises(PermissionDenied) as caught:
        await check_object_permissions([AllowAny(), IsOwner()], make_request(user="alice"), VIEW, Obj(1, "bob"))
    assert (caught.value.detail, caught.value.code) == ("Only the owner may do this.", "not_owner")
    await check_object_permissions([IsOwner()], make_request(user="alice"), VIEW, Obj(1, "alice"))


async def test_every_permission_must_allow_and_the_first_refusal_speaks() -> None:
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([IsAuthenticated(), HeaderSaysYes(), AsyncIsStaff()], make_request(user="alice"), VIEW)
    assert caught.value.detail == "Say yes."
    request = make_request(user="alice", headers={"x-allow": "yes"})
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([IsAuthenticated(), HeaderSaysYes(), AsyncIsStaff()], request, VIEW)
    assert caught.value.detail == "Staff only (async)."


# ---------------------------------------------------------------------- composition
@pytest.mark.parametrize(
    ("expression", "user", "headers", "expected"),
    [
        (IsAuthenticated & IsAdminUser, "bob", {}, True),
        (IsAuthenticated & IsAdminUser, "alice", {}, False),
        (IsAuthenticated & IsAdminUser, None, {}, False),
        (IsAdminUser | HeaderSaysYes, "alice", {"x-allow": "yes"}, True),
        (IsAdminUser | HeaderSaysYes, "alice", {}, False),
        (IsAdminUser | HeaderSaysYes, "bob", {}, True),
        (~IsAuthenticated, None, {}, True),
        (~IsAuthenticated, "alice", {}, False),
        (~~IsAdminUser, "bob", {}, True),
        (IsAuthenticated & (AsyncIsStaff | HeaderSaysYes), "alice", {"x-allow": "yes"}, True),
        (IsAuthenticated & (AsyncIsStaff | HeaderSaysYes), "alice", {}, False),
        (IsAuthenticated & (AsyncIsStaff | HeaderSaysYes), "bob", {}, True),
        (IsAuthenticated & ~AsyncIsStaff, "alice", {}, True),
        (IsAuthenticated & ~AsyncIsStaff, "bob", {}, False),
        (AsyncDeny | AsyncIsStaff, "bob", {}, True),
        (AsyncDeny | AsyncIsStaff, "alice", {}, False),
        # Short-circuits: the right-hand side is not asked once the left decides (sync and async).
        (AllowAny | Exploding, None, {}, True),
        (~AllowAny & Exploding, None, {}, False),
        (AsyncDeny & Exploding, "bob", {}, False),
        (AsyncIsStaff | Exploding, "bob", {}, True),
        # Mixed operands: a class with an instance.
        (IsAuthenticated & IsAdminUser(), "bob", {}, True),
        (IsAuthenticated() | IsAdminUser, None, {}, False),
    ],
)
async def test_composed_permissions(expression: Any, user: str | None, headers: dict[str, str], expected: bool) -> None:
    request = make_request(user=user, headers=headers, authenticators=[SilentHeaderAuthentication()])
    permission = expression if isinstance(expression, BasePermission) else expression()
    assert await allowed(permission, request) is expected


def test_composition_of_classes_is_a_factory_of_fresh_instances() -> None:
    expression = IsAuthenticated & (IsOwner | IsAdminUser)
    first, second = expression(), expression()
    assert isinstance(first, AND) and isinstance(first.second, OR)
    assert first is not second and first.first is not second.first
    assert isinstance((~IsOwner)(), NOT)
    assert isinstance(IsAuthenticated() & IsAdminUser(), AND)
    assert isinstance(IsAuthenticated() | IsAdminUser(), OR)
    assert isinstance(~IsAuthenticated(), NOT)


def test_composing_only_sync_permissions_stays_sync_as_in_drf() -> None:
    permission = (IsAuthenticated & (IsAdminUser | ~HeaderSaysYes))()
    assert permission.has_permission(make_request(user="bob"), VIEW) is True
    assert permission.has_permission(make_request(), VIEW) is False


async def test_a_refused_composition_reports_the_refusing_members_message() -> None:
    request = make_request(user="alice", authenticators=[SilentHeaderAuthentication()])
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([(IsAuthenticated & AsyncIsStaff)()], request, VIEW)
    assert caught.value.detail == "Staff only (async)."
    with pytest.raises(PermissionDenied) as caught:
        await check_object_permissions([(IsAuthenticated & IsOwner)()], request, VIEW, Obj(1, "bob"))
    assert (caught.value.detail, caught.value.code) == ("Only the owner may do this.", "not_owner")
    with pytest.raises(PermissionDenied) as caught:  # both refuse: the one with something to say speaks
        await check_permissions([(IsAdminUser | AsyncIsStaff)()], request, VIEW)
    assert caught.value.detail == "Staff only (async)."
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([(HeaderSaysYes | AsyncIsStaff)()], request, VIEW)
    assert caught.value.detail == "Say yes."
    with pytest.raises(PermissionDenied) as caught:
        await check_permissions([(~IsAuthenticated)()], request, VIEW)
    assert caught.value.detail == "You do not have permission to perform this action."


@pytest.mark.parametrize("owner_check", [IsOwner, AsyncIsOwner], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("user", "owner", "expected"),
    [("bob", "someone", True), ("alice", "alice", True), ("alice", "someone", False), (None, "someone", False)],
)
async def test_object_permissions_of_or_need_one_member_to_allow_both_request_and_object(
    owner_check: type[BasePermission], user: str | None, owner: str, expected: bool
) -> None:
    # IsAdminUser allows every object once it allowed the request: under a naive OR of the object
    # checks alone, alice would be let at someone else's object.
    permission = (IsAdminUser | owner_check)()
    request = make_request(user=user, authenticators=[SilentHeaderAuthentication()])
    assert await object_allowed(permission, request, Obj(1, owner)) is expected


async def test_object_permissions_of_and_and_not() -> None:
    request = make_request(user="alice", authenticators=[SilentHeaderAuthentication()])
    assert await object_allowed((IsAuthenticated & AsyncIsOwner)(), request, Obj(1, "alice"))
    assert not await object_allowed((IsAuthenticated & AsyncIsOwner)(), request, Obj(1, "bob"))
    assert await object_allowed((~AsyncIsOwner)(), request, Obj(1, "bob"))
    assert not await object_allowed((~IsOwner)(), request, Obj(1, "alice"))
    assert not await object_allowed((AsyncDeny & Exploding)(), request, Obj(1, "alice"))


# ---------------------------------------------------------------------- model permissions
@pytest.mark.parametrize(
    ("method", "user", "expected"),
    [
        ("GET", "alice", True),
        ("HEAD", "alice", True),
        ("OPTIONS", "alice", True),
        ("POST", "alice", False),
        ("PUT", "alice", False),
        ("PATCH", "alice", False),
        ("DELETE", "alice", False),
        ("POST", "carol", True),
        ("PUT", "carol", True),
        ("PATCH", "carol", True),
        ("DELETE", "carol", True),
        ("POST", "dave", True),  # an AsyncUser: ahas_perms is used, never has_perms
        ("DELETE", "dave", True),
        ("GET", None, False),  # anonymous users are refused, even for reads
    ],
)
async def test_django_model_permissions(method: str, user: str | None, expected: bool) -> None:
    assert await allowed(DjangoModelPermissions(), make_request(method, user=user)) is expected


async def test_django_model_permissions_ask_for_codenames_of_the_querysets_model() -> None:
    asked: list[list[str]] = []

    class Recording(User):
        def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
            asked.append(list(perms))
            return True

    USERS["recorder"] = Recording(99, "recorder")
    try:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            await check_permissions([DjangoModelPermissions()], make_request(method, user="recorder"), VIEW)
        await check_permissions(
            [DjangoModelPermissions()], make_request("POST", user="recorder"), PostViewWithGetQueryset()
        )
    finally:
        del USERS["recorder"]
    assert asked == [
        ["rest_blog.add_post"],
        ["rest_blog.change_post"],
        ["rest_blog.change_post"],
        ["rest_blog.delete_post"],
        ["rest_blog.add_post"],
    ]


async def test_django_model_permissions_refuse_an_unknown_method_with_405() -> None:
    with pytest.raises(MethodNotAllowed) as caught:
        await check_permissions([DjangoModelPermissions()], make_request("TRACE", user="carol"), VIEW)
    assert caught.value.status_code == 405


async def test_django_model_permissions_need_a_queryset() -> None:
    with pytest.raises(TypeError, match="needs a queryset on object"):
        await check_permissions([DjangoModelPermissions()], make_request("POST", user="carol"), object())


async def test_django_model_permissions_or_anon_read_only() -> None:
    permission = DjangoModelPermissionsOrAnonReadOnly()
    assert await allowed(permission, make_request("GET"))
    with pytest.raises(NotAuthenticated):
        await check_permissions([permission], make_request("POST"), VIEW)
    assert not await allowed(permission, make_request("POST", user="alice"))
    assert await allowed(permission, make_request("POST", user="carol"))


class DjangoObjectPermissionsWithRead(DjangoObjectPermissions):
    """Reads need the ``view`` permission on the object."""

    perms_map = {**DjangoObjectPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


async def test_django_object_permissions_check_the_object() -> None:
    permission = DjangoObjectPermissionsWithRead()
    obj = Obj(7)
    # frank may read and change post 7, not delete it; he may see that it exists, so 403.
    assert await object_allowed(permission, make_request("GET", user="frank"), obj)
    assert await object_allowed(permission, make_request("PATCH", user="frank"), obj)
    assert not await object_allowed(permission, make_request("DELETE", user="frank"), obj)
    # erin may read post 7 only.
    assert await object_allowed(permission, make_request("GET", user="erin"), obj)
    assert not await object_allowed(permission, make_request("PUT", user="erin"), obj)


async def test_django_object_permissions_hide_objects_the_user_may_not_read_with_404() -> None:
    permission = DjangoObjectPermissionsWithRead()
    for method in ("GET", "PUT", "DELETE"):
        with pytest.raises(NotFound) as caught:
            await check_object_permissions([permission], make_request(method, user="carol"), VIEW, Obj(7))
        assert caught.value.status_code == 404
    with pytest.raises(NotFound):  # frank may read post 7, not post 8
        await check_object_permissions([permission], make_request("PATCH", user="frank"), VIEW, Obj(8))


async def test_django_object_permissions_by_default_need_no_read_permission() -> None:
    # DRF's default map: reading needs nothing, so a refused write is 403, never 404.
    with pytest.raises(PermissionDenied) as caught:
        await check_object_permissions([DjangoObjectPermissions()], make_request("DELETE", user="erin"), VIEW, Obj(7))
    assert caught.value.status_code == 403
    assert await object_allowed(DjangoObjectPermissions(), make_request("GET", user="erin"), Obj(7))


async def test_model_permissions_in_a_def_handlers_thread_use_the_sync_check() -> None:
    calls: list[str] = []

    class BothWays(User):
        def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
            calls.append("sync")
            return User.has_perms(self, perms, obj)

        async def ahas_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
            calls.append("async")
            return User.has_perms(self, perms, obj)

    USERS["both"] = BothWays(98, "both", perms={"rest_blog.add_post"}, object_perms={7: {"rest_blog.view_post"}})
    try:
        request = make_request("POST", user="both")
        request.user  # noqa: B018  (authenticates, as the view does before the handler)
        assert await asyncio.to_thread(DjangoModelPermissions().has_permission, request, VIEW) is True
        assert await DjangoModelPermissions().has_permission(request, VIEW) is True  # type: ignore[misc]
        assert calls == ["sync", "async"]
        # Object permissions too: a plain bool (or NotFound) in the thread, no coroutine to await.
        permission = DjangoObjectPermissionsWithRead()
        delete = make_request("DELETE", user="both")
        delete.user  # noqa: B018
        assert await asyncio.to_thread(permission.has_object_permission, delete, VIEW, Obj(7)) is False
        with pytest.raises(NotFound):
            await asyncio.to_thread(permission.has_object_permission, delete, VIEW, Obj(8))
    finally:
        del USERS["both"]


def test_object_checks_in_a_def_handlers_thread() -> None:
    request = make_request("PATCH", user="alice")
    check_object_permissions_sync([IsAuthenticated(), IsOwner()], request, VIEW, Obj(1, "alice"))
    with pytest.raises(PermissionDenied) as caught:
        check_object_permissions_sync([(IsAdminUser | IsOwner)()], request, VIEW, Obj(1, "bob"))
    assert caught.value.detail == "Only the owner may do this."
    with pytest.raises(NotAuthenticated):
        check_object_permissions_sync([IsOwner()], make_request("PATCH"), VIEW, Obj(1, "bob"))
    with pytest.raises(ImproperlyConfigured, match=r"AsyncIsOwner.has_object_permission is async.*aget_object"):
        check_object_permissions_sync([AsyncIsOwner()], request, VIEW, Obj(1, "alice"))


# ---------------------------------------------------------------------- through HTTP
class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "author"]


class IsAuthor(BasePermission):
    """Async, as real object checks often are: the author is read from the database."""

    message = "Only the author may change this post."
    code = "not_author"

    async def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        author = await Author.objects.aget(pk=obj.author_id)
        return bool(author.name == getattr(request.user, "username", None))


class ModelPermissionViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()
    serializer_class = PostSerializer
    authentication_classes = [HeaderAuthentication]
    permission_classes = [DjangoModelPermissions]


class AuthorOrStaffViewSet(ModelPermissionViewSet):
    permission_classes = [IsAuthenticatedOrReadOnly & (IsAuthor | IsAdminUser)]


class ObjectPermissionViewSet(ModelPermissionViewSet):
    permission_classes = [DjangoObjectPermissionsWithRead]


class SilentViewSet(ModelPermissionViewSet):
    authentication_classes = [SilentHeaderAuthentication]
    permission_classes = [IsAuthenticated]


router = routers.SimpleRouter()
router.register("model", ModelPermissionViewSet, basename="model")
router.register("authored", AuthorOrStaffViewSet, basename="authored")
router.register("guarded", ObjectPermissionViewSet, basename="guarded")
router.register("silent", SilentViewSet, basename="silent")
urlpatterns = [path("api/", include(router.urls))]


@pytest.fixture
def user_named() -> Iterator[Callable[..., User]]:
    """Registers users whose object permissions name rows created in the test."""
    added: list[str] = []

    def register(name: str, **kwargs: Any) -> User:
        USERS[name] = User(100 + len(added), name, **kwargs)
        added.append(name)
        return USERS[name]

    yield register
    for name in added:
        del USERS[name]


async def _post(author_name: str = "alice") -> Post:
    author = await Author.objects.acreate(name=author_name)
    return await Post.objects.acreate(title="Hello", author=author)


@pytest.mark.usefixtures("db")
async def test_http_anonymous_refusal_is_a_401_challenge(async_client: Any, backend: str) -> None:
    response = await async_client.get("/api/model/")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Header realm="api"'
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.usefixtures("db")
async def test_http_refusal_without_a_challenge_is_403(async_client: Any, backend: str) -> None:
    response = await async_client.get("/api/silent/")
    assert response.status_code == 403
    assert "www-authenticate" not in response.headers
    assert (await async_client.get("/api/silent/", headers={"X-User": "alice"})).status_code == 200


@pytest.mark.usefixtures("db")
async def test_http_model_permissions(async_client: Any, backend: str) -> None:
    author = await Author.objects.acreate(name="alice")
    assert (await async_client.get("/api/model/", headers={"X-User": "alice"})).status_code == 200
    refused = await async_client.post(
        "/api/model/", json={"title": "No", "author": author.pk}, headers={"X-User": "alice"}
    )
    assert refused.status_code == 403  # logged in: a refusal is 403, not a 401 challenge
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    for user in ("carol", "dave"):  # dave's permissions are checked with ahas_perms
        created = await async_client.post(
            "/api/model/", json={"title": user, "author": author.pk}, headers={"X-User": user}
        )
        assert created.status_code == 201, created.text
    pk = created.json()["id"]
    assert (await async_client.delete(f"/api/model/{pk}/", headers={"X-User": "alice"})).status_code == 403
    assert (await async_client.delete(f"/api/model/{pk}/", headers={"X-User": "carol"})).status_code == 204
    assert await Post.objects.acount() == 1


@pytest.mark.usefixtures("db")
async def test_http_composed_permissions_with_an_async_object_check(async_client: Any, backend: str) -> None:
    post = await _post("alice")
    assert (await async_client.get(f"/api/authored/{post.pk}/")).status_code == 200  # anyone may read
    anonymous = await async_client.patch(f"/api/authored/{post.pk}/", json={"title": "Anon"})
    assert anonymous.status_code == 401
    other = await async_client.patch(f"/api/authored/{post.pk}/", json={"title": "Carol"}, headers={"X-User": "carol"})
    assert other.status_code == 403
    assert other.json() == {"detail": "Only the author may change this post."}
    author = await async_client.patch(f"/api/authored/{post.pk}/", json={"title": "Alice"}, headers={"X-User": "alice"})
    assert author.status_code == 200 and author.json()["title"] == "Alice"
    staff = await async_client.patch(f"/api/authored/{post.pk}/", json={"title": "Bob"}, headers={"X-User": "bob"})
    assert staff.status_code == 200 and staff.json()["title"] == "Bob"


@pytest.mark.usefixtures("db")
async def test_http_object_permissions_hide_what_the_user_may_not_read(
    async_client: Any, backend: str, user_named: Callable[..., User]
) -> None:
    post = await _post()
    # Model permissions first (reads need "view" on the model too), then each user's permissions on this post.
    model_perms = {"rest_blog.view_post", "rest_blog.add_post", "rest_blog.change_post", "rest_blog.delete_post"}
    user_named("reader", perms=model_perms, object_perms={post.pk: {"rest_blog.view_post"}})
    user_named("stranger", perms=model_perms)
    user_named("editor", perms=model_perms, object_perms={post.pk: READ_CHANGE})
    url = f"/api/guarded/{post.pk}/"

    assert (await async_client.get(url, headers={"X-User": "stranger"})).status_code == 404
    hidden = await async_client.patch(url, json={"title": "X"}, headers={"X-User": "stranger"})
    assert hidden.status_code == 404 and hidden.json() == {"detail": "Not found."}
    assert (await async_client.get(url, headers={"X-User": "reader"})).status_code == 200
    assert (await async_client.patch(url, json={"title": "X"}, headers={"X-User": "reader"})).status_code == 403
    assert (await async_client.patch(url, json={"title": "X"}, headers={"X-User": "editor"})).status_code == 200
    assert (await async_client.delete(url, headers={"X-User": "editor"})).status_code == 403
