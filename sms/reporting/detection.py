"""Pure rules that turn facts into reporting triggers (domain.md section 5). No database."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sms.core.dates import add_working_days, is_working_day, nth_working_day_from

START_WINDOW_DAYS = 28
ABSENCE_WORKING_DAYS = 10  # reportable when an absence lasts MORE than this
UNPAID_LEAVE_WEEKS = 4  # "over 4 weeks in a calendar year", in the worker's working pattern
EXEMPT_LEAVE = frozenset(
    {
        "maternity", "paternity", "adoption", "shared_parental", "neonatal", "sickness", "jury_service",
        "court_attendance", "humanitarian", "industrial_action",
    }
)  # fmt: skip


def start_window_end(
    *, certificate_start: date | None, permission_start: date | None, visa_granted_on: date | None
) -> date | None:
    """The end of the 28 days a worker has to start: counted from the latest of the certificate's start
    date, the visa's valid-from date and the visa grant date."""
    known = [day for day in (certificate_start, permission_start, visa_granted_on) if day]
    return max(known) + timedelta(days=START_WINDOW_DAYS) if known else None


def absence_deadline_anchor(start: date, *, nation: str, closures: Iterable[date] = ()) -> date:
    """The 10th working day of an unauthorised absence: its report is due 10 working days after it."""
    return nth_working_day_from(start, ABSENCE_WORKING_DAYS, nation=nation, closures=closures)


def absence_reportable_from(start: date, *, nation: str, closures: Iterable[date] = ()) -> date:
    """The 11th working day of an unauthorised absence: from then it has lasted more than 10 consecutive
    working days and is reportable (exactly 10 is not)."""
    return nth_working_day_from(start, ABSENCE_WORKING_DAYS + 1, nation=nation, closures=closures)


def absence_is_reportable(
    *, start: date, end: date | None, today: date, nation: str, closures: Iterable[date] = ()
) -> date | None:
    """The trigger date (the 10th working day) once the run has lasted more than 10 working days, by
    its last day or, while it goes on, by today; else None."""
    closed = frozenset(closures)
    eleventh = absence_reportable_from(start, nation=nation, closures=closed)
    last_day = min(end, today) if end else today
    if eleventh > last_day:
        return None
    return absence_deadline_anchor(start, nation=nation, closures=closed)


@dataclass(frozen=True)
class Leave:
    start: date
    end: date | None
    reason: str = ""


def unpaid_leave_limit(days_per_week: int) -> int:
    """4 weeks in the worker's working pattern: 20 working days for a 5-day week, 12 for a 3-day week."""
    return UNPAID_LEAVE_WEEKS * days_per_week


def unpaid_leave_trigger(
    leave: Iterable[Leave],
    *,
    year: int,
    today: date,
    days_per_week: int = 5,
    nation: str = "england-and-wales",
    closures: Iterable[date] = (),
) -> date | None:
    """The day unpaid or reduced-pay leave in a calendar year passes 4 weeks of the worker's working
    pattern, or None if it has not.

    Only non-exempt leave counts, up to today, and only working days (no weekends, bank holidays or
    closure days); scattered days add up. In any one week no more days count than the worker works
    in a week, so a part-time worker's week off counts as one week.
    """
    closed = frozenset(closures)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    days = set()
    for period in leave:
        if period.reason in EXEMPT_LEAVE:
            continue
        first = max(period.start, year_start)
        last = min(period.end or today, year_end, today)
        days.update(first + timedelta(days=offset) for offset in range((last - first).days + 1))
    limit = unpaid_leave_limit(days_per_week)
    counted, per_week = 0, {}
    for day in sorted(days):
        if not is_working_day(day, nation=nation, closures=closed):
            continue
        week = day.isocalendar()[:2]
        if per_week.get(week, 0) >= days_per_week:
            continue
        per_week[week] = per_week.get(week, 0) + 1
        counted += 1
        if counted > limit:
            return day
    return None


def deadlines(
    trigger: date, *, working_days: int, target_working_days: int, nation: str, closures: Iterable[date] = ()
) -> tuple[date, date]:
    """(legal deadline, internal target): N working days after the trigger, and the sponsor's own
    earlier target (never later than the legal deadline)."""
    closed = frozenset(closures)
    legal = add_working_days(trigger, working_days, nation=nation, closures=closed)
    target = add_working_days(trigger, max(1, target_working_days), nation=nation, closures=closed)
    return legal, min(target, legal)
