"""Casework: who is working on a case and the Home Office's internal notes on it.

A case is any row a Home Office queue lists (an application, a sponsor request, an allocation
request, a defined CoS request, a report received), named by its case type and primary key, so one
pair of tables serves every queue without each app knowing about casework.
"""

from django.conf import settings
from django.db import models

from sms.accounts.models import Sponsor


class CaseType(models.TextChoices):
    APPLICATION = "application", "Licence application"
    SPONSOR_REQUEST = "sponsor_request", "Licence request"
    ALLOCATION_REQUEST = "allocation_request", "Allocation request"
    DEFINED_COS_REQUEST = "defined_cos_request", "Defined CoS request"
    REPORT = "report", "Report received"
    REPRESENTATION = "representation", "Representations against a suspension"


class ServiceLevel(models.Model):
    """How many working days the Home Office aims to take to decide a case in a queue, from a date
    (effective-dated: a new published service standard is a new row, not a release)."""

    class Kind(models.TextChoices):
        APPLICATION = "application", "Licence application"
        RENEWAL = "renewal", "Licence renewal"
        VARIATION = "variation", "Licence variation"
        ADDITIONAL_LEVEL_1 = "additional_level_1", "Additional Level 1 user"
        ALLOCATION = "allocation", "Allocation request"
        ALLOCATION_PRIORITY = "allocation_priority", "Allocation request (priority service)"
        DEFINED_COS = "defined_cos", "Defined CoS request"
        REPORT = "report", "Report received"
        REPRESENTATION = "representation", "Representations against a suspension"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    working_days = models.PositiveSmallIntegerField()
    effective_from = models.DateField()
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="one_service_level_per_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.working_days} working days from {self.effective_from:%-d %B %Y}"


class CaseAssignment(models.Model):
    """The staff member working on a case now (one row per case; reassignment replaces it)."""

    case_type = models.CharField(max_length=30, choices=CaseType.choices)
    case_id = models.PositiveBigIntegerField()
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case_type", "case_id"], name="one_assignment_per_case")]
        indexes = [models.Index(fields=["assigned_to", "case_type"], name="case_assignment_owner")]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()} {self.case_id}"


class CaseNote(models.Model):
    """An internal Home Office note on a case: never shown to the sponsor, in any page or trail."""

    case_type = models.CharField(max_length=30, choices=CaseType.choices)
    case_id = models.PositiveBigIntegerField()
    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case_type", "case_id", "-created_at"], name="case_note_case"),
            models.Index(fields=["sponsor", "-created_at"], name="case_note_sponsor"),
        ]

    def __str__(self) -> str:
        # Never the text: the label is what an audit row shows.
        return f"Note on {self.get_case_type_display().lower()} {self.case_id}"
