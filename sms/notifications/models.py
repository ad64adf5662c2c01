"""The email outbox: every message is stored before it is sent, so none is lost to a failed send."""

from django.db import models


class OutboundEmail(models.Model):
    """One email to one person. Sent by a background task after the writing transaction commits."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.get_status_display()})"


class Notice(models.Model):
    """A notice the system posts on one sponsor's message board: a decision or sanction that concerns
    the sponsor, or a reminder (licence expiring, allocation running low, a payment due).

    Posted by any app through ``notifications.services.notice_post``; the message board shows notices
    beside the Home Office's own messages and records who has read them.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        SANCTION = "sanction", "Sanction"
        REMINDER = "reminder", "Reminder"

    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # Where the sponsor can act on it (a path inside the service), if anywhere.
    link = models.CharField(max_length=300, blank=True)
    # Posting again with the same key changes nothing (a daily reminder is posted once).
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsor", "key"], condition=~models.Q(key=""), name="notice_once_per_key"
            )
        ]
        indexes = [models.Index(fields=["sponsor", "-created_at"], name="notice_sponsor_recent")]

    def __str__(self) -> str:
        return self.subject
