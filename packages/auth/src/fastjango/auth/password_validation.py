"""Rules a new password must meet, configured by ``AUTH_PASSWORD_VALIDATORS`` (Django's validators).

``validate_password(password, user)`` runs every configured validator and raises one
:class:`PasswordValidationError` carrying all of their messages, so a form shows every
problem at once. Messages go through :func:`_` / :func:`_n`, a small ``gettext`` indirection
(domain ``"fastjango"``) that falls back to the English text; the i18n plugin will replace it.
"""

from __future__ import annotations

import functools
import gettext
import gzip
import importlib
import re
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.orm.exceptions import ValidationError

__all__ = [
    "DEFAULT_COMMON_PASSWORDS_PATH",
    "CommonPasswordValidator",
    "MinimumLengthValidator",
    "NumericPasswordValidator",
    "PasswordValidationError",
    "PasswordValidator",
    "UserAttributeSimilarityValidator",
    "get_default_password_validators",
    "get_password_validators",
    "password_changed",
    "password_validators_help_texts",
    "validate_password",
]

#: 30,000 common passwords, lowercased (from zxcvbn's list, MIT licensed: see docs/auth/passwords.md).
DEFAULT_COMMON_PASSWORDS_PATH = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


# -- translation indirection ---------------------------------------------------------------------
@functools.cache
def _catalog() -> gettext.NullTranslations:
    return gettext.translation("fastjango", fallback=True)


def _(message: str) -> str:
    """``message`` translated through the ``fastjango`` gettext domain, or as written."""
    return _catalog().gettext(message)


def _n(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, translated like :func:`_`."""
    return _catalog().ngettext(singular, plural, count)


# -- errors and the validator protocol ---------------------------------------------------------------
class PasswordValidationError(ValidationError, ValueError):
    """A password broke one or more rules; ``messages`` (and matching ``codes``) say which.

    A subclass of the ORM's ``ValidationError`` (so ``full_clean`` and the REST error handling
    treat it like any other) and of ``ValueError`` (so Pydantic validators can raise it).
    """

    def __init__(self, messages: str | Sequence[str], codes: str | Sequence[str] | None = None) -> None:
        texts = _as_list(messages)
        code_list = ["invalid"] * len(texts) if codes is None else _as_list(codes)
        if len(code_list) != len(texts):
            raise ValueError("PasswordValidationError needs one code per message.")
        self.codes: list[str] = code_list
        super().__init__(texts, code=code_list[0] if len(code_list) == 1 else None)


def _as_list(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@runtime_checkable
class PasswordValidator(Protocol):
    """What ``AUTH_PASSWORD_VALIDATORS`` entries provide (``password_changed`` is optional)."""

    def validate(self, password: str, user: object | None = None) -> None: ...

    def get_help_text(self) -> str: ...


# -- the validators ------------------------------------------------------------------------------------
class MinimumLengthValidator:
    """At least ``min_length`` characters (8 by default)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: object | None = None) -> None:
        if len(password) < self.min_length:
            message = _n(
                "This password is too short. It must contain at least %(min_length)d character.",
                "This password is too short. It must contain at least %(min_length)d characters.",
                self.min_length,
            )
            raise PasswordValidationError(message % {"min_length": self.min_length}, "password_too_short")

    def get_help_text(self) -> str:
        return _n(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


DEFAULT_USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")


def _too_different_in_length(password: str, value: str, max_similarity: float) -> bool:
    """Whether ``value`` is so much shorter than ``password`` that it cannot reach ``max_similarity``.

    ``quick_ratio`` is at most 2·len(value) / (len(password) + len(value)); skipping such pairs keeps a
    very long password from being compared against every short attribute part.
    """
    return len(password) >= 10 * len(value) and len(value) < max_similarity / 2 * len(password)


class UserAttributeSimilarityValidator:
    """Not too similar to the user's own attributes (username, names, email by default).

    Each attribute is compared whole and split at non-word characters ("jane.doe@example.com"
    also gives "jane", "doe", "example", "com"), with difflib's similarity ratio, case-insensitively.
    Attributes the user object lacks, or that are empty or not text, are skipped.
    """

    def __init__(self, user_attributes: Iterable[str] = DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7) -> None:
        if max_similarity < 0.1:
            raise ValueError("max_similarity must be at least 0.1: lower values would refuse almost any password.")
        self.user_attributes = tuple(user_attributes)
        self.max_similarity = max_similarity

    def validate(self, password: str, user: object | None = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not value or not isinstance(value, str):
                continue
            whole = value.lower()
            for part in [*re.split(r"\W+", whole), whole]:
                if not part or _too_different_in_length(lowered, part, self.max_similarity):
                    continue
                if SequenceMatcher(a=lowered, b=part).quick_ratio() >= self.max_similarity:
                    message = _("The password is too similar to the %(verbose_name)s.")
                    raise PasswordValidationError(
                        message % {"verbose_name": _verbose_name(user, attribute)}, "password_too_similar"
                    )

    def get_help_text(self) -> str:
        return _("Your password can't be too similar to your other personal information.")


def _verbose_name(user: object, attribute: str) -> str:
    """The field's verbose name when the model declares one, else the attribute with spaces."""
    meta = getattr(type(user), "_meta", None)
    get_field = getattr(meta, "get_field", None)
    if callable(get_field):
        try:
            verbose = getattr(get_field(attribute), "verbose_name", None)
        except Exception:  # any lookup failure just means "no verbose name"
            verbose = None
        if verbose:
            return str(verbose)
    return attribute.replace("_", " ")


@functools.lru_cache(maxsize=8)
def _load_password_list(path: str) -> frozenset[str]:
    raw = Path(path).read_bytes()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    return frozenset(line.strip().lower() for line in raw.decode("utf-8").splitlines() if line.strip())


class CommonPasswordValidator:
    """Not one of the commonly used passwords (compared lowercased and stripped).

    ``password_list_path`` is a text file, one password a line, optionally gzipped (``.gz``).
    The default list ships with fastjango-auth; the file is read once per path.
    """

    def __init__(self, password_list_path: str | Path = DEFAULT_COMMON_PASSWORDS_PATH) -> None:
        self.password_list_path = str(password_list_path)
        try:
            self.passwords = _load_password_list(self.password_list_path)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"CommonPasswordValidator cannot read its password list {self.password_list_path!r}: {exc.strerror}."
            ) from None

    def validate(self, password: str, user: object | None = None) -> None:
        if password.lower().strip() in self.passwords:
            raise PasswordValidationError(_("This password is too common."), "password_too_common")

    def get_help_text(self) -> str:
        return _("Your password can't be a commonly used password.")


class NumericPasswordValidator:
    """Not made of digits only."""

    def validate(self, password: str, user: object | None = None) -> None:
        if password.isdigit():
            raise PasswordValidationError(_("This password is entirely numeric."), "password_entirely_numeric")

    def get_help_text(self) -> str:
        return _("Your password can't be entirely numeric.")


# -- configuration and entry points ---------------------------------------------------------------------
def get_password_validators(validator_config: Iterable[Mapping[str, Any]]) -> list[PasswordValidator]:
    """Validators built from ``[{"NAME": dotted path, "OPTIONS": {...}}, ...]``."""
    validators: list[PasswordValidator] = []
    for entry in validator_config:
        name = entry.get("NAME")
        if not isinstance(name, str):
            raise ImproperlyConfigured(f"AUTH_PASSWORD_VALIDATORS: each entry needs a 'NAME' string, got {entry!r}.")
        module_name, _dot, attribute = name.rpartition(".")
        try:
            validator_class = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"AUTH_PASSWORD_VALIDATORS: cannot import {name!r} ({exc}). Check the NAME of that entry."
            ) from None
        options = entry.get("OPTIONS") or {}
        try:
            validator = validator_class(**options)
        except TypeError as exc:
            raise ImproperlyConfigured(f"AUTH_PASSWORD_VALIDATORS: bad OPTIONS for {name!r}: {exc}.") from None
        if not isinstance(validator, PasswordValidator):
            raise ImproperlyConfigured(
                f"AUTH_PASSWORD_VALIDATORS: {name!r} needs validate(password, user) and get_help_text() methods."
            )
        validators.append(validator)
    return validators


