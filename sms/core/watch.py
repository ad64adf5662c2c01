"""What the service watches for before anything is late (domain.md section 7).

One place for the thresholds that the sponsor's dashboard, the daily alerts and the right-to-work
follow-ups share, so a page and an email never disagree about what is "due soon". Pure functions
only: the apps above turn them into set-based queries.
"""

import calendar
from datetime import date, timedelta

# Alerts at 90, 60 and 30 days before a worker's permission (visa) ends: what sponsors' own tools
# offer (domain.md section 7).
PERMISSION_ENDING_DAYS = (90, 60, 30)

# A right-to-work follow-up check is due before time-limited permission ends (Home Office right to
# work guidance); the sponsor is told this many days before the follow-up date, and again when due.
RTW_FOLLOW_UP_NOTICE_DAYS = 28

# An assigned certificate that is not used expires (CoS 3 months, CAS 6 months): warn this many
# days before, while the worker can still apply.
CERTIFICATE_EXPIRING_DAYS = 14

# An unauthorised absence is reportable when it lasts MORE than 10 working days (domain.md
# section 5). From the 6th consecutive working day the sponsor is warned, leaving a working week
# to contact the worker before it becomes reportable.
ABSENCE_REPORTABLE_AFTER_WORKING_DAYS = 10
ABSENCE_APPROACHING_FROM_WORKING_DAY = 6

# Unread Home Office messages older than a week show on the sponsor dashboard (domain.md section 6).
UNREAD_MESSAGE_DAYS = 7

# Level 1 users who have not signed in for 12 months are flagged (domain.md section 6); the sponsor
# is warned a month before.
STALE_SIGN_IN_DAYS = 365
STALE_SIGN_IN_WARNING_DAYS = 335


def permission_ending_band(permission_end: date | None, today: date) -> int | None:
    """The smallest of 90/60/30 days that the permission end falls within, or None.

    A permission that has already ended is not "ending" (it is a different problem: the worker may
    no longer work), so it gives None.
    """
    if permission_end is None or permission_end < today:
        return None
    days_left = (permission_end - today).days
    bands = [band for band in PERMISSION_ENDING_DAYS if days_left <= band]
    return min(bands) if bands else None


def rtw_follow_up_date(permission_end: date | None) -> date | None:
    """When a follow-up right-to-work check is due for time-limited permission: before it ends.

    The check must be made before the permission expires, so the follow-up falls on the last day of
    permission; no date when permission is not time-limited (or not known).
    """
    return permission_end


def rtw_follow_up_window_opens(follow_up_on: date) -> date:
    """The first day on which the sponsor is told a follow-up check is coming."""
    return follow_up_on - timedelta(days=RTW_FOLLOW_UP_NOTICE_DAYS)


def absence_is_approaching_reportable(working_days_absent: int) -> bool:
    """True from the 6th to the 10th consecutive working day of unauthorised absence."""
    return ABSENCE_APPROACHING_FROM_WORKING_DAY <= working_days_absent <= ABSENCE_REPORTABLE_AFTER_WORKING_DAYS


# --- The sponsor dashboard's own watches -----------------------------------------------------------

# An allocation is flagged when the forecast says it runs out within this many days: a request for
# more takes time to decide (seed 001, "not requesting CoS allocations in time"), and the priority
# service alone promises 5 working days.
ALLOCATION_RUNS_OUT_WARNING_DAYS = 28

# The monthly review of seed 001 ("set a monthly calendar reminder"): due a calendar month after the
# last one was completed.
MONTHLY_REVIEW_INTERVAL_MONTHS = 1


def obligation_urgency(*, target_date: date, legal_deadline: date, today: date) -> str | None:
    """"overdue" once the legal deadline has passed, "due_soon" from the sponsor's internal target date
    (domain.md section 5) up to and including the deadline, else None (open, not yet pressing)."""
    if legal_deadline < today:
        return "overdue"
    if target_date <= today:
        return "due_soon"
    return None


def allocation_runs_out_soon(runs_out_on: date | None, remaining: int, today: date) -> bool:
    """True when nothing is left, or the forecast run-out date falls within the warning window."""
    if remaining <= 0:
        return True
    return runs_out_on is not None and runs_out_on <= today + timedelta(days=ALLOCATION_RUNS_OUT_WARNING_DAYS)


def sign_in_staleness(last_seen: date, today: date) -> str | None:
    """"stale" after 12 months without a sign-in (flagged, domain.md section 6), "warning" a month
    before, else None."""
    days = (today - last_seen).days
    if days > STALE_SIGN_IN_DAYS:
        return "stale"
    if days > STALE_SIGN_IN_WARNING_DAYS:
        return "warning"
    return None


def monthly_review_next_due(last_completed: date | None, today: date) -> date:
    """The day the next monthly review is due: a calendar month after the last (the same day of the
    month, or the month's last day), or today when none has been done."""
    if last_completed is None:
        return today
    month = last_completed.month - 1 + MONTHLY_REVIEW_INTERVAL_MONTHS
    year, month = last_completed.year + month // 12, month % 12 + 1
    day = min(last_completed.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
