"""The bounds of what a form, an import or the database takes: technical limits, not policy.

Money is stored in pence in 32-bit integer columns (at most 2,147,483,647 on PostgreSQL); no amount
in the service comes near GBP 10,000,000. Weekly hours are more than 0 and at most 168 (7 x 24).
Dates typed into a form are between 1900 and 2100: every date in the service (births, passports,
certificates, deadlines counted from a date) falls in it, and date arithmetic near year 9999
overflows.
"""

from datetime import date

from django.db.models import CheckConstraint, Q

MAX_POUNDS = 10_000_000
MAX_AMOUNT_PENCE = MAX_POUNDS * 100
MAX_WEEKLY_HOURS = 168
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RANGE = f"1 January {EARLIEST_DATE.year} and 31 December {LATEST_DATE.year}"


def date_in_range(day: date | None) -> bool:
    """Whether a date (if any) is one the service counts from: between 1900 and 2100."""
    return day is None or EARLIEST_DATE <= day <= LATEST_DATE


def amount_in_range(field: str) -> Q:
    """A database check: an amount of pence is empty or between 0 and the maximum."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": MAX_AMOUNT_PENCE})


def hours_in_range(field: str) -> Q:
    """A database check: weekly hours are empty or more than 0 and at most 168."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": 0, f"{field}__lte": MAX_WEEKLY_HOURS})


class DatabaseCheck(CheckConstraint):
    """A check the database enforces on every write. Model validation leaves it to the forms, which
    state the rule in words (``MoneyField``, ``HoursField``), so validating a form costs no query."""

    def validate(self, model, instance, exclude=None, using=None):
        return None
