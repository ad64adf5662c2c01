"""The pure rules under the dashboard: working days left, the watches' boundaries, and the score."""

from datetime import date

import pytest

from sms.core import watch
from sms.core.dates import working_days_back, working_days_left
from sms.dashboard.score import ScoreCounts, compliance_score

EW = "england-and-wales"


@pytest.mark.parametrize(
    ("today", "deadline", "left"),
    [
        (date(2026, 3, 2), date(2026, 3, 2), 0),  # due today
        (date(2026, 3, 2), date(2026, 3, 3), 1),  # Monday to Tuesday
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday: the weekend does not count
        (date(2026, 3, 2), date(2026, 3, 16), 10),
        (date(2026, 4, 2), date(2026, 4, 7), 1),  # Good Friday and Easter Monday 2026 (England) skipped
        (date(2026, 3, 9), date(2026, 3, 6), -1),  # a Friday deadline, on the Monday after
        (date(2026, 3, 7), date(2026, 3, 6), -1),  # and on the Saturday: overdue is never 0
        (date(2026, 3, 10), date(2026, 3, 6), -2),
    ],
)
def test_working_days_left(today, deadline, left):
    assert working_days_left(today, deadline, nation=EW) == left


def test_working_days_left_uses_the_nation_and_closure_days():
    # 17 March (St Patrick's Day) is a bank holiday in Northern Ireland only.
    assert working_days_left(date(2026, 3, 16), date(2026, 3, 18), nation="northern-ireland") == 1
    assert working_days_left(date(2026, 3, 16), date(2026, 3, 18), nation=EW) == 2
    assert working_days_left(date(2026, 3, 16), date(2026, 3, 18), nation=EW, closures=[date(2026, 3, 17)]) == 1


def test_working_days_back_finds_the_latest_start_of_a_run_of_n():
    # Friday 13 March 2026: six working days back, counting today, is Friday 6 March.
    assert working_days_back(date(2026, 3, 13), 6, nation=EW) == date(2026, 3, 6)
    assert working_days_back(date(2026, 3, 13), 1, nation=EW) == date(2026, 3, 13)
    # From a Saturday, the run starts counting on the Friday before.
    assert working_days_back(date(2026, 3, 14), 1, nation=EW) == date(2026, 3, 13)


@pytest.mark.parametrize(
    ("today", "urgency"),
    [
        (date(2026, 3, 9), None),  # the day before the internal target date
        (date(2026, 3, 10), "due_soon"),  # the internal target date
        (date(2026, 3, 17), "due_soon"),  # the legal deadline itself
        (date(2026, 3, 18), "overdue"),  # the day after
    ],
)
def test_obligation_urgency_from_the_internal_target_date(today, urgency):
    assert watch.obligation_urgency(target_date=date(2026, 3, 10), legal_deadline=date(2026, 3, 17), today=today) == (
        urgency
    )


def test_allocation_runs_out_soon_at_its_boundary():
    today = date(2026, 3, 1)
    assert watch.allocation_runs_out_soon(None, 0, today)
    assert not watch.allocation_runs_out_soon(None, 5, today)
    assert watch.allocation_runs_out_soon(date(2026, 3, 29), 5, today)  # 28 days away
    assert not watch.allocation_runs_out_soon(date(2026, 3, 30), 5, today)


def test_sign_in_staleness_boundaries():
    today = date(2026, 12, 31)
    assert watch.sign_in_staleness(date(2026, 1, 30), today) is None  # 335 days
    assert watch.sign_in_staleness(date(2026, 1, 29), today) == "warning"  # 336 days
    assert watch.sign_in_staleness(date(2026, 1, 1), today) == "warning"  # 364 days
    assert watch.sign_in_staleness(date(2025, 12, 31), today) == "warning"  # 365 days
    assert watch.sign_in_staleness(date(2025, 12, 30), today) == "stale"  # 366 days


