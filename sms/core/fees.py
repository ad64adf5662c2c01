"""Effective-dated fees: pure rules over the FeeRate table (domain.md: fees are data with a date)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sms.core.exceptions import DomainError


@dataclass(frozen=True)
class Rate:
    kind: str
    sponsor_size: str
    amount_pence: int
    effective_from: date


def fee_in_force(rates: Iterable[Rate], *, kind: str, sponsor_size: str, on: date) -> int:
    """The amount in pence of `kind` for a sponsor of `sponsor_size` on date `on`.

    The latest rate that started on or before `on` wins; a size-specific rate beats one for any size.
    """
    candidates = [
        rate
        for rate in rates
        if rate.kind == kind and rate.sponsor_size in (sponsor_size, "") and rate.effective_from <= on
    ]
    if not candidates:
        raise DomainError(f"No {kind.replace('_', ' ')} fee is set for {on:%d %B %Y}")
    return max(candidates, key=lambda rate: (rate.effective_from, rate.sponsor_size != "")).amount_pence


def format_pounds(pence: int) -> str:
    """GBP 1,579 or GBP 1,579.50: how the service shows money."""
    pounds, remainder = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{remainder:02d}" if remainder else "")
