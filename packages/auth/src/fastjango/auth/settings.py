"""Settings of fastjango-auth that are not about sessions or CSRF (those live beside their middleware)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator

from fastjango.core.conf import setting

__all__ = ["DEFAULT_PASSWORD_HASHERS", "DEFAULT_PASSWORD_VALIDATORS", "AuthSettings", "user_model_label"]

#: The preferred hasher first: new hashes are made with it, and older ones are upgraded to it on login.
DEFAULT_PASSWORD_HASHERS = [
    "fastjango.auth.hashers.Argon2PasswordHasher",
    "fastjango.auth.hashers.PBKDF2PasswordHasher",
    "fastjango.auth.hashers.PBKDF2SHA1PasswordHasher",
    "fastjango.auth.hashers.ScryptPasswordHasher",
]

DEFAULT_PASSWORD_VALIDATORS: list[dict[str, object]] = [
    {"NAME": "fastjango.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "fastjango.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "fastjango.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fastjango.auth.password_validation.NumericPasswordValidator"},
]


class AuthSettings(BaseModel):
    """Who the users are and how they prove it."""

    model_config = ConfigDict(extra="forbid")

    AUTH_USER_MODEL: str = setting(
        "auth.User", description="The user model, as 'app_label.ModelName' (a subclass of AbstractBaseUser)."
    )
    AUTHENTICATION_BACKENDS: list[str] = setting(
        default_factory=lambda: ["fastjango.auth.backends.ModelBackend"],
        description="Dotted paths of authentication backends, tried in order by authenticate().",
    )
    PASSWORD_HASHERS: list[str] = setting(
        default_factory=lambda: list(DEFAULT_PASSWORD_HASHERS),
        description="Dotted paths of password hashers; the first makes new hashes, all can verify.",
    )
    AUTH_PASSWORD_VALIDATORS: list[dict[str, object]] = setting(
        default_factory=lambda: [dict(item) for item in DEFAULT_PASSWORD_VALIDATORS],
        description='Validators of new passwords: [{"NAME": dotted path, "OPTIONS": {...}}].',
    )
    LOGIN_URL: str = setting("/accounts/login/", description="Where login_required sends anonymous users.")
    LOGIN_REDIRECT_URL: str = setting("/", description="Where a login without a safe ?next= goes.")
    LOGOUT_REDIRECT_URL: str | None = setting(None, description="Where logout goes; None answers without a redirect.")

    @field_validator("AUTH_USER_MODEL")
    @classmethod
    def _app_label_dot_model(cls, value: str) -> str:
        app_label, dot, model = value.partition(".")
        if not dot or not app_label or not model or "." in model:
            raise ValueError(f"AUTH_USER_MODEL must be 'app_label.ModelName', not {value!r}")
        return value


def user_model_label() -> str:
    """``AUTH_USER_MODEL`` of the active project, for a ``ForeignKey`` to the user model.

    ``"auth.User"`` when no project is configured yet: a models module
    imported before any project (by a test module, say) then points at the
    default user, as it would in a project that keeps it.
    """
    from fastjango.core.project import get_project, has_project

    if not has_project(load=False):  # never load one from here: the project may be importing this very module
        return "auth.User"
    return str(get_project().settings.get("AUTH_USER_MODEL", "auth.User"))