def test_monthly_review_next_due():
    assert watch.monthly_review_next_due(None, date(2026, 5, 4)) == date(2026, 5, 4)
    assert watch.monthly_review_next_due(date(2026, 1, 15), date(2026, 1, 15)) == date(2026, 2, 15)
    assert watch.monthly_review_next_due(date(2026, 1, 31), date(2026, 1, 31)) == date(2026, 2, 28)
    assert watch.monthly_review_next_due(date(2026, 12, 10), date(2026, 12, 10)) == date(2027, 1, 10)


# --- The score -------------------------------------------------------------------------------------

PERFECT = ScoreCounts(monthly_review_overdue=False)


def parts(counts: ScoreCounts) -> dict[str, int]:
    return {part.name: part.points for part in compliance_score(counts).parts}


def test_a_sponsor_with_nothing_wrong_scores_100_with_every_part_full():
    score = compliance_score(PERFECT)
    assert (score.total, score.out_of, score.band) == (100, 100, "Good")
    assert all(part.full and part.lowered_by == "" and part.to_raise == "" for part in score.parts)


@pytest.mark.parametrize(("overdue", "points"), [(0, 30), (1, 20), (2, 10), (3, 0), (4, 0)])
def test_each_overdue_report_costs_10_of_30_and_never_below_0(overdue, points):
    counts = ScoreCounts(overdue_obligations=overdue, monthly_review_overdue=False)
    assert parts(counts)["No overdue reports"] == points
    part = compliance_score(counts).parts[0]
    assert (part.to_raise == "") is (overdue == 0)


@pytest.mark.parametrize(
    ("on_time", "late", "points"), [(0, 0, 20), (1, 0, 20), (3, 1, 15), (1, 1, 10), (2, 1, 13), (0, 5, 0)]
)
def test_reports_on_time_is_the_share_made_on_time_rounded_down(on_time, late, points):
    counts = ScoreCounts(reported_on_time=on_time, reported_late=late, monthly_review_overdue=False)
    assert parts(counts)["Reports made on time in the last 12 months"] == points


def test_worker_pay_and_attendance_lose_5_each_to_0():
    assert parts(ScoreCounts(salaries_below=1, monthly_review_overdue=False))["Worker pay and attendance"] == 10
    counts = ScoreCounts(salaries_below=2, absences_approaching=1, monthly_review_overdue=False)
    assert parts(counts)["Worker pay and attendance"] == 0
    assert parts(ScoreCounts(absences_approaching=9, monthly_review_overdue=False))["Worker pay and attendance"] == 0


def test_key_personnel_part_explains_each_loss():
    counts = ScoreCounts(single_level_1=True, one_person_holds_every_role=True, monthly_review_overdue=False)
    part = compliance_score(counts).parts[3]
    assert part.points == 10  # one weakness: the single Level 1 user is not counted again
    assert part.lowered_by == "One person holds every role (5 points)"
    assert part.to_raise == "Name a different Key Contact"
    assert parts(ScoreCounts(single_level_1=True, monthly_review_overdue=False))["Key personnel and users"] == 10
    assert (
        parts(ScoreCounts(authorising_officer_left=True, monthly_review_overdue=False))["Key personnel and users"] == 0
    )
    assert parts(ScoreCounts(stale_level_1_users=2, monthly_review_overdue=False))["Key personnel and users"] == 5


def test_messages_and_review_parts():
    assert parts(ScoreCounts(unread_old_messages=1, monthly_review_overdue=False))["Home Office messages read"] == 5
    assert parts(ScoreCounts(unread_old_messages=3, monthly_review_overdue=False))["Home Office messages read"] == 0
    assert parts(ScoreCounts(monthly_review_overdue=True))["Monthly review"] == 0


@pytest.mark.parametrize(("overdue", "band"), [(1, "Good"), (2, "Needs attention"), (3, "Needs attention")])
def test_bands_at_90_and_70(overdue, band):
    # 1 overdue: 90 (good); 2: 80; 3: 70 (needs attention); 3 plus the review: 60 (at risk).
    assert compliance_score(ScoreCounts(overdue_obligations=overdue, monthly_review_overdue=False)).band == band
    assert compliance_score(ScoreCounts(overdue_obligations=3, monthly_review_overdue=True)).band == "At risk"
