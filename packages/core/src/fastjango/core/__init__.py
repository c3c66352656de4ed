"""fastjango-core: the kernel every fastjango plugin builds on.

The public API is re-exported here; the modules hold the details:
``hookspecs`` (the hook reference), ``conf`` (settings), ``apps``,
``urls``, ``middleware``, ``checks``, ``management`` (the CLI) and
``testing`` (the pytest plugin).
"""

from __future__ import annotations

from fastjango.core.__about__ import __version__
from fastjango.core.application import FastjangoApp, get_asgi_application
from fastjango.core.apps import AppConfig, apps
from fastjango.core.conf import settings
from fastjango.core.exceptions import ImproperlyConfigured, NoReverseMatch, PluginNotFound
from fastjango.core.hookspecs import hookimpl
from fastjango.core.middleware import MiddlewareSpec
from fastjango.core.project import Project, get_project
from fastjango.core.urls import include, path, reverse, url_for

__all__ = [
    "AppConfig",
    "FastjangoApp",
    "ImproperlyConfigured",
    "MiddlewareSpec",
    "NoReverseMatch",
    "PluginNotFound",
    "Project",
    "__version__",
    "apps",
    "get_asgi_application",
    "get_project",
    "hookimpl",
    "include",
    "path",
    "reverse",
    "settings",
    "url_for",
]
