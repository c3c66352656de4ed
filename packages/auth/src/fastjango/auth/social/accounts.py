"""Which user a provider account logs in: the linking rules.

1. A ``SocialAccount`` for (provider, uid) exists: its user.
2. Else, the provider says the e-mail is *verified* and exactly one user has
   it (and ``LINK_BY_EMAIL`` is on for the provider): link to that user.
3. Else, a user already has the e-mail but the provider does not vouch for it:
   refuse. Linking would let anyone who types someone's address at a lax
   provider into their profile take over that person's account; creating a
   second user with the same address would be confusing and is refused too.
4. Else (``SOCIAL_AUTH_AUTO_SIGNUP``): create a user with a unique username,
   an unusable password, and the e-mail only if it is verified (an unverified
   address kept on a new account would later link a real owner's verified
   login to the impostor's account).

Inactive users are refused whichever way they were found.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

from fastjango.auth.social.models import SocialAccount
from fastjango.auth.social.providers import Profile
from fastjango.auth.social.settings import ProviderConfig

__all__ = ["LoginRefused", "resolve_user", "unique_username"]


class LoginRefused(Exception):
    """The provider account is genuine but may not log in here; the message tells the user why."""

    def __init__(self, message: str, status_code: int = 403) -> None:
        super().__init__(message)
        self.status_code = status_code


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _json_safe(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def _field_names(model: Any) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _inactive(user: Any) -> bool:
    return not getattr(user, "is_active", True)


_NOT_ALLOWED = re.compile(r"[^\w.@+-]+")


async def unique_username(hint: str, fallback: str) -> str:
    """A username free in the user table, from ``hint`` (cleaned) or ``fallback``: ``ann``, ``ann2``, ..."""
    from fastjango.auth import get_user_model

    user_model = get_user_model()
    field_name = user_model.USERNAME_FIELD
    max_length = getattr(user_model._meta.get_field(field_name), "max_length", None) or 150
    base = _NOT_ALLOWED.sub("", hint.strip().replace(" ", "."))[: max_length - 8] or fallback[: max_length - 8]
    for number in range(1, 21):
        candidate = base if number == 1 else f"{base}{number}"
        if not await user_model._default_manager.filter(**{f"{field_name}__iexact": candidate}).aexists():
            return candidate
    return f"{base[: max_length - 9]}-{secrets.token_hex(4)}"


async def resolve_user(config: ProviderConfig, profile: Profile, *, auto_signup: bool = True) -> Any:
    """The user ``profile`` logs in as (linked or created here); ``LoginRefused`` when it may not."""
    from fastjango.auth import get_user_model
    from fastjango.orm import IntegrityError, transaction

    user_model = get_user_model()
    manager = user_model._default_manager
    extra = _json_safe(profile.extra)

    account = await SocialAccount.objects.filter(provider=config.name, uid=profile.uid).afirst()
    if account is not None:
        user = await manager.filter(pk=account.user_id).afirst()
        if user is None or _inactive(user):
            raise LoginRefused("This account is disabled.")
        account.extra_data = extra
        account.last_login = _now()
        await account.asave(update_fields=["extra_data", "last_login"])
        return user

    email_field = getattr(user_model, "EMAIL_FIELD", "email")
    has_email = email_field in _field_names(user_model)
    same_email: list[Any] = []
    if profile.email and has_email:
        same_email = await manager.filter(**{f"{email_field}__iexact": profile.email}).alist()

    if same_email:
        if not config.link_by_email:
            raise LoginRefused(
                f"An account with the e-mail address {profile.email} already exists, and logins with "
                f"{config.display_name} are not linked to accounts by e-mail here. Log in to that account with "
                "its password instead.",
                status_code=409,
            )
        if not profile.email_verified:
            raise LoginRefused(
                f"An account with the e-mail address {profile.email} already exists, and "
                f"{config.display_name} does not confirm that this address is verified, so the two cannot be "
                "linked. Log in to that account with its password first, or verify the address at "
                f"{config.display_name}.",
                status_code=409,
            )
        if len(same_email) > 1:
            raise LoginRefused(
                f"Several accounts use the e-mail address {profile.email}; log in with a password instead.",
                status_code=409,
            )
        user = same_email[0]
        if _inactive(user):
            raise LoginRefused("This account is disabled.")
    else:
        if not auto_signup:
            raise LoginRefused(f"No account here belongs to this {config.display_name} account.")
        user = None

    try:
        async with transaction.atomic():
            if user is None:
                user = await _create_user(user_model, config, profile, has_email)
            await SocialAccount.objects.acreate(
                provider=config.name, uid=profile.uid, user=user, extra_data=extra, last_login=_now()
            )
    except IntegrityError:
        # The same provider account finished two logins at once: the other one linked it.
        account = await SocialAccount.objects.filter(provider=config.name, uid=profile.uid).afirst()
        if account is None:
            raise
        user = await manager.filter(pk=account.user_id).afirst()
        if user is None or _inactive(user):
            raise LoginRefused("This account is disabled.") from None
    return user


async def _create_user(user_model: Any, config: ProviderConfig, profile: Profile, has_email: bool) -> Any:
    hint = profile.username or profile.email.partition("@")[0]
    username = await unique_username(hint, fallback=f"{config.name}-{profile.uid}")
    values: dict[str, Any] = {}
    names = _field_names(user_model)
    if "first_name" in names and profile.first_name:
        values["first_name"] = profile.first_name[:150]
    if "last_name" in names and profile.last_name:
        values["last_name"] = profile.last_name[:150]
    email = profile.email if (profile.email_verified and has_email) else None
    return await user_model._default_manager.acreate_user(username, email=email, password=None, **values)
