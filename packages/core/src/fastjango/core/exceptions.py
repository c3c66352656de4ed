"""Exceptions that name a user's mistake, as opposed to a bug in fastjango."""

from __future__ import annotations

__all__ = [
    "AppRegistryNotReady",
    "ImproperlyConfigured",
    "NoReverseMatch",
    "PluginNotFound",
]


class ImproperlyConfigured(Exception):
    """The project's settings, apps or plugins are wrong; the message says how to fix it."""


class PluginNotFound(ImproperlyConfigured):
    """A plugin listed in ``INSTALLED_PLUGINS`` (or required by one) is not installed."""


class AppRegistryNotReady(Exception):
    """Apps or models were used before the project finished loading them."""


class NoReverseMatch(Exception):
    """``reverse()`` found no route with that name, or the arguments do not fit it."""
