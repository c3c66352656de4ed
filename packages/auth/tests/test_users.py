"""Users, groups and permissions on real databases: creating users, checking passwords, permission checks."""

from __future__ import annotations

from typing import Any

import pytest
from auth_app.models import Article

from fastjango.auth import aauthenticate, authenticate, get_user_model
from fastjango.auth.backends import BaseBackend
from fastjango.auth.models import AnonymousUser, Group, Permission, User
from fastjango.auth.permissions import acreate_permissions

pytestmark = pytest.mark.usefixtures("db")


async def test_the_default_user_model_and_creating_users(backend: str) -> None:
    assert get_user_model() is User
    user = await User.objects.acreate_user("ann", "Ann@Example.COM", "s3cret-horse")
    assert user.email == "Ann@example.com"  # only the domain is lower-cased
    assert user.password != "s3cret-horse" and user.password.startswith("argon2$argon2id$")
    assert await user.acheck_password("s3cret-horse") and not await user.acheck_password("wrong")
    assert not user.is_staff and not user.is_superuser and user.is_active and user.is_authenticated
    boss = await User.objects.acreate_superuser("boss", "boss@example.com", "another-s3cret")
    assert boss.is_staff and boss.is_superuser
    with pytest.raises(ValueError, match="is_staff=True"):
        await User.objects.acreate_superuser("x", "x@example.com", "pw", is_staff=False)
    nobody = await User.objects.acreate_user("nopass")
    assert not nobody.has_usable_password() and not await nobody.acheck_password("")


async def test_authenticate_finds_the_user_or_nobody(backend: str) -> None:
    await User.objects.acreate_user("ann", "ann@example.com", "s3cret-horse")
    user = await aauthenticate(None, username="ann", password="s3cret-horse")
    assert user is not None and user.username == "ann"
    assert user.backend == "fastjango.auth.backends.ModelBackend"
    assert await aauthenticate(None, username="ann", password="wrong") is None
    assert await aauthenticate(None, username="nobody", password="s3cret-horse") is None
    assert await aauthenticate(None, token="not-for-the-model-backend") is None
    inactive = await User.objects.acreate_user("gone", "g@example.com", "s3cret-horse", is_active=False)
    assert inactive.pk is not None
    assert await aauthenticate(None, username="gone", password="s3cret-horse") is None


@pytest.mark.usefixtures("transactional_db")
def test_authenticate_in_sync_code(backend: str) -> None:
    User.objects.create_user("bob", "bob@example.com", "s3cret-horse")
    assert authenticate(None, username="bob", password="s3cret-horse") is not None
    assert authenticate(None, username="bob", password="nope") is None


async def test_permissions_from_the_user_and_its_groups(backend: str) -> None:
    # The test database got them as `migrate` gives them (the post-migrate hook); only missing ones are made.
    assert await acreate_permissions() == 0
    await Permission.objects.filter(app_label="auth_app", codename="view_note").adelete()
    assert await acreate_permissions() == 1
    codenames = {p.codename async for p in Permission.objects.filter(app_label="auth_app")}
    assert codenames == {
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "publish_article",  # Article's Meta.permissions
        "add_note",  # Note's Meta.default_permissions asks for only these two
        "view_note",
    }
    publish = await Permission.objects.aget(app_label="auth_app", codename="publish_article")
    assert (publish.name, publish.model) == ("Can publish articles", "article")
    assert not await Permission.objects.filter(codename__contains="user_groups").aexists()  # no join tables
    ann = await User.objects.acreate_user("ann", "ann@example.com", "pw")
    editors = await Group.objects.acreate(name="editors")
    change = await Permission.objects.aget(app_label="auth_app", codename="change_article")
    view = await Permission.objects.aget(app_label="auth_app", codename="view_article")
    await editors.permissions.aadd(change)
    await ann.groups.aadd(editors)
    await ann.user_permissions.aadd(view)
    fresh = await User.objects.aget(pk=ann.pk)
    assert await fresh.ahas_perm("auth_app.change_article")
    assert await fresh.ahas_perms(["auth_app.change_article", "auth_app.view_article"])
    assert not await fresh.ahas_perm("auth_app.delete_article")
    assert await fresh.ahas_module_perms("auth_app") and not await fresh.ahas_module_perms("other")
    assert not await fresh.ahas_perm("auth_app.change_article", obj=Article(title="x"))  # no object backend
    fresh.is_active = False
    assert not await fresh.ahas_perm("auth_app.change_article")
    boss = await User.objects.acreate_superuser("boss", "b@example.com", "pw")
    assert await boss.ahas_perm("anything.at_all")
    anonymous = AnonymousUser()
    assert not await anonymous.ahas_perm("auth_app.view_article") and await anonymous.ahas_perms([])


class OwnArticles(BaseBackend):
    """An object-level permission backend: the author may change their own article."""

    async def ahas_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm == "auth_app.change_article" and obj is not None and obj.title == f"by {user_obj.username}"


async def test_an_object_permission_backend(backend: str, settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = [
        "fastjango.auth.backends.ModelBackend",
        f"{__name__}.OwnArticles",
    ]
    ann = await User.objects.acreate_user("ann", "ann@example.com", "pw")
    assert await ann.ahas_perm("auth_app.change_article", obj=Article(title="by ann"))
    assert not await ann.ahas_perm("auth_app.change_article", obj=Article(title="by bob"))
    assert not await ann.ahas_perm("auth_app.change_article")
