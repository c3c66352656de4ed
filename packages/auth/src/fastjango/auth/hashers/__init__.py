"""Password hashing compatible with Django's stored hashes, with upgrades on login.

``PASSWORD_HASHERS`` lists dotted paths of hasher classes: the first makes new hashes, all
of them verify. A hash made with another algorithm, or with other cost parameters than the
first hasher's, is re-made by ``check_password(..., setter=...)`` after a *correct* password.
Django's ``md5``, ``sha1``, ``unsalted_*`` and ``crypt`` hashes are deliberately not accepted:
they can be brute-forced on a laptop, so such passwords must be reset instead.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Mapping

import anyio.to_thread

from fastjango.auth.hashers._argon2 import Argon2PasswordHasher
from fastjango.auth.hashers._base import (
    MAX_PASSWORD_LENGTH,
    BasePasswordHasher,
    MalformedHash,
    PasswordTooLong,
    random_string,
)
from fastjango.auth.hashers._bcrypt import BCryptPasswordHasher, BCryptSHA256PasswordHasher
from fastjango.auth.hashers._pbkdf2 import PBKDF2PasswordHasher, PBKDF2SHA1PasswordHasher
from fastjango.auth.hashers._scrypt import ScryptPasswordHasher
from fastjango.core.exceptions import ImproperlyConfigured

__all__ = [
    "MAX_ENCODED_LENGTH",
    "MAX_PASSWORD_LENGTH",
    "UNUSABLE_PASSWORD_PREFIX",
    "UNUSABLE_PASSWORD_SUFFIX_LENGTH",
    "Argon2PasswordHasher",
    "BCryptPasswordHasher",
    "BCryptSHA256PasswordHasher",
    "BasePasswordHasher",
    "MalformedHash",
    "PBKDF2PasswordHasher",
    "PBKDF2SHA1PasswordHasher",
    "PasswordTooLong",
    "ScryptPasswordHasher",
    "acheck_password",
    "amake_password",
    "arun_dummy_hash",
    "check_password",
    "get_hasher",
    "get_hashers",
    "get_hashers_by_algorithm",
    "identify_hasher",
    "is_password_usable",
    "make_password",
    "run_dummy_hash",
    "verify_password",
]

#: A stored password starting with this never matches (``make_password(None)``, ``set_unusable_password()``).
UNUSABLE_PASSWORD_PREFIX = "!"  # noqa: S105 - a marker, not a password
#: Random characters after the prefix, so unusable values differ from user to user.
UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40
#: Stored hashes longer than this are refused unparsed (Django's column holds 128 characters).
MAX_ENCODED_LENGTH = 512

#: Django algorithms that are refused, with the reason given when one is met.
_REFUSED_ALGORITHMS = {"md5", "sha1", "unsalted_md5", "unsalted_sha1", "crypt"}

Setter = Callable[[str], object]


# -- configuration -------------------------------------------------------------
def _configured_paths() -> tuple[str, ...]:
    from fastjango.auth.settings import DEFAULT_PASSWORD_HASHERS
    from fastjango.core.project import get_project, has_project

    if has_project():
        value = get_project().settings.get("PASSWORD_HASHERS")
        if value is not None:
            return tuple(value)
    return tuple(DEFAULT_PASSWORD_HASHERS)


def _import_hasher_class(path: str) -> type[BasePasswordHasher]:
    module_name, _, name = path.rpartition(".")
    try:
        hasher_class = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ImproperlyConfigured(f"PASSWORD_HASHERS: cannot import {path!r} ({exc}).") from None
    if not (isinstance(hasher_class, type) and issubclass(hasher_class, BasePasswordHasher)):
        raise ImproperlyConfigured(f"PASSWORD_HASHERS: {path!r} is not a BasePasswordHasher subclass.")
    return hasher_class


@functools.lru_cache(maxsize=16)
def _load_hashers(paths: tuple[str, ...]) -> tuple[BasePasswordHasher, ...]:
    if not paths:
        raise ImproperlyConfigured("PASSWORD_HASHERS is empty: list at least one hasher.")
    classes = [_import_hasher_class(path) for path in paths]
    if not classes[0].can_encode:
        raise ImproperlyConfigured(
            f"PASSWORD_HASHERS: {paths[0]!r} only verifies old hashes and cannot be first (the first makes new hashes)."
        )
    hashers = tuple(hasher_class() for hasher_class in classes)
    for path, hasher in zip(paths, hashers, strict=True):
        try:
            hasher.check_available()
        except ImportError as exc:
            raise ImproperlyConfigured(f"PASSWORD_HASHERS: {path!r}: {exc}") from None
    return hashers


def get_hashers() -> list[BasePasswordHasher]:
    """The configured hashers, preferred first (instances are cached per ``PASSWORD_HASHERS`` value)."""
    return list(_load_hashers(_configured_paths()))


def get_hashers_by_algorithm() -> dict[str, BasePasswordHasher]:
    """The configured hashers by algorithm name (the first field of a hash)."""
    return {hasher.algorithm: hasher for hasher in reversed(_load_hashers(_configured_paths()))}


def get_hasher(algorithm: str | BasePasswordHasher = "default") -> BasePasswordHasher:
    """The configured hasher of ``algorithm``; ``"default"`` is the preferred one; an instance is returned as is."""
    if isinstance(algorithm, BasePasswordHasher):
        return algorithm
    if algorithm == "default":
        return _load_hashers(_configured_paths())[0]
    try:
        return get_hashers_by_algorithm()[algorithm]
    except KeyError:
        raise ValueError(_unknown_algorithm_message(algorithm)) from None


def _unknown_algorithm_message(algorithm: str) -> str:
    if algorithm in _REFUSED_ALGORITHMS:
        return (
            f"Password hashes of algorithm {algorithm!r} are not accepted: they are too fast to resist "
            "brute force. Those users must reset their passwords."
        )
    return f"Unknown password hashing algorithm {algorithm[:40]!r}: is its hasher in PASSWORD_HASHERS?"


def _algorithm_of(encoded: str) -> str:
    # Ancient Django stored bare hex MD5 digests, or md5$$/sha1$$ with an empty salt.
    if len(encoded) == 32 and "$" not in encoded:
        return "unsalted_md5"
    if encoded.startswith("md5$$"):
        return "unsalted_md5"
    if encoded.startswith("sha1$$"):
        return "unsalted_sha1"
    return encoded.partition("$")[0]


def identify_hasher(encoded: str) -> BasePasswordHasher:
    """The configured hasher that made ``encoded``; ``ValueError`` if none did (or it is a refused legacy one)."""
    return _identify(encoded, get_hashers_by_algorithm())


def _identify(encoded: str, hashers: Mapping[str, BasePasswordHasher]) -> BasePasswordHasher:
    algorithm = _algorithm_of(encoded)
    hasher = hashers.get(algorithm)
    if hasher is None:
        raise ValueError(_unknown_algorithm_message(algorithm))
    return hasher


# -- making and checking ---------------------------------------------------------
def is_password_usable(encoded: str | None) -> bool:
    """False for values made by ``make_password(None)`` (``set_unusable_password()``)."""
    return encoded is None or not encoded.startswith(UNUSABLE_PASSWORD_PREFIX)


def make_password(
    password: str | bytes | None, salt: str | None = None, hasher: str | BasePasswordHasher = "default"
) -> str:
    """The stored form of ``password`` (a new random salt unless given); ``None`` gives an unusable value.

    Raises ``TypeError`` for a password that is not text, :class:`PasswordTooLong` (a ``ValueError``) past
    :data:`MAX_PASSWORD_LENGTH` characters, and ``ValueError`` for a string that is not valid Unicode.
    """
    if password is None:
        return UNUSABLE_PASSWORD_PREFIX + random_string(UNUSABLE_PASSWORD_SUFFIX_LENGTH)
    if not isinstance(password, (str, bytes)):
        raise TypeError(f"Password must be a string or bytes, got {type(password).__qualname__}.")
    chosen = get_hasher(hasher)
    if not chosen.can_encode:
        raise ValueError(f"{type(chosen).__name__} only verifies old hashes and cannot make new ones.")
    return chosen.encode(password, salt or chosen.salt())


async def amake_password(
    password: str | bytes | None, salt: str | None = None, hasher: str | BasePasswordHasher = "default"
) -> str:
    """:func:`make_password` in a worker thread, so the hashing does not stall the event loop."""
    chosen = get_hasher(hasher)
    return await anyio.to_thread.run_sync(make_password, password, salt, chosen)


def _dummy_hash(hasher: BasePasswordHasher, password: str | bytes | None) -> None:
    """Hash with ``hasher`` and throw the result away: a failed check costs what a real one does."""
    if isinstance(password, str):
        secret: str | bytes = password[:MAX_PASSWORD_LENGTH].encode("utf-8", "surrogatepass")
    elif isinstance(password, bytes):
        secret = password[: MAX_PASSWORD_LENGTH * 4]
    else:
        secret = random_string(UNUSABLE_PASSWORD_SUFFIX_LENGTH)
    hasher.encode(secret, hasher.salt())


def _verify(
    password: str | bytes | None,
    encoded: str | None,
    preferred: BasePasswordHasher,
    hashers: Mapping[str, BasePasswordHasher],
) -> tuple[bool, bool]:
    """(is the password right, should the hash be re-made); never raises for a bad stored value."""
    hasher: BasePasswordHasher | None = None
    if (
        password is not None
        and isinstance(encoded, str)
        and encoded
        and is_password_usable(encoded)
        and len(encoded) <= MAX_ENCODED_LENGTH
    ):
        try:
            hasher = _identify(encoded, hashers)
        except ValueError:
            hasher = None
    if hasher is None or encoded is None or password is None:
        _dummy_hash(preferred, password)
        return False, False
    try:
        is_correct = hasher.verify(password, encoded)
        algorithm_changed = hasher.algorithm != preferred.algorithm
        must_update = algorithm_changed or preferred.must_update(encoded)
        if not is_correct and must_update and not algorithm_changed:
            hasher.harden_runtime(password, encoded)
    except ValueError:  # MalformedHash, PasswordTooLong, UnicodeEncodeError
        _dummy_hash(preferred, password)
        return False, False
    return is_correct, must_update


def verify_password(
    password: str | None, encoded: str | None, preferred: str | BasePasswordHasher = "default"
) -> tuple[bool, bool]:
    """Whether ``password`` matches ``encoded``, and whether the hash should be re-made with ``preferred``.

    A missing, unusable, malformed or unknown ``encoded`` gives ``(False, False)`` after a dummy
    hash, so it costs the time a real check would.
    """
    return _verify(password, encoded, get_hasher(preferred), get_hashers_by_algorithm())


def check_password(
    password: str | None,
    encoded: str | None,
    setter: Setter | None = None,
    preferred: str | BasePasswordHasher = "default",
) -> bool:
    """Whether ``password`` matches ``encoded``; calls ``setter(password)`` to re-hash only when it does."""
    is_correct, must_update = verify_password(password, encoded, preferred)
    if setter is not None and is_correct and must_update and password is not None:
        setter(password)
    return is_correct


async def acheck_password(
    password: str | None,
    encoded: str | None,
    setter: Setter | None = None,
    preferred: str | BasePasswordHasher = "default",
) -> bool:
    """:func:`check_password` with the hashing in a worker thread; ``setter`` may be sync or async.

    A sync setter runs in a worker thread too (it usually hashes and saves); an async one is awaited.
    """
    is_correct, must_update = await anyio.to_thread.run_sync(
        _verify, password, encoded, get_hasher(preferred), get_hashers_by_algorithm()
    )
    if setter is not None and is_correct and must_update and password is not None:
        if _is_async(setter):
            result = setter(password)
        else:
            result = await anyio.to_thread.run_sync(setter, password)
        if inspect.isawaitable(result):
            await result
    return is_correct


def _is_async(function: Callable[..., object]) -> bool:
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(type(function).__call__)


def run_dummy_hash(password: str | bytes | None = None) -> None:
    """Hash ``password`` with the preferred hasher and discard it.

    Call it where a user was not found, so that answering "no such user" takes as long as
    checking a real user's password: response times then do not reveal which usernames exist.
    """
    _dummy_hash(get_hasher(), password)


async def arun_dummy_hash(password: str | bytes | None = None) -> None:
    """:func:`run_dummy_hash` in a worker thread."""
    await anyio.to_thread.run_sync(_dummy_hash, get_hasher(), password)
