"""Password hashing: Django's formats both ways, upgrades on login, timing protection, hostile input.

No database: each test activates a bare project whose only setting is ``PASSWORD_HASHERS``. Most
use reduced-cost hashers (full-cost ones take ~0.3 s a hash); a handful check the real costs.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from fastjango.auth.hashers import (
    MAX_PASSWORD_LENGTH,
    UNUSABLE_PASSWORD_PREFIX,
    Argon2PasswordHasher,
    BCryptPasswordHasher,
    BCryptSHA256PasswordHasher,
    PasswordTooLong,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    ScryptPasswordHasher,
    acheck_password,
    amake_password,
    arun_dummy_hash,
    check_password,
    get_hasher,
    get_hashers,
    identify_hasher,
    is_password_usable,
    make_password,
    run_dummy_hash,
    verify_password,
)
from fastjango.auth.settings import DEFAULT_PASSWORD_HASHERS
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.project import Project, get_project, has_project, set_default_project

REPO_ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse battery staple"
UNICODE_PASSWORD = "pässwörd-日本語-🔑"
_SALT = "saltsaltsaltsaltsaltsa"


# -- reduced-cost hashers (as Django's own test suite does) ------------------------------------
class CheapArgon2(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64
    parallelism = 1


class CheapPBKDF2(PBKDF2PasswordHasher):
    iterations = 1000


class CheapPBKDF2SHA1(PBKDF2SHA1PasswordHasher):
    iterations = 1000


class CheapScrypt(ScryptPasswordHasher):
    work_factor = 2**4
    parallelism = 1


class MoreIterationsPBKDF2(PBKDF2PasswordHasher):
    iterations = 2000


class StrongPBKDF2(PBKDF2PasswordHasher):
    iterations = 200_000


class BiggerArgon2(CheapArgon2):
    memory_cost = 128


class CountingPBKDF2(CheapPBKDF2):
    """A real PBKDF2 hasher that also records each hash it computes (to see dummy hashes happen)."""

    encodes: ClassVar[list[str]] = []

    def encode(self, password: str | bytes, salt: str, iterations: int | None = None) -> str:
        type(self).encodes.append(salt)
        return super().encode(password, salt, iterations)


def path(cls: type) -> str:
    return f"{__name__}.{cls.__qualname__}"


CHEAP = [path(CheapArgon2), path(CheapPBKDF2), path(CheapPBKDF2SHA1), path(CheapScrypt)]


def bare_project(hashers: list[str]) -> Project:
    return Project({"PASSWORD_HASHERS": hashers}, environ={})


@pytest.fixture
def cheap() -> Iterator[Project]:
    project = bare_project(CHEAP)
    with project.activated():
        yield project


@pytest.fixture
def full_cost() -> Iterator[Project]:
    project = bare_project(list(DEFAULT_PASSWORD_HASHERS))
    with project.activated():
        yield project


# -- hashes made by Django 5.2's make_password (django 5.2.19, argon2-cffi 25.1, bcrypt 5.0) -------
DJANGO_CHEAP_VECTORS = {
    "argon2id": (
        PASSWORD,
        "argon2$argon2id$v=19$m=64,t=1,p=1$aEdqY1JkbnExMEd4a2E2WVQ5WWhFUg$JDU/+swILrYm/7k2q283TeP5sjUlBuMSgv6z+8FRz6g",
    ),
    "argon2id-unicode": (
        UNICODE_PASSWORD,
        "argon2$argon2id$v=19$m=64,t=1,p=1$NUZJc0Rld0I4UkdaTjFmWlB1SnRXcw$JK3Ke1zhRAm+UdTlxnZ3aa2kHz8Uqq1fQ45X5gA2jzI",
    ),
    "argon2i-legacy": ("secret", "argon2$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHRzYWx0$6ownNLHn8+PEH6ptyk6ATQ"),
    "pbkdf2_sha256": (
        PASSWORD,
        "pbkdf2_sha256$1000$8Dj4853lUMR6V1JMQQuad1$Z/aIuiznQd8o/mnPZ9GAbDGsHcAnm3TQo5YbacV8STE=",
    ),
    "pbkdf2_sha256-unicode": (
        UNICODE_PASSWORD,
        "pbkdf2_sha256$1000$SVORdeGC3RC77GKrpC4LD1$BhiqYNEKhNySDTDkY3gvwJy4hngWyeyfFsfm5dBTb5o=",
    ),
    "pbkdf2_sha256-4096-chars": (
        "x" * 4096,
        "pbkdf2_sha256$1000$M6nDCJX3G96yJorzZwgzqa$g6DHBh2kFxL0TH6zQJ39dpT+gZnLQkXvJlKoWJuDx98=",
    ),
    "pbkdf2_sha1": (PASSWORD, "pbkdf2_sha1$1000$WseDUOLcERmwq1gcC1lu3n$DsOyTfJuTffaCtl++hRAhwPBbS0="),
    "scrypt": (
        PASSWORD,
        "scrypt$16$an97jXNZc9OrSIXZkXDXGP$8$1$Xme7/4HISCSTwCxxiIZjNvMFo4FXvzXKwZyNa/4u0WWWudXjwYwXpekX5IpO9wfhINRO5tI9YIcOlR6uj6biNA==",
    ),
}

DJANGO_FULL_COST_VECTORS = {
    "argon2": "argon2$argon2id$v=19$m=102400,t=2,p=8$bUVmcU03N1FuZWMzeGVUSlo0TWZ1WA$"
    "Fm8qnNx8gaNji/pV9lWoRRkDLwKYsi1Lxn6VdozyPc0",
    "pbkdf2_sha256": "pbkdf2_sha256$1000000$FySSOoAg2QV9OcalDKUSiG$c38LgaUEH+mll5CHs5sHYbuxO4o1/9ODpvAFnhdE4m8=",
    "scrypt": "scrypt$16384$wMG5aBDhfm9oS7qqBuUBjc$8$5$"
    "uqq6vv56viIco4RCSe6yqEXBWpsAh547vJAu7bKEt070yhRM/lDvW37DhFTCmJZCgoc5+BGfaKk+CZGXcN4vwQ==",
}

DJANGO_BCRYPT_VECTORS = {
    "bcrypt_sha256": (PASSWORD, "bcrypt_sha256$$2b$04$NQJOIz2Huc8P2dqO/QkWZ.nuTSq1FtEv4lfKtoJGv3WuBvzox6GLK"),
    "bcrypt_sha256-unicode": (
        UNICODE_PASSWORD,
        "bcrypt_sha256$$2b$04$Zyl8ZiG9kof.BI2JFEK0S.Rt/SYd0v/U8arjsTNDsbqcgV8EiIu6i",
    ),
    "bcrypt": (PASSWORD, "bcrypt$$2b$04$CaLD8Z3WPPLe9NZNlpokteTpU9nGHb.8iHcj2bIOyOk.vM6KvC1iG"),
}


@pytest.mark.parametrize(("password", "encoded"), DJANGO_CHEAP_VECTORS.values(), ids=DJANGO_CHEAP_VECTORS.keys())
def test_django_hashes_verify(cheap: Project, password: str, encoded: str) -> None:
    assert check_password(password, encoded)
    assert not check_password(password + "x", encoded)
    assert not check_password(password[:-1], encoded)
    assert not check_password("", encoded)


@pytest.mark.parametrize("algorithm", DJANGO_FULL_COST_VECTORS)
def test_django_full_cost_hashes_verify_with_the_default_hashers(full_cost: Project, algorithm: str) -> None:
    encoded = DJANGO_FULL_COST_VECTORS[algorithm]
    assert check_password(PASSWORD, encoded)
    assert not check_password(PASSWORD.upper(), encoded)


def test_default_argon2_costs_are_djangos_so_its_hashes_need_no_upgrade(full_cost: Project) -> None:
    assert get_hasher().algorithm == "argon2"
    assert not get_hasher().must_update(DJANGO_FULL_COST_VECTORS["argon2"])
    assert not get_hasher("pbkdf2_sha256").must_update(DJANGO_FULL_COST_VECTORS["pbkdf2_sha256"])
    assert not get_hasher("scrypt").must_update(DJANGO_FULL_COST_VECTORS["scrypt"])


def test_new_hashes_have_djangos_formats_and_default_costs(full_cost: Project) -> None:
    argon2_hash = make_password(PASSWORD)
    prefix, salt_b64, digest_b64 = argon2_hash.rsplit("$", 2)
    assert prefix == "argon2$argon2id$v=19$m=102400,t=2,p=8"
    assert len(salt_b64) == 30 and len(digest_b64) == 43  # 22 ASCII salt characters, 32-byte digest

    pbkdf2_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    algorithm, iterations, salt, digest = pbkdf2_hash.split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", "1000000")
    assert len(salt) == 22 and salt.isalnum() and salt.isascii()
    assert len(digest) == 44 and digest.endswith("=")
    assert make_password(PASSWORD, salt="fixedsalt", hasher=CheapPBKDF2()) == make_password(
        PASSWORD, salt="fixedsalt", hasher=CheapPBKDF2()
    )


def test_bcrypt_hashes_verify_when_bcrypt_is_installed() -> None:
    pytest.importorskip("bcrypt", reason="bcrypt is optional (pip install bcrypt) and not installed here")
    project = bare_project([*CHEAP, path(BCryptSHA256PasswordHasher), path(BCryptPasswordHasher)])
    with project.activated():
        for password, encoded in DJANGO_BCRYPT_VECTORS.values():
            assert check_password(password, encoded)
            assert not check_password(password + "x", encoded)
            assert verify_password(password, encoded) == (True, True)  # always re-hashed with the preferred hasher


def test_bcrypt_hasher_without_bcrypt_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "bcrypt", None)  # as on a machine without it: `import bcrypt` fails
    project = bare_project([*CHEAP, path(BCryptSHA256PasswordHasher)])
    with project.activated(), pytest.raises(ImproperlyConfigured, match="pip install bcrypt"):
        get_hashers()


def test_a_verify_only_hasher_cannot_be_preferred() -> None:
    project = bare_project([path(BCryptSHA256PasswordHasher), *CHEAP])
    with project.activated(), pytest.raises(ImproperlyConfigured, match="cannot be first"):
        get_hashers()


# -- our hashes, verified by Django ------------------------------------------------------------
_DJANGO_CHECK = """
import json, sys
import django
from django.conf import settings
settings.configure(PASSWORD_HASHERS=[
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
])
django.setup()
from django.contrib.auth.hashers import check_password
cases = json.load(sys.stdin)
print(json.dumps([[check_password(p, e), check_password(p + "x", e)] for p, e in cases]))
"""


def _django_python(*modules: str) -> str:
    """An interpreter with Django (and ``modules``), or a skip saying why there is none."""
    candidates = [
        sys.executable,  # the test extra installs Django
        os.environ.get("FASTJANGO_DJANGO_PYTHON", ""),
        str(REPO_ROOT / "benchmarks/.venv/bin/python"),
    ]
    for candidate in filter(None, candidates):
        if not Path(candidate).exists():
            continue
        probe = subprocess.run(
            [candidate, "-c", "; ".join(f"import {name}" for name in ("django", *modules))],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return candidate
    pytest.skip(
        f"no Python with Django and {', '.join(modules) or 'nothing else'} found (benchmarks/.venv or "
        "FASTJANGO_DJANGO_PYTHON): Django is not a fastjango dependency, so this check runs only where one is"
    )


@pytest.mark.parametrize(
    ("hasher", "modules"),
    [(CheapArgon2, ("argon2",)), (CheapPBKDF2, ()), (CheapPBKDF2SHA1, ()), (CheapScrypt, ())],
    ids=["argon2", "pbkdf2_sha256", "pbkdf2_sha1", "scrypt"],
)
def test_our_hashes_verify_in_django(cheap: Project, hasher: type, modules: tuple[str, ...]) -> None:
    python = _django_python(*modules)
    cases = [[password, make_password(password, hasher=hasher())] for password in (PASSWORD, UNICODE_PASSWORD)]
    if hasher is CheapArgon2:
        cases.append([PASSWORD, make_password(PASSWORD, hasher=Argon2PasswordHasher())])  # full cost once
    run = subprocess.run(
        [python, "-c", _DJANGO_CHECK], input=json.dumps(cases), capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [[True, False]] * len(cases)


# -- upgrades ------------------------------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.new_hash = ""

    def __call__(self, password: str) -> None:
        self.calls.append(password)
        self.new_hash = make_password(password)


def test_fewer_pbkdf2_iterations_are_upgraded_only_after_a_right_password() -> None:
    _, django_hash = DJANGO_CHEAP_VECTORS["pbkdf2_sha256"]
    with bare_project([path(MoreIterationsPBKDF2)]).activated():
        assert get_hasher().must_update(django_hash)
        setter = Recorder()
        assert not check_password("wrong password", django_hash, setter)
        assert setter.calls == []
        assert check_password(PASSWORD, django_hash, setter)
        assert setter.calls == [PASSWORD]
        assert setter.new_hash.startswith("pbkdf2_sha256$2000$")
        assert check_password(PASSWORD, setter.new_hash)
        assert not get_hasher().must_update(setter.new_hash)


def test_other_algorithms_are_upgraded_to_the_preferred_one_after_a_right_password(cheap: Project) -> None:
    for name in ("pbkdf2_sha256", "pbkdf2_sha1", "scrypt", "argon2i-legacy"):
        password, django_hash = DJANGO_CHEAP_VECTORS[name]
        setter = Recorder()
        assert not check_password(password + "!", django_hash, setter)
        assert check_password(password, django_hash, setter)
        assert setter.calls == [password], name
        assert setter.new_hash.startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")


def test_up_to_date_hashes_are_left_alone(cheap: Project) -> None:
    setter = Recorder()
    assert check_password(PASSWORD, make_password(PASSWORD), setter)
    assert setter.calls == []


def test_changed_argon2_memory_or_short_salt_asks_for_an_upgrade(cheap: Project) -> None:
    encoded = make_password(PASSWORD)
    assert not get_hasher().must_update(encoded)
    assert BiggerArgon2().must_update(encoded)
    short_salt = make_password(PASSWORD, salt="abcdefgh")
    assert get_hasher().must_update(short_salt)
    assert verify_password(PASSWORD, short_salt) == (True, True)


async def test_acheck_password_awaits_an_async_setter_and_threads_a_sync_one(cheap: Project) -> None:
    _, django_hash = DJANGO_CHEAP_VECTORS["pbkdf2_sha256"]
    upgraded: list[str] = []

    async def async_setter(password: str) -> None:
        upgraded.append(await amake_password(password))

    assert not await acheck_password("nope", django_hash, async_setter)
    assert upgraded == []
    assert await acheck_password(PASSWORD, django_hash, async_setter)
    assert len(upgraded) == 1 and await acheck_password(PASSWORD, upgraded[0])

    sync_setter = Recorder()
    assert await acheck_password(PASSWORD, django_hash, sync_setter)
    assert sync_setter.calls == [PASSWORD]
    # The worker thread saw the active project: the new hash uses its (cheap) preferred hasher.
    assert sync_setter.new_hash.startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")
    assert upgraded[0].startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")


async def test_acheck_password_does_not_block_the_event_loop(full_cost: Project) -> None:
    encoded = DJANGO_FULL_COST_VECTORS["pbkdf2_sha256"]  # ~0.3 s of hashing
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        assert await acheck_password(PASSWORD, encoded)
    finally:
        task.cancel()
    assert ticks >= 5, "the event loop stalled while the password was hashed"


# -- timing: failures cost a real hash ---------------------------------------------------------
@pytest.fixture
def counting() -> Iterator[list[str]]:
    CountingPBKDF2.encodes.clear()
    with bare_project([path(CountingPBKDF2), path(CheapArgon2)]).activated():
        yield CountingPBKDF2.encodes


@pytest.mark.parametrize(
    "encoded",
    [None, "", "!unusable", "md5$salt$hash", "nonsense", "pbkdf2_sha256$x$y", "argon2$garbage"],
    ids=["none", "empty", "unusable", "refused-md5", "unknown", "malformed-pbkdf2", "malformed-argon2"],
)
def test_checks_that_cannot_succeed_still_run_the_preferred_hasher(counting: list[str], encoded: str | None) -> None:
    assert not check_password(PASSWORD, encoded)
    assert len(counting) == 1


def test_a_wrong_password_against_a_cheaper_hash_costs_what_the_preferred_one_would() -> None:
    weak = StrongPBKDF2().encode(PASSWORD, _SALT, iterations=10)
    with bare_project([path(StrongPBKDF2)]).activated():
        strong = make_password(PASSWORD)
        started = time.perf_counter()
        assert not check_password("wrong", strong)
        against_strong = time.perf_counter() - started
        started = time.perf_counter()
        assert not check_password("wrong", weak)
        against_weak = time.perf_counter() - started
    # Without the top-up, 10 iterations would answer some 20,000 times faster.
    assert against_weak > against_strong / 3, (against_weak, against_strong)


def test_run_dummy_hash_hashes_with_the_preferred_hasher(counting: list[str]) -> None:
    run_dummy_hash(PASSWORD)
    run_dummy_hash(None)
    run_dummy_hash("x" * (MAX_PASSWORD_LENGTH + 10))
    run_dummy_hash("\ud800 lone surrogate")
    assert len(counting) == 4


async def test_arun_dummy_hash_hashes_with_the_preferred_hasher(counting: list[str]) -> None:
    await arun_dummy_hash(PASSWORD)
    assert len(counting) == 1


def test_dummy_hash_costs_about_a_real_check(full_cost: Project) -> None:
    encoded = make_password(PASSWORD)
    started = time.perf_counter()
    check_password("wrong", encoded)
    real = time.perf_counter() - started
    started = time.perf_counter()
    run_dummy_hash("wrong")
    dummy = time.perf_counter() - started
    assert dummy > real / 3, (dummy, real)


# -- unusable passwords, configuration -----------------------------------------------------------
def test_make_password_none_is_unusable_and_never_matches(cheap: Project) -> None:
    first, second = make_password(None), make_password(None)
    assert first.startswith(UNUSABLE_PASSWORD_PREFIX) and len(first) == 41
    assert first != second
    assert not is_password_usable(first)
    assert is_password_usable(make_password(PASSWORD))
    assert not check_password("", first)
    assert not check_password(first, first)
    assert not check_password(first[1:], first)


def test_identify_hasher_and_refused_legacy_algorithms(cheap: Project) -> None:
    expected = {"argon2": "argon2", "pbkdf2_sha256": "pbkdf2_sha256", "pbkdf2_sha1": "pbkdf2_sha1", "scrypt": "scrypt"}
    for _, encoded in DJANGO_CHEAP_VECTORS.values():
        assert identify_hasher(encoded).algorithm == expected[encoded.split("$")[0]]
    for legacy in ("md5$salt$0123", "sha1$salt$0123", "md5$$" + "0" * 32, "0" * 32, "sha1$$" + "0" * 40):
        with pytest.raises(ValueError, match="brute force"):
            identify_hasher(legacy)
        assert not check_password("anything", legacy)
    with pytest.raises(ValueError, match="Unknown password hashing algorithm"):
        get_hasher("whirlpool")


def test_hashers_follow_the_setting_and_are_cached_per_value(cheap: Project) -> None:
    assert get_hashers()[0] is get_hashers()[0]
    assert [type(hasher) for hasher in get_hashers()] == [CheapArgon2, CheapPBKDF2, CheapPBKDF2SHA1, CheapScrypt]
    cheap.settings.PASSWORD_HASHERS = [path(CheapScrypt), path(CheapArgon2)]
    assert get_hasher().algorithm == "scrypt"
    assert make_password(PASSWORD).startswith("scrypt$16$")
    with pytest.raises(ValueError, match="Unknown password hashing algorithm 'pbkdf2_sha256'"):
        get_hasher("pbkdf2_sha256")


def test_without_a_project_the_default_hashers_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    previous = get_project() if has_project(load=False) else None
    set_default_project(None)
    try:
        assert [type(hasher) for hasher in get_hashers()] == [
            Argon2PasswordHasher,
            PBKDF2PasswordHasher,
            PBKDF2SHA1PasswordHasher,
            ScryptPasswordHasher,
        ]
    finally:
        set_default_project(previous)


def test_unimportable_hasher_is_named_in_the_error() -> None:
    project = bare_project(["no.such.module.Hasher"])
    with project.activated(), pytest.raises(ImproperlyConfigured, match="no.such.module.Hasher"):
        make_password(PASSWORD)


# -- hostile input -------------------------------------------------------------------------------
_B64_32 = "A" * 43 + "="
HOSTILE_HASHES = {
    "missing-field": f"pbkdf2_sha256$1000${_SALT}",
    "extra-field": f"pbkdf2_sha256$1000${_SALT}${_B64_32}$extra",
    "letters-for-iterations": f"pbkdf2_sha256$many${_SALT}${_B64_32}",
    "negative-iterations": f"pbkdf2_sha256$-1000${_SALT}${_B64_32}",
    "zero-iterations": f"pbkdf2_sha256$0${_SALT}${_B64_32}",
    "plus-sign-iterations": f"pbkdf2_sha256$+1000${_SALT}${_B64_32}",
    "arabic-digit-iterations": f"pbkdf2_sha256$\u0661\u0660\u0660\u0660${_SALT}${_B64_32}",
    "huge-iterations": f"pbkdf2_sha256$999999999999${_SALT}${_B64_32}",
    "just-over-the-iteration-cap": f"pbkdf2_sha256$5000001${_SALT}${_B64_32}",
    "empty-salt": f"pbkdf2_sha256$1000$${_B64_32}",
    "bad-base64": f"pbkdf2_sha256$1000${_SALT}$@@not*base64@@",
    "non-ascii-hash": f"pbkdf2_sha256$1000${_SALT}$ÄÖÜ=",
    "short-digest": f"pbkdf2_sha256$1000${_SALT}$AAAA",
    "argon2-huge-memory": "argon2$argon2id$v=19$m=4294967295,t=2,p=8$c2FsdHNhbHQ$" + "A" * 43,
    "argon2-huge-time": "argon2$argon2id$v=19$m=64,t=100000,p=1$c2FsdHNhbHQ$" + "A" * 43,
    "argon2-huge-lanes": "argon2$argon2id$v=19$m=1024,t=1,p=16777215$c2FsdHNhbHQ$" + "A" * 43,
    "argon2-zero-time": "argon2$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$" + "A" * 43,
    "argon2-missing-param": "argon2$argon2id$v=19$m=64,t=1$c2FsdHNhbHQ$" + "A" * 43,
    "argon2-bad-base64": "argon2$argon2id$v=19$m=64,t=1,p=1$c2Fs!!!$" + "A" * 43,
    "argon2-unknown-variant": "argon2$argon2x$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$" + "A" * 43,
    "argon2-giant-number": "argon2$argon2id$v=19$m=" + "9" * 5000 + ",t=1,p=1$c2FsdHNhbHQ$" + "A" * 43,
    "scrypt-not-power-of-two": f"scrypt$1000${_SALT}$8$1${'A' * 86}==",
    "scrypt-huge-n": f"scrypt${2**30}${_SALT}$8$1${'A' * 86}==",
    "scrypt-huge-r": f"scrypt$16${_SALT}$100000$1${'A' * 86}==",
    "scrypt-huge-work": f"scrypt${2**20}${_SALT}$8$64${'A' * 86}==",
    "unknown-algorithm": "whirlpool$1$2$3",
    "very-long": "pbkdf2_sha256$1000$" + "s" * 100_000 + "$" + _B64_32,
}


@pytest.mark.parametrize("encoded", HOSTILE_HASHES.values(), ids=HOSTILE_HASHES.keys())
def test_malformed_or_tampered_hashes_are_false_fast_and_never_raise(cheap: Project, encoded: str) -> None:
    started = time.perf_counter()
    assert check_password(PASSWORD, encoded) is False
    assert verify_password(PASSWORD, encoded) == (False, False)
    assert time.perf_counter() - started < 2


async def test_malformed_hashes_are_false_in_async_code_too(cheap: Project) -> None:
    for encoded in HOSTILE_HASHES.values():
        assert await acheck_password(PASSWORD, encoded) is False


def test_passwords_over_the_limit_are_refused(cheap: Project) -> None:
    longest = "é" * MAX_PASSWORD_LENGTH
    encoded = make_password(longest)
    assert check_password(longest, encoded)
    with pytest.raises(PasswordTooLong, match=str(MAX_PASSWORD_LENGTH)):
        make_password(longest + "é")
    assert not check_password(longest + "é", encoded)
    started = time.perf_counter()
    assert not check_password("x" * 50_000_000, encoded)
    assert time.perf_counter() - started < 2


def test_passwords_are_hashed_as_typed_without_unicode_normalization(cheap: Project) -> None:
    composed, decomposed = "caf\u00e9-password", "cafe\u0301-password"
    encoded = make_password(composed)
    assert check_password(composed, encoded)
    assert not check_password(decomposed, encoded)  # as in Django: what was typed is what is compared


def test_invalid_unicode_and_wrong_types(cheap: Project) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        make_password("\ud800 lone surrogate")
    assert not check_password("\ud800 lone surrogate", make_password(PASSWORD))
    with pytest.raises(TypeError, match="int"):
        make_password(12345678)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="salt"):
        make_password(PASSWORD, salt="has$dollar")


def test_a_tampered_hash_is_never_rewritten(cheap: Project) -> None:
    setter = Recorder()
    for encoded in HOSTILE_HASHES.values():
        check_password(PASSWORD, encoded, setter)
    assert setter.calls == []
