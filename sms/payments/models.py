"""A payment of a fee the service takes, and the sandbox provider's own records."""

from django.conf import settings
from django.db import models

from sms.core.identifiers import code_with_check
from sms.core.models import TimeStampedModel


def payment_reference() -> str:
    """The reference the provider and the payer see: ``P`` and 10 unambiguous characters."""
    return code_with_check("P", 11)


class Payment(TimeStampedModel):
    """One attempt to pay a fee. Its status changes only after the provider confirms it."""

    class Purpose(models.TextChoices):
        LICENCE_APPLICATION = "licence_application", "Sponsor licence application fee"
        LICENCE_RENEWAL = "licence_renewal", "Sponsor licence renewal fee"
        ALLOCATION_PRIORITY = "allocation_priority", "Priority service fee"
        ACTION_PLAN = "action_plan", "Action plan fee"

    class Status(models.TextChoices):
        STARTED = "started", "Waiting for payment"
        SUCCESS = "success", "Paid"
        FAILED = "failed", "Payment failed"
        CANCELLED = "cancelled", "Payment cancelled"
        ERROR = "error", "Payment error"

    TRANSITIONS: dict[str, set[str]] = {
        Status.STARTED: {Status.SUCCESS, Status.FAILED, Status.CANCELLED, Status.ERROR},
        Status.SUCCESS: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
        Status.ERROR: set(),
    }

    sponsor = models.ForeignKey(
        "accounts.Sponsor", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    subject_reference = models.CharField(max_length=40, help_text="The reference of what the fee is for")
    reference = models.CharField(max_length=11, unique=True, default=payment_reference)
    description = models.CharField(max_length=255)
    amount_pence = models.PositiveIntegerField()
    provider = models.CharField(max_length=20)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    provider_status = models.CharField(max_length=20, blank=True, help_text="The provider's last state")
    next_url = models.CharField(max_length=500, blank=True)
    return_url = models.CharField(max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STARTED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["purpose", "subject_reference"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Payment {self.reference}"

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.SUCCESS

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.STARTED


class SandboxPayment(models.Model):
    """A payment held by the built-in sandbox provider (the demo's stand-in for GOV.UK Pay)."""

    provider_id = models.CharField(max_length=40, unique=True)
    amount_pence = models.PositiveIntegerField()
    reference = models.CharField(max_length=40)
    description = models.CharField(max_length=255)
    return_url = models.CharField(max_length=500)
    state = models.CharField(max_length=20, default="created")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Sandbox payment {self.reference}: {self.state}"