_built: dict[str, tuple[PasswordValidator, ...]] = {}


def get_default_password_validators() -> list[PasswordValidator]:
    """The validators of ``AUTH_PASSWORD_VALIDATORS`` (built once per distinct setting value)."""
    from fastjango.auth.settings import DEFAULT_PASSWORD_VALIDATORS
    from fastjango.core.project import get_project, has_project

    config: object = None
    if has_project():
        config = get_project().settings.get("AUTH_PASSWORD_VALIDATORS")
    if config is None:
        config = DEFAULT_PASSWORD_VALIDATORS
    if not isinstance(config, (list, tuple)):
        raise ImproperlyConfigured("AUTH_PASSWORD_VALIDATORS must be a list of {'NAME': ..., 'OPTIONS': {...}}.")
    key = repr(config)
    validators = _built.get(key)
    if validators is None:
        if len(_built) >= 16:
            _built.clear()
        validators = _built[key] = tuple(get_password_validators(config))
    return list(validators)


def validate_password(
    password: str, user: object | None = None, password_validators: Sequence[PasswordValidator] | None = None
) -> None:
    """Raise :class:`PasswordValidationError` with every rule ``password`` breaks; return if it breaks none."""
    validators = get_default_password_validators() if password_validators is None else password_validators
    messages: list[str] = []
    codes: list[str] = []
    for validator in validators:
        try:
            validator.validate(password, user)
        except ValidationError as error:
            messages.extend(error.messages)
            codes.extend(getattr(error, "codes", None) or [error.code or "invalid"] * len(error.messages))
    if messages:
        raise PasswordValidationError(messages, codes)


def password_changed(
    password: str, user: object | None = None, password_validators: Sequence[PasswordValidator] | None = None
) -> None:
    """Tell validators that keep history (``password_changed(password, user)``) about a new password."""
    validators = get_default_password_validators() if password_validators is None else password_validators
    for validator in validators:
        callback = getattr(validator, "password_changed", None)
        if callable(callback):
            callback(password, user)


def password_validators_help_texts(password_validators: Sequence[PasswordValidator] | None = None) -> list[str]:
    """What each validator asks for, to show beside a new-password field."""
    validators = get_default_password_validators() if password_validators is None else password_validators
    return [validator.get_help_text() for validator in validators]
