"""Pure rules that turn facts into reporting triggers (domain.md section 5). No database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sms.core.dates import add_working_days, nth_working_day_from

START_WINDOW_DAYS = 28
ABSENCE_WORKING_DAYS = 10
UNPAID_LEAVE_LIMIT_DAYS = 28  # "over 4 weeks in a calendar year"
EXEMPT_LEAVE = frozenset({"maternity", "paternity", "adoption", "sickness", "jury_service", "industrial_action"})


def start_window_end(
    *, certificate_start: date | None, permission_start: date | None, visa_granted_on: date | None
) -> date | None:
    """The end of the 28 days a worker has to start: counted from the latest of the certificate's start
    date, the visa's valid-from date and the visa grant date."""
    known = [day for day in (certificate_start, permission_start, visa_granted_on) if day]
    return max(known) + timedelta(days=START_WINDOW_DAYS) if known else None


def absence_reportable_from(start: date, *, nation: str, closures: Iterable[date] = ()) -> date:
    """The 10th working day of an unauthorised absence starting on ``start``: it becomes reportable then."""
    return nth_working_day_from(start, ABSENCE_WORKING_DAYS, nation=nation, closures=closures)


def absence_is_reportable(
    *, start: date, end: date | None, today: date, nation: str, closures: Iterable[date] = ()
) -> date | None:
    """The trigger date when the absence run has reached its 10th working day, else None."""
    tenth = absence_reportable_from(start, nation=nation, closures=closures)
    last_day = end or today
    return tenth if tenth <= last_day and tenth <= today else None


@dataclass(frozen=True)
class Leave:
    start: date
    end: date | None
    reason: str = ""


def unpaid_leave_trigger(leave: Iterable[Leave], *, year: int, today: date) -> date | None:
    """The day unpaid leave in a calendar year passes 4 weeks (the 29th day), counting only
    non-exempt leave and days up to today; None if it has not."""
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    days = set()
    for period in leave:
        if period.reason in EXEMPT_LEAVE:
            continue
        first = max(period.start, year_start)
        last = min(period.end or today, year_end, today)
        days.update(first + timedelta(days=offset) for offset in range((last - first).days + 1))
    if len(days) <= UNPAID_LEAVE_LIMIT_DAYS:
        return None
    return sorted(days)[UNPAID_LEAVE_LIMIT_DAYS]


def deadlines(
    trigger: date, *, working_days: int, target_working_days: int, nation: str, closures: Iterable[date] = ()
) -> tuple[date, date]:
    """(legal deadline, internal target): N working days after the trigger, and the sponsor's own
    earlier target (never later than the legal deadline)."""
    closed = frozenset(closures)
    legal = add_working_days(trigger, working_days, nation=nation, closures=closed)
    target = add_working_days(trigger, max(1, target_working_days), nation=nation, closures=closed)
    return legal, min(target, legal)
