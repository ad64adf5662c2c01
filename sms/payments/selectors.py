"""Reads of payments."""

from sms.payments.models import Payment


def payments_for(*, purpose: str, subject_reference: str):
    """Every payment for one thing (newest first)."""
    return Payment.objects.filter(purpose=purpose, subject_reference=subject_reference)


def payment_latest(*, purpose: str, subject_reference: str) -> Payment | None:
    return payments_for(purpose=purpose, subject_reference=subject_reference).first()
