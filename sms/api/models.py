"""API tokens and the idempotency keys of the requests made with them.

A token's secret is shown once and never stored: the row keeps a short lookup prefix and the
SHA-256 digest of the whole token. A secret of 256 random bits needs no slow hash (nothing to
guess), and a digest lets every request be checked in one indexed look-up.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A named credential with which a system acts as one user, with that user's permissions."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read-write", "Read and write"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    # The first characters of the token after its "sms_" marker: unique, the index a request is found by.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    expires_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["sponsor", "-created_at"], name="apitoken_sponsor_recent")]

    def __str__(self) -> str:
        return f"{self.name} (API token {self.prefix})"

    @property
    def policy_subject(self):
        """Tokens are managed by Level 1 users (ALL); the tenancy check reads ``sponsor_id``."""
        return self

    def is_expired(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.expires_on

    @property
    def status_label(self) -> str:
        if self.revoked_at:
            return "Revoked"
        if self.is_expired():
            return "Expired"
        return "Active"

    @property
    def allows_writes(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


class IdempotencyKey(models.Model):
    """The first response to a POST carrying an ``Idempotency-Key``: a retry gets it again.

    The row is inserted before the work, in the same transaction, so a second request with the
    same key waits on the unique index until the first commits (or rolls back), then replays it.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_keys")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and request content: the same key with other content is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="idempotency_once_per_token")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'in progress'})"
