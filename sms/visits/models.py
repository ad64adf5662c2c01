"""Compliance visits (domain.md section 6: date, officer, findings, outcome, linked actions)."""

from django.conf import settings
from django.db import models

from sms.accounts.models import Sponsor
from sms.core.models import TimeStampedModel


class ComplianceVisit(TimeStampedModel):
    """A visit by a compliance officer to a sponsor: planned, then completed with its findings."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        COMPLETED = "completed", "Completed"

    class Outcome(models.TextChoices):
        COMPLIANT = "compliant", "Compliant: no action"
        ACTION_PLAN = "action_plan", "Route downgraded: action plan"
        SUSPENSION = "suspension", "Licence suspended"
        REVOCATION = "revocation", "Licence revoked"
        FURTHER_VISIT = "further_visit", "Further visit needed"

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="compliance_visits")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    announced = models.BooleanField(help_text="Announced to the sponsor beforehand")
    visit_date = models.DateField()
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # A reference to what followed (an action plan, a suspension): its reference or its page's address.
    linked_actions = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-visit_date", "-created_at"]
        indexes = [models.Index(fields=["sponsor", "visit_date"]), models.Index(fields=["status", "visit_date"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} visit to {self.sponsor} on {self.visit_date:%d/%m/%Y}"
