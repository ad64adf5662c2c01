"""Working days: the one calendar every deadline in the system uses (domain.md section 5).

Working days exclude Saturdays, Sundays, the bank holidays of the sponsor's UK nation (from the
``holidays`` package, which also lists substitute days) and any extra closure days an administrator
adds. "Within N working days of an event on date D" means the Nth working day after D; D itself is
not counted.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db import models


class Nation(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


# England and Wales share their bank holidays; the package's ENG subdivision lists them.
SUBDIVISION = {Nation.ENGLAND_AND_WALES: "ENG", Nation.SCOTLAND: "SCT", Nation.NORTHERN_IRELAND: "NIR"}
MAX_WORKING_DAYS = 3660  # ten years or so: a bound against runaway loops


@lru_cache(maxsize=256)
def bank_holidays(nation: str, year: int) -> frozenset[date]:
    """The nation's bank holidays in a year, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv=SUBDIVISION[Nation(nation)], years=[year]).keys())


def is_working_day(day: date, *, nation: str, closures: Iterable[date] = ()) -> bool:
    """Not a weekend, not a bank holiday of the nation, not an extra closure day."""
    return day.weekday() < 5 and day not in bank_holidays(nation, day.year) and day not in set(closures)


def add_working_days(start: date, working_days: int, *, nation: str, closures: Iterable[date] = ()) -> date:
    """The ``working_days``-th working day after ``start`` (``start`` itself is not counted)."""
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValueError(f"working days must be between 1 and {MAX_WORKING_DAYS}")
    closed = frozenset(closures)
    day, counted = start, 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, nation=nation, closures=closed):
            counted += 1
    return day


def nth_working_day_from(start: date, n: int, *, nation: str, closures: Iterable[date] = ()) -> date:
    """The Nth working day counting ``start`` itself as the first when it is a working day.

    Used for runs such as "the 10th working day of absence", where the first day counts.
    """
    closed = frozenset(closures)
    if is_working_day(start, nation=nation, closures=closed):
        return start if n == 1 else add_working_days(start, n - 1, nation=nation, closures=closed)
    return add_working_days(start, n, nation=nation, closures=closed)


def working_days_left(today: date, deadline: date, *, nation: str, closures: Iterable[date] = ()) -> int:
    """Working days from ``today`` to ``deadline``: those after today up to and including the deadline.

    0 when the deadline is today. Negative once it has passed: minus the working days from the
    deadline (counted) up to today (not counted), so a Friday deadline is -1 on the Saturday and the
    Monday after, and -2 on the Tuesday; a passed deadline, always a working day, is never 0.
    Counted in the same calendar as the deadlines themselves (``add_working_days``).
    """
    closed = frozenset(closures)
    if deadline == today:
        return 0
    if abs((deadline - today).days) > MAX_WORKING_DAYS * 2:
        raise ValueError("dates too far apart to count working days")
    if deadline > today:
        days = (today + timedelta(days=offset) for offset in range(1, (deadline - today).days + 1))
        return sum(1 for day in days if is_working_day(day, nation=nation, closures=closed))
    days = (deadline + timedelta(days=offset) for offset in range((today - deadline).days))
    return -sum(1 for day in days if is_working_day(day, nation=nation, closures=closed))


def working_days_back(today: date, n: int, *, nation: str, closures: Iterable[date] = ()) -> date:
    """The latest day D such that the working days from D to ``today``, both counted, number ``n``:
    an absence that started on or before D has lasted at least ``n`` working days by today."""
    if not 1 <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"working days must be between 1 and {MAX_WORKING_DAYS}")
    closed = frozenset(closures)
    day, counted = today, 0
    while True:
        if is_working_day(day, nation=nation, closures=closed):
            counted += 1
            if counted == n:
                return day
        day -= timedelta(days=1)
