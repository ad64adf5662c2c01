"""Each kind of item on the dashboard's "needs doing" list, at its boundaries, and who sees it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sms.certificates.models import Certificate, SalaryThreshold
from sms.dashboard.models import MonthlyReview
from sms.dashboard.selectors import COMING, NOW, SOON, dashboard
from sms.licensing.models import KeyPerson, KeyPersonRole
from sms.notifications.models import Notice
from sms.notifications.services import notice_post
from sms.reporting.detection import absence_reportable_from
from sms.reporting.models import Obligation
from sms.righttowork.models import RightToWorkCheck
from tests.factories import make_sponsor_user

from .helpers import absence, certificate, obligation, person

TODAY = date(2026, 3, 10)  # a Tuesday, no bank holiday near
EW = "england-and-wales"


def titles(board, key):
    return [item.title for item in board.section(key).items]


# --- Obligations ------------------------------------------------------------------------------------


def test_overdue_first_then_due_soon_from_the_internal_target_date_with_working_days(sponsor, level_1):
    not_yet = obligation(sponsor, legal_deadline=date(2026, 3, 20), target_date=TODAY + timedelta(days=1))
    due_soon = obligation(sponsor, legal_deadline=date(2026, 3, 13), target_date=TODAY)
    due_today = obligation(sponsor, legal_deadline=TODAY, target_date=date(2026, 3, 3))
    overdue = obligation(sponsor, legal_deadline=date(2026, 3, 6), target_date=date(2026, 2, 27))
    obligation(sponsor, legal_deadline=date(2026, 3, 6), target_date=date(2026, 2, 27),
               status=Obligation.Status.REPORTED_LATE)  # fmt: skip
    board = dashboard(user=level_1, today=TODAY)
    assert board.section("overdue").total == 1
    assert board.section("due_soon").total == 2
    items = [item for item in board.items if "monthly-review" not in item.url and "users" not in item.url]
    assert [item.url.split("/")[-2] for item in items[:3]] == [str(o.uuid) for o in (overdue, due_today, due_soon)]
    assert items[0].tier == NOW
    assert "2 working days overdue" in items[0].detail
    assert "due today" in items[1].detail
    assert "3 working days left" in items[2].detail
    assert "your target date was 10 March 2026" in items[2].detail
    # Before its target date an obligation is listed as coming up, after the pressing ones.
    assert board.section("upcoming").total == 1
    assert items[3].url.endswith(f"{not_yet.uuid}/")
    assert items[3].tier == COMING
    assert "your target date is 11 March 2026" in items[3].detail


def test_a_level_2_user_sees_only_the_obligations_they_may_report(sponsor, level_1, level_2):
    theirs = person(sponsor, level_2, cert=certificate(sponsor, level_2))
    others = person(sponsor, level_1, cert=certificate(sponsor, level_1))
    mine = obligation(sponsor, who=theirs, legal_deadline=TODAY - timedelta(days=1), target_date=TODAY)
    obligation(sponsor, who=others, legal_deadline=TODAY - timedelta(days=1), target_date=TODAY)
    board = dashboard(user=level_2, today=TODAY)
    assert board.section("overdue").total == 1
    assert board.section("overdue").items[0].url.endswith(f"{mine.uuid}/")
    assert dashboard(user=level_1, today=TODAY).section("overdue").total == 2


# --- Certificates expiring unused -------------------------------------------------------------------


def test_certificates_expiring_unused_within_14_days(sponsor, level_1, level_2):
    at_edge = certificate(sponsor, level_1, expires_on=TODAY + timedelta(days=14))
    certificate(sponsor, level_1, expires_on=TODAY + timedelta(days=15))
    certificate(sponsor, level_1, expires_on=TODAY + timedelta(days=3), status=Certificate.Status.USED)
    l2s = certificate(sponsor, level_2, expires_on=TODAY)
    board = dashboard(user=level_1, today=TODAY)
    assert board.section("certificates_expiring").total == 2
    assert any(at_edge.reference in title for title in titles(board, "certificates_expiring"))
    level_2_board = dashboard(user=level_2, today=TODAY)
    assert [l2s.reference in title for title in titles(level_2_board, "certificates_expiring")] == [True]


# --- Permission ending ------------------------------------------------------------------------------


def test_permission_ending_within_90_60_and_30_days(sponsor, level_1):
    for days in (0, 30, 31, 60, 61, 90, 91):
        person(sponsor, level_1, permission_end=TODAY + timedelta(days=days), employee_number=str(days))
    person(sponsor, level_1, permission_end=TODAY - timedelta(days=1))  # already ended: another problem
    person(sponsor, level_1, permission_end=TODAY + timedelta(days=5), status="left")
    section = dashboard(user=level_1, today=TODAY).section("permissions_ending")
    assert section.total == 6
    assert section.summary == "2 within 30 days, 4 within 60 days, 6 within 90 days"
    assert [item.tier for item in section.items] == [SOON, SOON, COMING, COMING, COMING, COMING]
    assert "within 30 days" in section.items[1].detail
    assert "within 60 days" in section.items[2].detail
    assert "within 90 days" in section.items[5].detail


def rtw_check(sponsor, user, who, follow_up_on, **fields) -> RightToWorkCheck:
    return RightToWorkCheck.objects.create(
        sponsor=sponsor, person=who, checked_on=TODAY - timedelta(days=300), method="manual", checked_by=user,
        recorded_by=user, result=RightToWorkCheck.Result.TIME_LIMITED, follow_up_on=follow_up_on, **fields,
    )  # fmt: skip


def test_right_to_work_follow_ups_from_28_days_before_and_overdue_ones_first(sponsor, level_1):
    """A follow-up is listed once its notice window opens (28 days before), overdue ones as "act now";
    an answered (not current) check and one of a worker who left are not owed."""
    for days in (-1, 0, 7, 8, 28, 29):
        rtw_check(sponsor, level_1, person(sponsor, level_1, employee_number=str(days)), TODAY + timedelta(days=days))
    rtw_check(sponsor, level_1, person(sponsor, level_1), TODAY, is_current=False)
    rtw_check(sponsor, level_1, person(sponsor, level_1, status="left"), TODAY)
    section = dashboard(user=level_1, today=TODAY).section("rtw_follow_ups")
    assert section.total == 5
    assert section.summary == "1 overdue"
    assert [item.tier for item in section.items] == [NOW, SOON, SOON, COMING, COMING]
    assert [item.when for item in section.items][-1] == TODAY + timedelta(days=28)


# --- Absences approaching reportable ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        (date(2026, 3, 4), False),  # today is its 5th working day
        (date(2026, 3, 3), True),  # its 6th
        (date(2026, 2, 25), True),  # its 10th: the day before it is reportable
        (date(2026, 2, 24), False),  # its 11th: reportable now (an obligation, not a warning)
    ],
)
def test_absence_shown_from_its_6th_working_day_until_it_is_reportable(sponsor, level_1, start, shown):
    worker = person(sponsor, level_1)
    absence(worker, level_1, start=start, reportable_from=absence_reportable_from(start, nation=EW))
    section = dashboard(user=level_1, today=TODAY).section("absences_approaching")
    assert section.total == (1 if shown else 0)
    if start == date(2026, 2, 25):
        assert "reportable from 11 March 2026 (1 working day away)" in section.items[0].detail


def test_authorised_or_ended_absences_are_not_approaching(sponsor, level_1):
    worker = person(sponsor, level_1)
    start = date(2026, 3, 2)
    absence(worker, level_1, start=start, reportable_from=absence_reportable_from(start, nation=EW), authorised=True)
    absence(worker, level_1, start=start, reportable_from=absence_reportable_from(start, nation=EW),
            end=TODAY - timedelta(days=1))  # fmt: skip
    assert dashboard(user=level_1, today=TODAY).section("absences_approaching").total == 0


# --- Salaries ---------------------------------------------------------------------------------------


def test_salary_below_the_certificates_figure_by_a_penny(sponsor, level_1):
    cert = certificate(sponsor, level_1, salary_pence=5_000_000)
    below = person(sponsor, level_1, cert=cert, salary_pence=4_999_999)
    person(sponsor, level_1, cert=certificate(sponsor, level_1, salary_pence=5_000_000), salary_pence=5_000_000)
    section = dashboard(user=level_1, today=TODAY).section("salaries_below")
    assert section.total == 1
    assert section.items[0].title == f"Salary below: {below.full_name}"
    assert "below the certificate's £50,000" in section.items[0].detail


def test_salary_below_the_threshold_the_certificate_met(sponsor, level_1):
    threshold = (
        SalaryThreshold.objects.filter(route="skilled_worker", effective_from__lte=TODAY)
        .order_by("-effective_from")
        .first()
        .general_threshold_pence
    )
    # No figure on the certificate: the threshold decides.
    person(sponsor, level_1, cert=certificate(sponsor, level_1, salary_pence=None), salary_pence=threshold - 100)
    # A certificate on a discounted option, below the general threshold, paid as stated: not flagged.
    person(sponsor, level_1, cert=certificate(sponsor, level_1, salary_pence=threshold - 500_000),
           salary_pence=threshold - 500_000)  # fmt: skip
    section = dashboard(user=level_1, today=TODAY).section("salaries_below")
    assert section.total == 1
    assert "threshold" in section.items[0].detail


# --- Key personnel, users and messages (Level 1 only) ----------------------------------------------


def test_a_single_level_1_user_is_flagged_until_there_are_two(sponsor, level_1):
    assert "Only one Level 1 user" in titles(dashboard(user=level_1, today=TODAY), "people")
    make_sponsor_user(sponsor=sponsor, level="level_1", email="second@acme.example")
    assert "Only one Level 1 user" not in titles(dashboard(user=level_1, today=TODAY), "people")


def test_one_person_holding_every_role_and_an_authorising_officer_who_has_left(sponsor, level_1):
    KeyPerson.objects.filter(sponsor=sponsor, end_date__isnull=True).update(user=level_1)
    board = dashboard(user=level_1, today=TODAY)
    assert "One person holds every role" in titles(board, "people")
    assert board.score.parts[3].points == 10
    officer = KeyPerson.objects.get(sponsor=sponsor, role=KeyPersonRole.AUTHORISING_OFFICER, end_date__isnull=True)
    other = make_sponsor_user(sponsor=sponsor, level="level_2", email="ao@acme.example")
    officer.user = other
    officer.save()
    other.is_active = False
    other.save()
    board = dashboard(user=level_1, today=TODAY)
    assert board.items[0].title == "The Authorising Officer has left"
    assert board.items[0].tier == NOW
    assert board.score.parts[3].points == 0  # the officer (15) and the single Level 1 user (5)


def test_stale_sign_ins_warned_at_11_months_and_flagged_at_12(sponsor, level_1):
    make_sponsor_user(sponsor=sponsor, level="level_1", email="second@acme.example")
    today = timezone.localdate()
    level_1.last_login = timezone.now() - timedelta(days=340)
    level_1.save()
    board = dashboard(user=level_1, today=today)
    stale = [item for item in board.section("people").items if item.title.startswith("Level 1 user not signing in")]
    assert [item.tier for item in stale] == [COMING]
    level_1.last_login = timezone.now() - timedelta(days=400)
    level_1.save()
    board = dashboard(user=level_1, today=today)
    assert board.people.stale_count == 1
    assert board.score.parts[3].points == 10


def test_unread_messages_older_than_a_week(sponsor, level_1):
    old = notice_post(sponsor=sponsor, kind=Notice.Kind.REMINDER, subject="Old", body=".")
    notice_post(sponsor=sponsor, kind=Notice.Kind.REMINDER, subject="New", body=".")
    Notice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    board = dashboard(user=level_1)
    assert board.section("messages").total == 1
    assert board.unread_count == 2
    assert board.score.parts[4].points == 5


def test_a_level_2_user_sees_nothing_organisation_wide(sponsor, level_1, level_2):
    notice_post(sponsor=sponsor, kind=Notice.Kind.REMINDER, subject="Old", body=".")
    board = dashboard(user=level_2, today=TODAY)
    assert board.score is None
    assert board.people is None
    assert board.review is None
    assert {section.key for section in board.sections} == {
        "overdue", "due_soon", "upcoming", "certificates_expiring", "permissions_ending", "rtw_follow_ups",
        "absences_approaching", "salaries_below", "allocation",
    }  # fmt: skip


# --- The monthly review -----------------------------------------------------------------------------


def test_the_review_item_is_as_pressing_as_the_review_panel_says(sponsor, level_1):
    """Never done (the panel's red "Due now") or overdue is "Act now"; due today is "Due soon"."""
    never = dashboard(user=level_1, today=TODAY).section("review").items[0]
    assert never.tier == NOW
    MonthlyReview.objects.create(
        sponsor=sponsor, completed_by=level_1, completed_on=date(2026, 1, 5), key_personnel_current=True,
        reports_checked=True, allocation_sufficient=True, messages_read=True,
    )
    overdue = dashboard(user=level_1, today=TODAY).section("review").items[0]
    assert overdue.tier == NOW
    assert overdue.detail == "It was due on 5 February 2026"
