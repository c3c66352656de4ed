"""The ``auth`` plugin: its app (users, groups, permissions), settings, middleware and commands.

Settings are declared by the modules that read them (sessions, CSRF) and
combined here into the plugin's one settings schema.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import Any

import pydantic
from pydantic import BaseModel

from fastjango.core.hookspecs import hookimpl

__all__: list[str] = []

logger = logging.getLogger("fastjango.auth")


#: The settings schemas combined into the plugin's one schema: each module declares what it reads.
SETTINGS_SCHEMAS = (
    ("fastjango.auth.settings", "AuthSettings"),
    ("fastjango.auth.sessions.settings", "SessionSettings"),
    ("fastjango.auth.csrf", "CsrfSettings"),
    ("fastjango.auth.tokens.settings", "TokenSettings"),
    ("fastjango.auth.social.settings", "SocialSettings"),
    ("fastjango.auth.mail.settings", "EmailSettings"),
    ("fastjango.auth.ratelimit", "LoginRateLimitSettings"),
    ("fastjango.auth.views.settings", "AccountSettings"),
)


def _schemas() -> list[type[BaseModel]]:
    schemas: list[type[BaseModel]] = []
    for module_name, name in SETTINGS_SCHEMAS:
        schema = getattr(importlib.import_module(module_name), name, None)
        if schema is not None:  # pragma: no branch - every module declares its schema
            schemas.append(schema)
    return schemas


@hookimpl
def fastjango_addhooks(pluginmanager: Any) -> None:
    from fastjango.auth import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def fastjango_settings_schema() -> type[BaseModel]:
    schemas = _schemas()
    combined: type[BaseModel] = pydantic.create_model("AuthPluginSettings", __base__=tuple(schemas))
    return combined


@hookimpl
def fastjango_installed_apps() -> Sequence[str]:
    return ["fastjango.auth", "fastjango.auth.sessions", "fastjango.auth.tokens", "fastjango.auth.social"]


@hookimpl
def fastjango_middleware(settings: Any) -> Sequence[Any]:
    """Sessions, then CSRF checks (they need the session), then ``scope["user"]``: from a token, else the session."""
    from fastjango.core.middleware import MiddlewareSpec

    session = "fastjango.auth.sessions.middleware.SessionMiddleware"
    authentication = "fastjango.auth.middleware.AuthenticationMiddleware"
    specs = [MiddlewareSpec(session)]
    try:
        from fastjango.auth.csrf import CsrfMiddleware
    except ImportError:  # pragma: no cover - CSRF not in this checkout
        specs.append(MiddlewareSpec(authentication, after=session))
    else:
        tokens = "fastjango.auth.tokens.middleware.TokenAuthenticationMiddleware"
        specs.append(MiddlewareSpec(CsrfMiddleware, after=session))
        specs.append(MiddlewareSpec(tokens, after=CsrfMiddleware))
        specs.append(MiddlewareSpec(authentication, after=tokens))
    return specs


@hookimpl
def fastjango_commands() -> Sequence[Any]:
    from fastjango.auth.commands import changepassword, createsuperuser
    from fastjango.auth.tokens.commands import cleartokens, createapikey

    commands: list[Any] = [createsuperuser, changepassword, createapikey, cleartokens]
    try:
        from fastjango.auth.sessions.commands import clearsessions
    except ImportError:  # pragma: no cover - sessions not in this checkout
        return commands
    return [*commands, clearsessions]


@hookimpl(optionalhook=True)
def fastjango_orm_post_migrate(project: Any, using: str, plan: Sequence[Any]) -> None:
    """Create the add/change/delete/view permissions of every model (the ones missing)."""
    from fastjango.auth.permissions import create_permissions
    from fastjango.orm import DatabaseError

    try:
        created = create_permissions(using)
    except DatabaseError as error:  # auth's own tables are not migrated on this database (yet)
        logger.info("Permissions not created on %r: %s", using, error)
        return
    if created:
        logger.info("Created %d permission(s) on %r.", created, using)


@hookimpl
def fastjango_register_checks(registry: Any, settings: Any) -> None:
    from fastjango.auth.checks import check_deployment, check_user_model

    registry.register(check_user_model, "models")
    registry.register(check_deployment, "security", deploy=True)


@hookimpl
def fastjango_validate_settings(settings: Any) -> list[str]:
    from fastjango.auth.sessions.settings import check_session_settings
    from fastjango.auth.social.settings import check_social_settings
    from fastjango.auth.tokens.settings import check_token_settings

    return [
        *(check_session_settings(settings) or []),
        *check_social_settings(settings),
        *check_token_settings(settings),
    ]


@hookimpl
async def fastjango_shutdown() -> None:
    from fastjango.auth.sessions import close_session_stores

    await close_session_stores()
