"""Outgoing webhooks (issue 13): endpoints a sponsor registers, the events sent to them, and the
delivery outbox with its log of attempts."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class EventType(models.TextChoices):
    """What a sponsor can subscribe an endpoint to. The value is the payload's ``type``."""

    OBLIGATION_OPENED = "obligation.opened", "A report is due (obligation opened)"
    OBLIGATION_DUE_SOON = "obligation.due_soon", "A report reaches your internal target date (due soon)"
    OBLIGATION_OVERDUE = "obligation.overdue", "A report is past its legal deadline (overdue)"
    CERTIFICATE_STATUS_CHANGED = "certificate.status_changed", "A certificate's status changed"
    PERMISSION_ENDING = "permission.ending", "A worker's or student's permission ends within 90, 60 or 30 days"


class WebhookEndpoint(models.Model):
    """An HTTPS address of the sponsor's system that receives the chosen events, signed with its secret.

    The secret is stored as it is (it must be, to sign with it) and shown once, when it is created or
    rotated; deleting an endpoint deletes its deliveries and their log.
    """

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="webhook_endpoints")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=100)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sponsor", "enabled"], name="webhook_endpoint_sponsor")]

    def __str__(self) -> str:
        return self.description

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [labels[event] for event in self.events if event in labels]


class WebhookEvent(models.Model):
    """Something that happened, as the JSON sent to every subscribed endpoint. ``body`` is the exact
    text signed and sent (every attempt and replay sends the same bytes). ``key`` makes it once-only."""

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="webhook_events")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    key = models.CharField(max_length=120)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["sponsor", "key"], name="webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.type} {self.uuid}"

    @property
    def webhook_id(self) -> str:
        return f"evt_{self.uuid.hex}"


class WebhookDelivery(models.Model):
    """One event to one endpoint: the outbox row. Claimed by one deliverer at a time (PENDING ->
    SENDING in one conditional UPDATE), retried with back-off, FAILED after WEBHOOK_MAX_ATTEMPTS."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.get_status_display()})"


class WebhookAttempt(models.Model):
    """One POST of a delivery: the log the sponsor sees."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.attempted_at}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
