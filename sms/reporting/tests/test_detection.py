"""Detection rules at their boundaries: the 10th working day exactly, 4 weeks exactly, the 28-day window."""

from datetime import date, timedelta

import pytest

from sms.reporting import detection

EW = "england-and-wales"


def test_the_start_window_runs_28_days_from_the_latest_date():
    assert detection.start_window_end(
        certificate_start=date(2026, 1, 5), permission_start=date(2026, 1, 20), visa_granted_on=date(2026, 1, 10)
    ) == date(2026, 2, 17)
    assert detection.start_window_end(certificate_start=None, permission_start=None, visa_granted_on=None) is None


def test_an_absence_is_reportable_from_its_eleventh_working_day_and_due_from_its_tenth():
    # Monday 2 Nov 2026: the 10th working day of absence is Friday 13 Nov, the 11th Monday 16 Nov.
    assert detection.absence_deadline_anchor(date(2026, 11, 2), nation=EW) == date(2026, 11, 13)
    assert detection.absence_reportable_from(date(2026, 11, 2), nation=EW) == date(2026, 11, 16)


@pytest.mark.parametrize(
    ("end", "today", "expected"),
    [
        (date(2026, 11, 12), date(2026, 11, 20), None),  # 9 working days: not reportable
        (date(2026, 11, 13), date(2026, 11, 20), None),  # exactly 10: not reportable
        (date(2026, 11, 15), date(2026, 11, 20), None),  # still 10: the weekend adds no working day
        (date(2026, 11, 16), date(2026, 11, 20), date(2026, 11, 13)),  # 11: reportable, due from the 10th
        (None, date(2026, 11, 13), None),  # still absent, 10th day today
        (None, date(2026, 11, 16), date(2026, 11, 13)),  # still absent on the 11th day
        (date(2026, 11, 30), date(2026, 11, 13), None),  # a planned return: only days up to today count
    ],
)
def test_absence_boundaries(end, today, expected):
    assert detection.absence_is_reportable(start=date(2026, 11, 2), end=end, today=today, nation=EW) == expected


def test_absence_across_christmas_counts_only_working_days():
    # From Monday 21 Dec 2026: 21,22,23,24 Dec, 29,30,31 Dec, 4,5,6 Jan -> 10th working day 6 Jan 2027.
    assert detection.absence_deadline_anchor(date(2026, 12, 21), nation=EW) == date(2027, 1, 6)
    assert detection.absence_reportable_from(date(2026, 12, 21), nation=EW) == date(2027, 1, 7)


@pytest.mark.parametrize(
    ("periods", "days_per_week", "expected"),
    [
        # 2 to 27 March 2026: four full weeks, 20 working days: exactly 4 weeks, not reportable.
        ([detection.Leave(date(2026, 3, 2), date(2026, 3, 27))], 5, None),
        # The weekend after adds nothing; Monday 30 March is the 21st working day.
        ([detection.Leave(date(2026, 3, 2), date(2026, 3, 29))], 5, None),
        ([detection.Leave(date(2026, 3, 2), date(2026, 3, 30))], 5, date(2026, 3, 30)),
        # Scattered days add up: 10 + 10 working days, then one more.
        (
            [
                detection.Leave(date(2026, 3, 2), date(2026, 3, 13)),
                detection.Leave(date(2026, 6, 1), date(2026, 6, 12)),
                detection.Leave(date(2026, 9, 7), date(2026, 9, 7)),
            ],
            5,
            date(2026, 9, 7),
        ),
        # A 3-day week: 4 weeks are 12 working days. Four weeks off are 12 days, not reportable...
        ([detection.Leave(date(2026, 3, 2), date(2026, 3, 27))], 3, None),
        # ...and a thirteenth day is.
        ([detection.Leave(date(2026, 3, 2), date(2026, 3, 30))], 3, date(2026, 3, 30)),
        # Thirteen single days scattered over the year, for a 3-day week: reportable on the 13th.
        ([detection.Leave(date(2026, 1, 5) + timedelta(weeks=n), date(2026, 1, 5) + timedelta(weeks=n)) for n in range(13)], 3, date(2026, 3, 30)),  # noqa: E501
        # Bank holidays are not working days: Good Friday 3 April and Easter Monday 6 April 2026.
        ([detection.Leave(date(2026, 3, 9), date(2026, 4, 6))], 5, None),
        # Exempt reasons never count.
        *[([detection.Leave(date(2026, 3, 2), date(2026, 4, 30), reason)], 5, None) for reason in sorted(detection.EXEMPT_LEAVE)],  # noqa: E501
        ([detection.Leave(date(2025, 12, 1), date(2026, 1, 10))], 5, None),  # only 6 working days fall in 2026
    ],
)  # fmt: skip
def test_unpaid_leave_over_four_weeks_in_the_workers_pattern_in_a_calendar_year(periods, days_per_week, expected):
    assert (
        detection.unpaid_leave_trigger(
            periods, year=2026, today=date(2026, 12, 31), days_per_week=days_per_week, nation=EW
        )
        == expected
    )


def test_every_exempt_reason_in_domain_md_is_exempt():
    assert {
        "maternity", "paternity", "adoption", "shared_parental", "neonatal", "sickness", "jury_service",
        "court_attendance", "humanitarian", "industrial_action",
    } == detection.EXEMPT_LEAVE  # fmt: skip


def test_the_internal_target_is_never_after_the_legal_deadline():
    legal, target = detection.deadlines(date(2026, 11, 2), working_days=10, target_working_days=5, nation=EW)
    assert (legal, target) == (date(2026, 11, 16), date(2026, 11, 9))
    legal, target = detection.deadlines(date(2026, 11, 2), working_days=1, target_working_days=5, nation=EW)
    assert target == legal == date(2026, 11, 3)
