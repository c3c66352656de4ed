"""Password validators: each rule, all messages at once, configuration from AUTH_PASSWORD_VALIDATORS.

Users are plain dataclasses (the similarity rule reads attributes of any object); no database.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pydantic
import pytest

from fastjango.auth.password_validation import (
    DEFAULT_COMMON_PASSWORDS_PATH,
    CommonPasswordValidator,
    MinimumLengthValidator,
    NumericPasswordValidator,
    PasswordValidationError,
    PasswordValidator,
    UserAttributeSimilarityValidator,
    get_default_password_validators,
    password_changed,
    password_validators_help_texts,
    validate_password,
)
from fastjango.core.exceptions import ImproperlyConfigured
from fastjango.core.project import Project, get_project, has_project, set_default_project
from fastjango.orm.exceptions import ValidationError

STRONG = "Tr0ub4dor&3-horse-staple"


@dataclass
class Person:
    username: str = "janedoe"
    first_name: str = "Jane"
    last_name: str = "Doe"
    email: str = "jane.doe@example.com"


@dataclass
class OnlyAName:
    username: str


def messages_of(
    password: str, user: object | None = None, validators: Sequence[PasswordValidator] | None = None
) -> list[str]:
    try:
        validate_password(password, user, validators)
    except PasswordValidationError as error:
        return error.messages
    return []


@pytest.fixture
def configured() -> Iterator[Project]:
    project = Project(
        {
            "AUTH_PASSWORD_VALIDATORS": [
                {"NAME": "fastjango.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
                {"NAME": "fastjango.auth.password_validation.NumericPasswordValidator"},
            ]
        },
        environ={},
    )
    with project.activated():
        yield project


# -- each validator --------------------------------------------------------------------------------
def test_minimum_length() -> None:
    validator = MinimumLengthValidator()
    validator.validate("12345678")
    with pytest.raises(PasswordValidationError) as caught:
        validator.validate("1234567")
    assert caught.value.messages == ["This password is too short. It must contain at least 8 characters."]
    assert caught.value.codes == ["password_too_short"]
    assert validator.get_help_text() == "Your password must contain at least 8 characters."
    with pytest.raises(PasswordValidationError, match="at least 1 character\\."):
        MinimumLengthValidator(min_length=1).validate("")
    assert MinimumLengthValidator(min_length=1).get_help_text() == "Your password must contain at least 1 character."


def test_similarity_to_username_names_and_email_parts() -> None:
    validator = UserAttributeSimilarityValidator()
    user = Person()
    for too_close, attribute in [
        ("janedoe1", "username"),
        ("JANEDOE", "username"),
        ("jane.doe@example", "email"),
        ("example", "email"),
        ("Jane", "first name"),
    ]:
        with pytest.raises(PasswordValidationError) as caught:
            validator.validate(too_close, user if attribute != "first name" else Person(username="mallory"))
        assert caught.value.messages == [f"The password is too similar to the {attribute}."], too_close
        assert caught.value.codes == ["password_too_similar"]
    validator.validate(STRONG, user)
    validator.validate("janedoe1", None)  # no user, nothing to compare with


def test_similarity_skips_missing_empty_and_non_text_attributes() -> None:
    validator = UserAttributeSimilarityValidator()
    validator.validate("doe-family-2024", OnlyAName(username="mallory"))
    with pytest.raises(PasswordValidationError, match="username"):
        validator.validate("mallory1", OnlyAName(username="mallory"))

    @dataclass
    class Odd:
        username: object = 12345678
        email: str = ""

    validator.validate("12345678", Odd())


def test_similarity_options() -> None:
    only_email = UserAttributeSimilarityValidator(user_attributes=["email"], max_similarity=1.0)
    only_email.validate("janedoe", Person())
    with pytest.raises(PasswordValidationError):
        only_email.validate("jane.doe@example.com", Person())
    with pytest.raises(ValueError, match="at least 0.1"):
        UserAttributeSimilarityValidator(max_similarity=0.05)
    assert "personal information" in only_email.get_help_text()


def test_similarity_of_a_huge_password_is_quick() -> None:
    started = time.perf_counter()
    UserAttributeSimilarityValidator().validate("x" * 200_000 + "janedoe", Person())
    assert time.perf_counter() - started < 1


def test_common_passwords_from_the_shipped_list() -> None:
    validator = CommonPasswordValidator()
    assert len(validator.passwords) >= 30_000
    for common in ("password", "Password ", "123456", "qwerty", "letmein", "DRAGON", "iloveyou"):
        with pytest.raises(PasswordValidationError) as caught:
            validator.validate(common)
        assert caught.value.messages == ["This password is too common."]
        assert caught.value.codes == ["password_too_common"]
    validator.validate(STRONG)
    assert DEFAULT_COMMON_PASSWORDS_PATH.with_name("common-passwords.LICENSE.txt").is_file()


def test_common_passwords_from_a_custom_list(tmp_path: Path) -> None:
    plain = tmp_path / "ours.txt"
    plain.write_text("Hunter2\n\ncorrect-horse\n", encoding="utf-8")
    zipped = tmp_path / "ours.txt.gz"
    zipped.write_bytes(gzip.compress(b"swordfish\n"))
    with pytest.raises(PasswordValidationError):
        CommonPasswordValidator(plain).validate("hunter2")
    CommonPasswordValidator(plain).validate("password")  # only the custom list counts
    with pytest.raises(PasswordValidationError):
        CommonPasswordValidator(str(zipped)).validate("SwordFish")
    with pytest.raises(ImproperlyConfigured, match="missing.txt"):
        CommonPasswordValidator(tmp_path / "missing.txt")


def test_numeric_passwords() -> None:
    validator = NumericPasswordValidator()
    for numeric in ("12345678901", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668"):
        with pytest.raises(PasswordValidationError, match="entirely numeric"):
            validator.validate(numeric)
    validator.validate("1234abcd")
    assert validator.get_help_text() == "Your password can't be entirely numeric."


# -- validate_password and friends -----------------------------------------------------------------------
def test_every_broken_rule_is_reported_at_once() -> None:
    validators: list[PasswordValidator] = [
        UserAttributeSimilarityValidator(),
        MinimumLengthValidator(),
        CommonPasswordValidator(),
        NumericPasswordValidator(),
    ]
    with pytest.raises(PasswordValidationError) as caught:
        validate_password("1234", Person(), validators)
    assert caught.value.messages == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert caught.value.codes == ["password_too_short", "password_too_common", "password_entirely_numeric"]
    assert str(caught.value).startswith("This password is too short.")
    validate_password(STRONG, Person(), validators)


def test_the_error_is_a_value_error_and_an_orm_validation_error() -> None:
    class Signup(pydantic.BaseModel):
        password: str

        @pydantic.field_validator("password")
        @classmethod
        def _strong(cls, value: str) -> str:
            validate_password(value, password_validators=[MinimumLengthValidator()])
            return value

    with pytest.raises(pydantic.ValidationError, match="too short"):
        Signup(password="short")
    with pytest.raises(ValidationError) as caught:
        validate_password("short", password_validators=[MinimumLengthValidator()])
    assert caught.value.message_dict == {"__all__": caught.value.messages}


def test_without_a_project_the_four_default_validators_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FASTJANGO_SETTINGS_MODULE", raising=False)
    previous = get_project() if has_project(load=False) else None
    set_default_project(None)
    try:
        assert [type(v) for v in get_default_password_validators()] == [
            UserAttributeSimilarityValidator,
            MinimumLengthValidator,
            CommonPasswordValidator,
            NumericPasswordValidator,
        ]
        assert messages_of("monkey", Person(username="monkey1")) == [
            "The password is too similar to the username.",
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
        ]
        assert len(password_validators_help_texts()) == 4
    finally:
        set_default_project(previous)


def test_the_setting_and_its_options_are_honoured(configured: Project) -> None:
    assert messages_of("abcdefghijk") == ["This password is too short. It must contain at least 12 characters."]
    assert messages_of("password1234") == []  # the common-password rule is not configured here
    assert password_validators_help_texts() == [
        "Your password must contain at least 12 characters.",
        "Your password can't be entirely numeric.",
    ]
    assert get_default_password_validators()[0] is get_default_password_validators()[0]
    configured.settings.AUTH_PASSWORD_VALIDATORS = []
    assert messages_of("1") == []


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"NAME": "no.such.Validator"}, "no.such.Validator"),
        ({"OPTIONS": {}}, "NAME"),
        (
            {"NAME": "fastjango.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"minimum": 3}},
            "bad OPTIONS",
        ),
        ({"NAME": "pathlib.PurePath"}, "validate"),
    ],
    ids=["unimportable", "no-name", "unknown-option", "not-a-validator"],
)
def test_misconfigured_validators_are_named(entry: dict[str, object], problem: str) -> None:
    project = Project({"AUTH_PASSWORD_VALIDATORS": [entry]}, environ={})
    with project.activated(), pytest.raises(ImproperlyConfigured, match=problem):
        validate_password(STRONG)


class RememberingValidator:
    """A validator with history, as a project might write (refuses a reused password)."""

    def __init__(self) -> None:
        self.previous: list[tuple[str, object]] = []

    def validate(self, password: str, user: object | None = None) -> None:
        if (password, user) in self.previous:
            raise PasswordValidationError("You used this password before.", "password_reused")

    def get_help_text(self) -> str:
        return "Your password must be new."

    def password_changed(self, password: str, user: object | None = None) -> None:
        self.previous.append((password, user))


def test_password_changed_reaches_validators_that_keep_history() -> None:
    remembering = RememberingValidator()
    validators: list[PasswordValidator] = [MinimumLengthValidator(), remembering]
    user = Person()
    validate_password(STRONG, user, validators)
    password_changed(STRONG, user, validators)
    assert messages_of(STRONG, user, validators) == ["You used this password before."]
    assert password_validators_help_texts(validators) == [
        "Your password must contain at least 8 characters.",
        "Your password must be new.",
    ]
