"""Reads of reference data."""

from datetime import date

from sms.core.dates import add_working_days
from sms.core.exceptions import DomainError
from sms.core.fees import Rate, fee_in_force
from sms.core.models import ClosureDay, FeeRate, PolicyPeriod


def fee_amount(*, kind: str, sponsor_size: str, on: date) -> int:
    """The fee in pence in force on `on`, from the administrator-maintained FeeRate table."""
    rates = [
        Rate(r.kind, r.sponsor_size, r.amount_pence, r.effective_from)
        for r in FeeRate.objects.filter(kind=kind, effective_from__lte=on)
    ]
    return fee_in_force(rates, kind=kind, sponsor_size=sponsor_size, on=on)


def fee_rates(*, kinds, on: date) -> list[Rate]:
    """The rates of ``kinds`` that started on or before ``on``, in one query: for ``fee_in_force``
    when one action charges several fees."""
    return [
        Rate(r.kind, r.sponsor_size, r.amount_pence, r.effective_from)
        for r in FeeRate.objects.filter(kind__in=list(kinds), effective_from__lte=on)
    ]


def period_months(*, kind: str, on: date) -> int:
    """The months of a policy period in force on ``on`` (the latest row from on or before it)."""
    row = PolicyPeriod.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from").first()
    if row is None:
        raise DomainError(f"No {kind.replace('_', ' ')} period is set for {on:%d %B %Y}")
    return row.months


def closure_days(*, nation: str) -> frozenset:
    """Extra closure days for a nation (including those for every nation)."""
    return frozenset(ClosureDay.objects.filter(nation__in=[nation, ""]).values_list("day", flat=True))


class ClosureCalendar(dict):
    """Every nation's closure days, read in one query and kept for one run (the daily sweep computes
    deadlines for many sponsors in several nations): ``calendar[nation]`` is ``closure_days(nation=nation)``."""

    def __init__(self):
        super().__init__()
        self._by_nation: dict[str, set] = {}
        for nation, day in ClosureDay.objects.values_list("nation", "day"):
            self._by_nation.setdefault(nation, set()).add(day)

    def __missing__(self, nation: str) -> frozenset:
        self[nation] = frozenset(self._by_nation.get(nation, set()) | self._by_nation.get("", set()))
        return self[nation]


def working_day_deadline(start: date, working_days: int, *, nation: str) -> date:
    """The Nth working day after ``start`` for the nation, closure days included: every deadline's source."""
    return add_working_days(start, working_days, nation=nation, closures=closure_days(nation=nation))
