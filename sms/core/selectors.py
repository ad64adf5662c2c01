"""Reads of reference data."""

from datetime import date

from sms.core.fees import Rate, fee_in_force
from sms.core.models import FeeRate


def fee_amount(*, kind: str, sponsor_size: str, on: date) -> int:
    """The fee in pence in force on `on`, from the administrator-maintained FeeRate table."""
    rates = [
        Rate(r.kind, r.sponsor_size, r.amount_pence, r.effective_from)
        for r in FeeRate.objects.filter(kind=kind, effective_from__lte=on)
    ]
    return fee_in_force(rates, kind=kind, sponsor_size=sponsor_size, on=on)
