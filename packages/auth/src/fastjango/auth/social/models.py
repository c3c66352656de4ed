"""Tables of the ``social`` app: which provider account belongs to which user."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastjango.auth.settings import user_model_label
from fastjango.orm import Model, fields

__all__ = ["SocialAccount"]


class SocialAccount(Model):
    """A user's account at a provider, found again by the provider's stable subject id (``uid``).

    The e-mail address is not the key: users change it at the provider, and
    providers recycle addresses; ``uid`` (OpenID Connect's ``sub``, GitHub's
    numeric id) is what stays.
    """

    provider = fields.CharField(max_length=50, help_text="The name under SOCIAL_AUTH_PROVIDERS.")
    uid = fields.CharField(max_length=255, help_text="The provider's subject id for this account.")
    user = fields.ForeignKey(user_model_label(), on_delete=fields.CASCADE, related_name="social_accounts")
    extra_data = fields.JSONField(default=dict, blank=True, help_text="The profile the provider sent last.")
    created = fields.DateTimeField(auto_now_add=True)
    last_login = fields.DateTimeField(null=True, blank=True)

    if TYPE_CHECKING:
        user_id: Any

    class Meta:
        app_label = "social"
        unique_together = (("provider", "uid"),)
        ordering = ("provider", "uid")

    def __str__(self) -> str:
        return f"{self.provider}:{self.uid}"
