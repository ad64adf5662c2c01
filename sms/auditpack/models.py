"""An audit pack: what a compliance officer asks for at a visit, produced for one period.

Produced by the background worker (a large sponsor's pack takes a while), so the request is a row
with a status and progress that the page reads until the files are ready.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from sms.accounts.models import Sponsor


def pack_path(instance, filename: str) -> str:
    """A random stored name under MEDIA_ROOT (never served directly: downloads go through a view)."""
    return f"audit-packs/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}-{filename}"


class AuditPack(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being produced"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be produced"

    TRANSITIONS = {
        Status.QUEUED: {Status.BUILDING, Status.FAILED},
        Status.BUILDING: {Status.READY, Status.FAILED},
        Status.READY: set(),
        Status.FAILED: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="audit_packs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # 0 to 100: how far the worker has got (a section at a time).
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=120, blank=True)
    pdf_file = models.FileField(upload_to=pack_path, blank=True)
    zip_file = models.FileField(upload_to=pack_path, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit pack"
        indexes = [models.Index(fields=["sponsor", "-created_at"], name="auditpack_sponsor_recent")]

    def __str__(self) -> str:
        # Shown in the audit trail: UK dates, like every page.
        start, end = self.period_start, self.period_end
        return f"Audit pack {start.day} {start:%B %Y} to {end.day} {end:%B %Y} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("auditpack:detail", args=[self.uuid])
