"""Detection rules at their boundaries: the 10th working day exactly, 4 weeks exactly, the 28-day window."""

from datetime import date

import pytest

from sms.reporting import detection

EW = "england-and-wales"


def test_the_start_window_runs_28_days_from_the_latest_date():
    assert detection.start_window_end(
        certificate_start=date(2026, 1, 5), permission_start=date(2026, 1, 20), visa_granted_on=date(2026, 1, 10)
    ) == date(2026, 2, 17)
    assert detection.start_window_end(certificate_start=None, permission_start=None, visa_granted_on=None) is None


def test_an_absence_becomes_reportable_on_its_tenth_working_day():
    # Monday 2 Nov 2026: the 10th working day of absence is Friday 13 Nov.
    assert detection.absence_reportable_from(date(2026, 11, 2), nation=EW) == date(2026, 11, 13)


@pytest.mark.parametrize(
    ("end", "today", "expected"),
    [
        (date(2026, 11, 12), date(2026, 11, 20), None),  # 9 working days: not reportable
        (date(2026, 11, 13), date(2026, 11, 20), date(2026, 11, 13)),  # exactly 10: reportable
        (None, date(2026, 11, 12), None),  # still absent, only 9 days so far
        (None, date(2026, 11, 13), date(2026, 11, 13)),  # still absent, 10th day today
    ],
)
def test_absence_boundaries(end, today, expected):
    assert detection.absence_is_reportable(start=date(2026, 11, 2), end=end, today=today, nation=EW) == expected


def test_absence_across_christmas_counts_only_working_days():
    # From Monday 21 Dec 2026: 21,22,23,24 Dec, 29,30,31 Dec, 4,5,6 Jan -> 10th working day 6 Jan 2027.
    assert detection.absence_reportable_from(date(2026, 12, 21), nation=EW) == date(2027, 1, 6)


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        ([detection.Leave(date(2026, 3, 1), date(2026, 3, 28))], None),  # exactly 4 weeks: 28 days
        ([detection.Leave(date(2026, 3, 1), date(2026, 3, 29))], date(2026, 3, 29)),  # the 29th day
        (
            [
                detection.Leave(date(2026, 3, 1), date(2026, 3, 14)),
                detection.Leave(date(2026, 6, 1), date(2026, 6, 15)),
            ],
            date(2026, 6, 15),
        ),
        ([detection.Leave(date(2026, 3, 1), date(2026, 4, 30), "maternity")], None),  # exempt
        ([detection.Leave(date(2025, 12, 1), date(2026, 1, 10))], None),  # only 10 days fall in 2026
    ],
)
def test_unpaid_leave_over_four_weeks_in_a_calendar_year(periods, expected):
    assert detection.unpaid_leave_trigger(periods, year=2026, today=date(2026, 12, 31)) == expected


def test_the_internal_target_is_never_after_the_legal_deadline():
    legal, target = detection.deadlines(date(2026, 11, 2), working_days=10, target_working_days=5, nation=EW)
    assert (legal, target) == (date(2026, 11, 16), date(2026, 11, 9))
    legal, target = detection.deadlines(date(2026, 11, 2), working_days=1, target_working_days=5, nation=EW)
    assert target == legal == date(2026, 11, 3)
