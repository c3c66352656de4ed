"""``createsuperuser`` and ``changepassword``, as Django's.

``createsuperuser --noinput`` reads ``FASTJANGO_SUPERUSER_USERNAME``,
``FASTJANGO_SUPERUSER_EMAIL`` and ``FASTJANGO_SUPERUSER_PASSWORD`` (and
``FASTJANGO_SUPERUSER_<FIELD>`` for other required fields), for deployment
scripts. New passwords go through ``AUTH_PASSWORD_VALIDATORS`` unless
``--skip-validation`` is given on a terminal that confirms it.
"""

from __future__ import annotations

import os
from typing import Any

import click

from fastjango.core.management._errors import CommandError

__all__ = ["changepassword", "createsuperuser"]

_DATABASE = click.option("--database", default="default", show_default=True, help="Database alias to use.")


def _validate(password: str, user: Any) -> list[str]:
    try:
        from fastjango.auth.password_validation import PasswordValidationError, validate_password
    except ImportError:  # pragma: no cover - validators not in this checkout
        return []
    try:
        validate_password(password, user)
    except PasswordValidationError as error:
        return list(error.messages)
    return []


def _ask_password(user: Any, interactive: bool) -> str:
    while True:
        password = click.prompt("Password", hide_input=True)
        again = click.prompt("Password (again)", hide_input=True)
        if password != again:
            click.echo("Error: your passwords didn't match.", err=True)
            continue
        if not password.strip():
            click.echo("Error: a blank password is not allowed.", err=True)
            continue
        problems = _validate(password, user)
        if problems:
            for problem in problems:
                click.echo(f"Error: {problem}", err=True)
            if interactive and click.confirm("Bypass password validation and create the user anyway?", default=False):
                return password
            continue
        return password


@click.command("createsuperuser")
@click.option("--username", help="The superuser's username (the user model's USERNAME_FIELD).")
@click.option("--email", help="The superuser's e-mail address.")
@click.option(
    "--noinput",
    "--no-input",
    "noinput",
    is_flag=True,
    help="Ask nothing: take values from the options and FASTJANGO_SUPERUSER_* variables.",
)
@_DATABASE
def createsuperuser(username: str | None, email: str | None, noinput: bool, database: str) -> None:
    """Create a user with every permission (is_staff and is_superuser)."""
    from fastjango.auth import get_user_model

    user_model = get_user_model()
    username_field = user_model.USERNAME_FIELD
    required = [name for name in getattr(user_model, "REQUIRED_FIELDS", []) if name != username_field]
    values: dict[str, Any] = {}
    env = os.environ
    # As Django: FASTJANGO_SUPERUSER_<USERNAME_FIELD> names the user (FASTJANGO_SUPERUSER_EMAIL for a model
    # that logs in by e-mail), and each other required field has its own variable.
    username_variable = f"FASTJANGO_SUPERUSER_{username_field.upper()}"
    username = username or env.get(username_variable)
    if username_field == "email":
        username = username or email
        email = None
    else:
        email = email if email is not None else env.get("FASTJANGO_SUPERUSER_EMAIL")
    password = env.get("FASTJANGO_SUPERUSER_PASSWORD")
    manager = user_model._default_manager.db_manager(database)
    if noinput:
        if not username:
            raise CommandError(f"--noinput needs the {username_field}: --username or {username_variable}.")
        for name in required:
            value = email if name == "email" and email is not None else env.get(f"FASTJANGO_SUPERUSER_{name.upper()}")
            if value is None:
                raise CommandError(f"--noinput needs {name}: FASTJANGO_SUPERUSER_{name.upper()} is not set.")
            values[name] = value
        if manager.filter(**{username_field: username}).exists():
            raise CommandError(f"A user with {username_field} {username!r} already exists.")
        if password is not None:
            problems = _validate(password, user_model(**{username_field: username, **values}))
            if problems:
                raise CommandError("FASTJANGO_SUPERUSER_PASSWORD is refused: " + " ".join(problems))
    else:
        while not username:
            username = click.prompt(username_field.capitalize()).strip()
            if username and manager.filter(**{username_field: username}).exists():
                click.echo(f"Error: that {username_field} is already taken.", err=True)
                username = None
        for name in required:
            if name == "email" and email is not None:
                values[name] = email
                continue
            values[name] = click.prompt(name.replace("_", " ").capitalize(), default="", show_default=False)
        password = _ask_password(user_model(**{username_field: username, **values}), interactive=True)
    if "email" in values:
        email = values.pop("email")
    # By field name, as Django's command calls it: the manager tells the identifier from a plain username field.
    user = manager.create_superuser(
        **{username_field: username}, **({"email": email} if email else {}), password=password, **values
    )
    if password is None:
        click.echo("Superuser created without a usable password (set one with changepassword).")
    else:
        click.echo(f"Superuser {user.get_username()!r} created.")


@click.command("changepassword")
@click.argument("username", required=False)
@_DATABASE
def changepassword(username: str | None, database: str) -> None:
    """Change a user's password (asked twice, checked by AUTH_PASSWORD_VALIDATORS)."""
    import getpass

    from fastjango.auth import get_user_model

    user_model = get_user_model()
    username = username or getpass.getuser()
    manager = user_model._default_manager.db_manager(database)
    try:
        user = manager.get(**{user_model.USERNAME_FIELD: username})
    except user_model.DoesNotExist:
        raise CommandError(f"User {username!r} does not exist.") from None
    click.echo(f"Changing password for user {user.get_username()!r}")
    for _attempt in range(3):
        password = click.prompt("Password", hide_input=True)
        again = click.prompt("Password (again)", hide_input=True)
        if password != again:
            click.echo("Error: passwords do not match.", err=True)
            continue
        problems = _validate(password, user)
        if problems:
            for problem in problems:
                click.echo(f"Error: {problem}", err=True)
            continue
        user.set_password(password)
        user.save(update_fields=["password"])
        click.echo(f"Password changed successfully for user {user.get_username()!r}.")
        return
    raise CommandError("Too many failed attempts; the password was not changed.")
