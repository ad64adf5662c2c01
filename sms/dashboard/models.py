"""The monthly review (seed 001): the checklist a Level 1 user completes each month, kept as history."""

from django.conf import settings
from django.db import models

from sms.accounts.models import Sponsor
from sms.core.models import TimeStampedModel

# The checklist of seed 001's "Monthly SMS review", in its order: field name -> what the person confirms.
CHECKLIST = {
    "key_personnel_current": "Every key personnel record (Authorising Officer, Key Contact, Level 1 users) is current",
    "reports_checked": "There are no outstanding reporting obligations, or each one is in hand",
    "allocation_sufficient": "The certificate allocation is sufficient for planned hiring",
    "messages_read": "Every Home Office message has been read, and any that needs a response has one",
}


class MonthlyReview(TimeStampedModel):
    """One completed monthly review, with what the dashboard showed when it was completed (so the
    history says what the reviewer saw, not what is true today)."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="monthly_reviews")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    key_personnel_current = models.BooleanField()
    reports_checked = models.BooleanField()
    allocation_sufficient = models.BooleanField()
    messages_read = models.BooleanField()
    notes = models.TextField(blank=True)
    # The counts the dashboard showed: overdue and open obligations, unread messages, allocation left.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["sponsor", "-completed_on"], name="monthly_review_recent")]

    def __str__(self) -> str:
        return f"Monthly review of {self.completed_on:%-d %B %Y}"
