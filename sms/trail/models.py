"""Large audit exports, produced in the background (sms.trail.export)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# How long a finished export can be downloaded: long enough to come back for it, short enough that
# copies of the trail do not pile up.
EXPORT_KEPT_FOR = timedelta(days=7)


class AuditExport(models.Model):
    """One requested export of the audit trail: who asked, with which filters, and how far it got.

    Only the user who asked may see or download it (their filters were applied within what they may
    see); a file is kept until ``expires_at``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sponsor = models.ForeignKey("accounts.Sponsor", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The page's query string as a mapping: the export repeats the search the user saw.
    filters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="audit-exports/", blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Audit export {self.uuid} ({self.get_status_display()})"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
