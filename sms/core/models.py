"""Base models shared by every app."""

import uuid

from django.db import models

from sms.core.fees import format_pounds


class TimeStampedModel(models.Model):
    """A row with a public UUID and its creation and update times."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class FeeRate(models.Model):
    """One fee figure from a date: fees are data an administrator adds, never constants in code.

    ``sponsor_size`` is blank where the fee is the same for every size.
    """

    class Kind(models.TextChoices):
        LICENCE_APPLICATION = (
            "licence_application",
            "Sponsor licence application: Worker (with or without Temporary Worker)",
        )
        LICENCE_APPLICATION_TEMPORARY_WORKER = (
            "licence_application_temporary_worker",
            "Sponsor licence application: Temporary Worker only",
        )
        LICENCE_APPLICATION_STUDENT = "licence_application_student", "Sponsor licence application: Student only"
        LICENCE_RENEWAL = "licence_renewal", "Sponsor licence renewal"
        COS_WORKER = "cos_worker", "Certificate of Sponsorship: Worker routes"
        COS_TEMPORARY_WORKER = "cos_temporary_worker", "Certificate of Sponsorship: Temporary Worker routes"
        SKILLS_CHARGE_FIRST_YEAR = "skills_charge_first_year", "Immigration Skills Charge: first 12 months"
        SKILLS_CHARGE_HALF_YEAR = "skills_charge_half_year", "Immigration Skills Charge: each further 6 months"
        ALLOCATION_PRIORITY = "allocation_priority", "Priority service for an allocation request"
        ACTION_PLAN = "action_plan", "Action plan after a downgrade to a B rating"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    sponsor_size = models.CharField(max_length=10, blank=True)
    amount_pence = models.PositiveIntegerField()
    effective_from = models.DateField()
    source = models.CharField(max_length=255, blank=True, help_text="Where the figure was published")

    class Meta:
        ordering = ["kind", "sponsor_size", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sponsor_size", "effective_from"], name="one_fee_per_kind_size_date"
            )
        ]

    def __str__(self) -> str:
        size = self.sponsor_size or "any size"
        amount = format_pounds(self.amount_pence)
        return f"{self.get_kind_display()} ({size}) from {self.effective_from:%-d %B %Y}: {amount}"


class PolicyPeriod(models.Model):
    """A period set by policy, in months, from a date (e.g. the cooling-off period after a
    revocation): data an administrator adds, never a constant in code."""

    class Kind(models.TextChoices):
        REVOCATION_COOLING_OFF = (
            "revocation_cooling_off",
            "Cooling-off period before a new application after revocation",
        )
        ACTION_PLAN_DURATION = "action_plan_duration", "Duration of an action plan"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    months = models.PositiveSmallIntegerField()
    effective_from = models.DateField()
    source = models.CharField(max_length=255, blank=True, help_text="Where the figure was published")

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="one_period_per_kind_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.effective_from}: {self.months} months"


class ClosureDay(models.Model):
    """An extra day that is not a working day (a bank holiday announced at short notice).

    Blank ``nation`` closes the day in every nation. Added by a Home Office administrator.
    """

    day = models.DateField()
    nation = models.CharField(max_length=20, blank=True, help_text="Blank for every nation")
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["day", "nation"], name="one_closure_per_day_nation")]

    def __str__(self) -> str:
        return f"{self.day:%d %B %Y}: {self.reason}"
