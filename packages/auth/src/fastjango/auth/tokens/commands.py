"""``createapikey`` (make an API key and print it, the only time it is shown) and ``cleartokens``."""

from __future__ import annotations

import datetime

import click

from fastjango.core.management._errors import CommandError

__all__ = ["cleartokens", "createapikey"]


@click.command("createapikey")
@click.argument("username")
@click.option("--name", required=True, help="What the key is for (shown in listings; the key itself is not).")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None, help="Days until the key expires.")
@click.option("--database", default="default", show_default=True, help="Database alias to use.")
def createapikey(username: str, name: str, expires_in_days: int | None, database: str) -> None:
    """Create an API key acting as USERNAME; send it as 'Authorization: Api-Key <key>' or 'X-API-Key: <key>'."""
    from fastjango.auth import get_user_model
    from fastjango.auth.tokens.models import ApiKey

    user_model = get_user_model()
    try:
        user = user_model._default_manager.db_manager(database).get(**{user_model.USERNAME_FIELD: username})
    except user_model.DoesNotExist:
        raise CommandError(f"User {username!r} does not exist.") from None
    expires_at = None
    if expires_in_days is not None:
        expires_at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=expires_in_days)
    api_key, plaintext = ApiKey.objects.db_manager(database).create_key(user, name, expires_at=expires_at)
    click.echo(f"API key {name!r} created for {user.get_username()!r} (prefix {api_key.prefix}).")
    click.echo("Copy it now; it is not stored and cannot be shown again:")
    click.echo(plaintext)


@click.command("cleartokens")
@click.option("--database", default="default", show_default=True, help="Database alias to use.")
def cleartokens(database: str) -> None:
    """Delete the refresh tokens of logins whose every token has expired (a cron job, like clearsessions).

    A login's rows go together: a revoked login is known by its rows, so one still-valid token keeps all of
    its family (deleting the expired, revoked ones would make the login look unrevoked).
    """
    from fastjango.auth.tokens.models import RefreshToken

    now = datetime.datetime.now(datetime.UTC)
    tokens = RefreshToken.objects.db_manager(database)
    live = tokens.filter(expires_at__gte=now).values("family")
    count, _ = tokens.filter(expires_at__lt=now).exclude(family__in=live).delete()
    click.echo(f"Deleted {count} expired refresh token(s).")
