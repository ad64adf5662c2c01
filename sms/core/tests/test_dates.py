"""The working-day calendar: fixed dates across holidays of each nation, and properties that hold for any date."""

from collections.abc import Iterable
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from sms.core.dates import Nation, add_working_days, is_working_day, nth_working_day_from
from sms.core.models import ClosureDay


def working_days_between(start: date, end: date, *, nation: str, closures: Iterable[date] = ()) -> int:
    """How many working days fall after ``start`` up to and including ``end`` (the oracle for add_working_days)."""
    closed = frozenset(closures)
    return sum(
        is_working_day(start + timedelta(days=offset), nation=nation, closures=closed)
        for offset in range(1, (end - start).days + 1)
    )


EW, SCT, NI = Nation.ENGLAND_AND_WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND


@pytest.mark.parametrize(
    ("start", "days", "nation", "expected"),
    [
        # An ordinary week: Monday + 10 working days is the Monday a fortnight later.
        (date(2026, 11, 2), 10, EW, date(2026, 11, 16)),
        # The event day is never counted, even when it is a working day.
        (date(2026, 11, 2), 1, EW, date(2026, 11, 3)),
        # A Friday event: the first working day is the Monday.
        (date(2026, 11, 6), 1, EW, date(2026, 11, 9)),
        # Christmas 2026: 25 Dec Friday, 26 Dec Saturday with Boxing Day substituted on Monday 28 Dec.
        (date(2026, 12, 23), 1, EW, date(2026, 12, 24)),
        (date(2026, 12, 24), 1, EW, date(2026, 12, 29)),
        (date(2026, 12, 23), 3, EW, date(2026, 12, 30)),
        # New Year: 1 Jan 2027 is a Friday everywhere; Scotland also closes on 4 Jan (2 Jan substitute).
        (date(2026, 12, 31), 1, EW, date(2027, 1, 4)),
        (date(2026, 12, 31), 1, SCT, date(2027, 1, 5)),
        # Easter 2026: Good Friday 3 April everywhere; Easter Monday 6 April in England, Wales and NI only.
        (date(2026, 4, 2), 1, EW, date(2026, 4, 7)),
        (date(2026, 4, 2), 1, SCT, date(2026, 4, 6)),
        (date(2026, 4, 2), 1, NI, date(2026, 4, 7)),
        # Northern Ireland: St Patrick's Day (Tue 17 Mar 2026) and the Boyne (observed Mon 13 Jul 2026).
        (date(2026, 3, 16), 1, NI, date(2026, 3, 18)),
        (date(2026, 3, 16), 1, EW, date(2026, 3, 17)),
        (date(2026, 7, 10), 1, NI, date(2026, 7, 14)),
        # Scotland: St Andrew's Day Monday 30 Nov 2026, and the early August bank holiday (3 Aug 2026).
        (date(2026, 11, 27), 1, SCT, date(2026, 12, 1)),
        (date(2026, 7, 31), 1, SCT, date(2026, 8, 4)),
        (date(2026, 7, 31), 1, EW, date(2026, 8, 3)),
        # England and Wales: the late summer bank holiday, 31 Aug 2026.
        (date(2026, 8, 28), 1, EW, date(2026, 9, 1)),
        # 20 working days across Christmas and New Year in England.
        (date(2026, 12, 14), 20, EW, date(2027, 1, 14)),
    ],
)
def test_fixed_deadlines(start, days, nation, expected):
    assert add_working_days(start, days, nation=nation) == expected


def test_a_closure_day_is_not_a_working_day():
    assert add_working_days(date(2026, 11, 2), 1, nation=EW, closures=[date(2026, 11, 3)]) == date(2026, 11, 4)


def test_the_nth_working_day_of_a_run_counts_its_first_day():
    # An absence starting Monday 2 Nov 2026: its 10th working day is Friday 13 Nov.
    assert nth_working_day_from(date(2026, 11, 2), 10, nation=EW) == date(2026, 11, 13)
    # Starting on a Saturday, the first working day is the Monday.
    assert nth_working_day_from(date(2026, 10, 31), 1, nation=EW) == date(2026, 11, 2)


@pytest.mark.parametrize("bad", [0, -1, 100000])
def test_the_number_of_working_days_is_bounded(bad):
    with pytest.raises(ValueError, match="working days must be between"):
        add_working_days(date(2026, 1, 1), bad, nation=EW)


nations = st.sampled_from(list(Nation))
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=40), nation=nations)
def test_the_deadline_is_a_working_day_after_the_event_with_exactly_n_between(start, n, nation):
    deadline = add_working_days(start, n, nation=nation)
    assert deadline > start
    assert is_working_day(deadline, nation=nation)
    assert working_days_between(start, deadline, nation=nation) == n
    # And it is the first such day: the day before has one fewer.
    assert working_days_between(start, deadline - timedelta(days=1), nation=nation) == n - 1


@settings(max_examples=100, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=20), nation=nations)
def test_more_working_days_never_give_an_earlier_deadline(start, n, nation):
    assert add_working_days(start, n + 1, nation=nation) > add_working_days(start, n, nation=nation)


def test_the_deadline_command_prints_an_iso_date(db):
    out = StringIO()
    call_command("deadline", "2026-12-24", "--working-days", "1", "--nation", "england-and-wales", stdout=out)
    assert out.getvalue().strip() == "2026-12-29"


def test_the_deadline_command_counts_administrator_closure_days(db):
    ClosureDay.objects.create(day=date(2026, 12, 29), nation="", reason="Extra bank holiday")
    out = StringIO()
    call_command("deadline", "2026-12-24", "--working-days", "1", stdout=out)
    assert out.getvalue().strip() == "2026-12-30"


def test_the_deadline_command_refuses_bad_input(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("deadline", "24/12/2026", "--working-days", "1")
    with pytest.raises(CommandError, match="between 1 and"):
        call_command("deadline", "2026-12-24", "--working-days", "0")
