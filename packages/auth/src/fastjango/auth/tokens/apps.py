"""The ``authtokens`` app: labelled apart from other apps' ``tokens``."""

from __future__ import annotations

from fastjango.core.apps import AppConfig

__all__ = ["AuthTokensConfig"]


class AuthTokensConfig(AppConfig):
    label = "authtokens"
    verbose_name = "API tokens"
