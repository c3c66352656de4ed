"""Core's system checks: settings, URLs, and the security of a deployment (``check --deploy``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from fastjango.core.checks import CheckMessage, CheckRegistry, Error, Tags, Warning  # noqa: A004
from fastjango.core.conf import Settings
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.hookspecs import hookimpl

if TYPE_CHECKING:
    from fastjango.core.project import Project

SECRET_KEY_INSECURE_PREFIX = "fastjango-insecure-"  # noqa: S105 - a marker, not a key
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


@hookimpl
def fastjango_register_checks(registry: CheckRegistry) -> None:
    registry.register(check_setting_names, Tags.settings)
    registry.register(check_allowed_hosts, Tags.settings)
    registry.register(check_url_conf, Tags.urls)
    registry.register(check_debug, Tags.security, deploy=True)
    registry.register(check_secret_key, Tags.security, deploy=True)
    registry.register(check_deploy_hosts, Tags.security, deploy=True)
    registry.register(check_https, Tags.security, deploy=True)
    registry.register(check_cookies, Tags.security, deploy=True)


def check_setting_names(project: Project) -> Iterable[CheckMessage]:
    settings = project.settings
    declared = [name for name in settings if settings.declared_by(name)]
    for name in settings:
        if settings.declared_by(name) or name == "SETTINGS_MODULE":
            continue
        close = difflib.get_close_matches(name, declared, n=1, cutoff=0.85)
        if close:
            yield Warning(
                f"The setting {name} is not used by fastjango or any installed plugin.",
                hint=f"Did you mean {close[0]}?",
                obj=settings.source_of(name),
                id="settings.W001",
            )


def check_allowed_hosts(project: Project) -> Iterable[CheckMessage]:
    settings = project.settings
    if not settings.DEBUG and not settings.ALLOWED_HOSTS:
        yield Warning(
            "ALLOWED_HOSTS is empty and DEBUG is off, so every request will be refused with 400.",
            hint="List the host names this site is served under, e.g. ALLOWED_HOSTS = ['example.com'].",
            id="settings.W002",
        )


def check_url_conf(project: Project) -> Iterable[CheckMessage]:
    try:
        resolver = project.urls
    except ImproperlyConfigured as exc:
        yield Error(str(exc), id="urls.E001")
        return
    seen: dict[str, str] = {}
    for full_path, _pattern, name in resolver.patterns:
        if name is None:
            continue
        if name in seen and seen[name] != full_path:
            yield Warning(
                f"The route name {name!r} is used for {seen[name]} and {full_path}; reverse() finds only the first.",
                hint="Give each route its own name, or put one in a namespace with include(..., namespace=...).",
                id="urls.W001",
            )
        seen.setdefault(name, full_path)


def check_debug(project: Project) -> Iterable[CheckMessage]:
    if project.settings.DEBUG:
        yield Warning(
            "DEBUG is on in a deployment: error pages show tracebacks, settings and source code.",
            hint="Set DEBUG = False (or the DEBUG environment variable to 0) in production.",
            id="security.W001",
        )


def check_secret_key(project: Project) -> Iterable[CheckMessage]:
    key = project.settings.SECRET_KEY
    if (
        not key
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    ):
        yield Warning(
            "SECRET_KEY is missing, short, or the development key made by startproject: anyone who guesses it "
            "can forge sessions and tokens.",
            hint=(
                f"Set SECRET_KEY (e.g. from the environment) to a random value of at least "
                f'{SECRET_KEY_MIN_LENGTH} characters: python -c "import secrets; print(secrets.token_urlsafe(50))"'
            ),
            id="security.W002",
        )


def check_deploy_hosts(project: Project) -> Iterable[CheckMessage]:
    hosts = project.settings.ALLOWED_HOSTS
    if not hosts or "*" in hosts:
        yield Warning(
            "ALLOWED_HOSTS is empty or contains '*': Host header attacks (poisoned password-reset links, "
            "cache poisoning) are possible.",
            hint="List the exact host names this site is served under.",
            id="security.W003",
        )


def check_https(project: Project) -> Iterable[CheckMessage]:
    settings = project.settings
    if "fastjango.core.middleware.SecurityMiddleware" not in settings.MIDDLEWARE:
        yield Warning(
            "SecurityMiddleware is not in MIDDLEWARE, so no security headers are sent.",
            hint="Keep 'fastjango.core.middleware.SecurityMiddleware' in MIDDLEWARE.",
            id="security.W004",
        )
        return
    if not settings.SECURE_HSTS_SECONDS:
        yield Warning(
            "SECURE_HSTS_SECONDS is 0, so browsers are not told to use HTTPS only (no HSTS).",
            hint="Once the site works over HTTPS, set SECURE_HSTS_SECONDS (e.g. 3600, later 31536000).",
            id="security.W005",
        )
    if not settings.SECURE_SSL_REDIRECT:
        yield Warning(
            "SECURE_SSL_REDIRECT is off: plain HTTP requests are served instead of redirected to HTTPS.",
            hint="Set SECURE_SSL_REDIRECT = True, unless a proxy in front already redirects.",
            id="security.W006",
        )


def check_cookies(project: Project) -> Iterable[CheckMessage]:
    settings: Settings = project.settings
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        if name in settings and not getattr(settings, name):
            yield Warning(
                f"{name} is off: the cookie is also sent over plain HTTP, where it can be stolen.",
                hint=f"Set {name} = True.",
                id="security.W007",
            )
