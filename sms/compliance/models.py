"""Home Office compliance: action plans after a downgrade, and representations against a suspension."""

from django.conf import settings
from django.db import models

from sms.accounts.models import Sponsor
from sms.core.identifiers import code_with_check
from sms.core.models import TimeStampedModel
from sms.core.uploads import UploadedDocument
from sms.licensing.models import Licence, LicenceRoute


def action_plan_reference() -> str:
    return code_with_check("AP", 10)


def representation_reference() -> str:
    return code_with_check("RP", 10)


class ActionPlan(TimeStampedModel):
    """The time-limited plan that comes with a downgrade to B (domain.md section 6): required
    actions, a duration, a fee payable within 10 working days."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Waiting for payment"
        IN_PROGRESS = "in_progress", "In progress"
        RESTORED = "restored", "Completed: A rating restored"
        REVOKED = "revoked", "Moved to revocation"

    TRANSITIONS: dict[str, set[str]] = {
        Status.AWAITING_PAYMENT: {Status.IN_PROGRESS, Status.REVOKED},
        Status.IN_PROGRESS: {Status.RESTORED, Status.REVOKED},
        Status.RESTORED: set(),
        Status.REVOKED: set(),
    }
    OPEN = frozenset({Status.AWAITING_PAYMENT, Status.IN_PROGRESS})

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="action_plans")
    licence_route = models.ForeignKey(LicenceRoute, on_delete=models.PROTECT, related_name="action_plans")
    reference = models.CharField(max_length=10, unique=True, default=action_plan_reference)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_PAYMENT)
    reason = models.TextField(help_text="Why the route was downgraded")
    fee_pence = models.PositiveIntegerField()
    payment_due = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=11, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "payment_due"])]

    def __str__(self) -> str:
        return f"Action plan {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RequiredAction(TimeStampedModel):
    """One action the compliance officer requires, with the sponsor's progress on it."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField()
    description = models.TextField()
    progress = models.CharField(max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    progress_notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_action_number_per_plan")]

    def __str__(self) -> str:
        return f"Action {self.number} of {self.plan.reference}"

    @property
    def sponsor_id(self):
        """Tenancy for the policy: the plan's sponsor."""
        return self.plan.sponsor_id

    @property
    def sponsor(self):
        return self.plan.sponsor


class ActionEvidence(UploadedDocument):
    action = models.ForeignKey(RequiredAction, on_delete=models.CASCADE, related_name="evidence")


class Representation(TimeStampedModel):
    """The sponsor's representations against a suspension, due within 20 working days of it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for a decision"
        LIFTED = "lifted", "Suspension lifted"
        REVOKED = "revoked", "Licence revoked"

    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.LIFTED, Status.REVOKED},
        Status.LIFTED: set(),
        Status.REVOKED: set(),
    }

    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="representations")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="representations")
    reference = models.CharField(max_length=10, unique=True, default=representation_reference)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    suspended_on = models.DateField()
    due = models.DateField(null=True, blank=True)
    text = models.TextField()
    late = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Representations {self.reference}"


class RepresentationEvidence(UploadedDocument):
    representation = models.ForeignKey(Representation, on_delete=models.CASCADE, related_name="evidence")
