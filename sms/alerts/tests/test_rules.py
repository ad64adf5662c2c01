"""The daily sweep's alert rules at their boundaries, once each, to the chosen users, by their
chosen channel; a constant number of statements (issue 12; thresholds in sms.core.watch)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sms.accounts.notices import sponsor_tell
from sms.alerts.services import alert_preference_set, alert_recipients_update, alerts_sweep
from sms.certificates.models import Certificate
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.messageboard.services import message_post
from sms.notifications.models import Alert, Notice, Notification, OutboundEmail, Topic
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.services import facts
from sms.righttowork.models import RightToWorkCheck

MONDAY = date(2026, 11, 23)


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    return MONDAY


@pytest.fixture
def worker(sponsor, level_1, level_2, today):
    """A worker whose certificate the Level 2 user created and assigned (so they may report on it)."""
    give_allocation(sponsor)
    certificate = certificate_assign(
        certificate=draft(sponsor, level_2, family_name="Okoro", start_date=date(2026, 12, 1)), actor=level_2
    )
    return facts.person_register_from_certificate(certificate=certificate, actor=level_2)


def alerts(rule: str) -> list[tuple]:
    return sorted(Alert.objects.filter(rule=rule).values_list("object_id", "stage"))


def told(alert_rule: str) -> set[str]:
    return set(Notification.objects.filter(alert__rule=alert_rule).values_list("user__email", flat=True))


# Permission ending: 90, 60 and 30 days.


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [(91, None), (90, "90"), (61, "90"), (60, "60"), (31, "60"), (30, "30"), (0, "30"), (-1, None)],
)
def test_permission_ending_is_told_in_the_band_the_end_date_falls_in(worker, today, days_left, stage):
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=today + timedelta(days=days_left))
    alerts_sweep(today=today)
    assert alerts("permission_ending") == ([(worker.pk, stage)] if stage else [])


def test_permission_ending_is_told_once_per_band_as_the_end_approaches(worker, today, level_1, level_2):
    end = today + timedelta(days=90)
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=end)
    for days_left in range(90, -1, -1):
        alerts_sweep(today=end - timedelta(days=days_left))
    assert alerts("permission_ending") == [(worker.pk, "30"), (worker.pk, "60"), (worker.pk, "90")]
    # The certificate's creator is told, with every Level 1 user (the default for the topic).
    assert told("permission_ending") == {level_1.email, level_2.email}


def test_a_worker_who_has_left_is_not_told_about(worker, today):
    SponsoredPerson.objects.filter(pk=worker.pk).update(
        permission_end=today + timedelta(days=30), status=SponsoredPerson.Status.LEFT
    )
    alerts_sweep(today=today)
    assert alerts("permission_ending") == []


# Obligations: due soon at the internal target date, then overdue.


def test_an_obligation_is_due_soon_on_its_internal_target_date_and_overdue_after_its_deadline(worker, level_1, today):
    facts.fact_record(person=worker, actor=level_1, kind="role_change", start_date=today, new_value="Lead nurse")
    obligation = Obligation.objects.get(person=worker, event="role_change")
    assert alerts("obligation_opened") == [(obligation.pk, "")]

    alerts_sweep(today=obligation.target_date - timedelta(days=1))
    assert alerts("obligation_due_soon") == []
    alerts_sweep(today=obligation.target_date)
    assert alerts("obligation_due_soon") == [(obligation.pk, "")]

    alerts_sweep(today=obligation.legal_deadline)
    assert alerts("obligation_overdue") == []
    alerts_sweep(today=obligation.legal_deadline + timedelta(days=1))
    assert alerts("obligation_overdue") == [(obligation.pk, "")]


def test_a_reported_obligation_is_not_due_or_overdue(worker, level_1, today):
    facts.fact_record(person=worker, actor=level_1, kind="role_change", start_date=today, new_value="Lead nurse")
    obligation = Obligation.objects.get(person=worker, event="role_change")
    Obligation.objects.filter(pk=obligation.pk).update(status=Obligation.Status.REPORTED_ON_TIME)
    alerts_sweep(today=obligation.legal_deadline + timedelta(days=1))
    assert alerts("obligation_due_soon") == alerts("obligation_overdue") == []


# Certificates about to expire unused.


def test_an_assigned_certificate_is_told_about_14_days_before_it_expires_unused(sponsor, level_2, today):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_2, family_name="Unused"), actor=level_2)
    alerts_sweep(today=certificate.expires_on - timedelta(days=15))
    assert alerts("certificate_expiring") == []
    alerts_sweep(today=certificate.expires_on - timedelta(days=14))
    assert alerts("certificate_expiring") == [(certificate.pk, "")]
    assert level_2.email in told("certificate_expiring")

    used = certificate_assign(certificate=draft(sponsor, level_2, family_name="Used"), actor=level_2)
    Certificate.objects.filter(pk=used.pk).update(status=Certificate.Status.USED)
    alerts_sweep(today=used.expires_on)
    assert used.pk not in [object_id for object_id, _ in alerts("certificate_expiring")]


# Absences approaching the reportable length.


def test_an_unauthorised_absence_is_told_from_its_sixth_working_day_until_it_is_reportable(
    worker, level_1, time_machine
):
    # Monday 7 December 2026: the 6th working day is Monday 14th, the 10th Friday 18th, and it is
    # reportable (more than 10 working days) from Monday 21st.
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    SponsoredPerson.objects.filter(pk=worker.pk).update(status=SponsoredPerson.Status.ACTIVE)
    first = facts.fact_record(
        person=worker, actor=level_1, kind=Fact.Kind.ABSENCE, start_date=date(2026, 12, 7), authorised=False, pay="full"
    )
    alerts_sweep(today=date(2026, 12, 11))  # 5th working day
    alerts_sweep(today=date(2026, 12, 13))  # Sunday: still 5 working days
    assert alerts("absence_approaching") == []
    alerts_sweep(today=date(2026, 12, 14))
    assert alerts("absence_approaching") == [(first.pk, "")]


@pytest.mark.parametrize(("sweep_day", "told_then"), [(date(2026, 12, 18), True), (date(2026, 12, 21), False)])
def test_an_absence_first_swept_the_day_before_it_is_reportable_is_still_told(
    worker, level_1, time_machine, sweep_day, told_then
):
    time_machine.move_to("2026-12-07 10:00:00Z", tick=False)
    SponsoredPerson.objects.filter(pk=worker.pk).update(status=SponsoredPerson.Status.ACTIVE)
    fact = facts.fact_record(
        person=worker, actor=level_1, kind=Fact.Kind.ABSENCE, start_date=date(2026, 12, 7), authorised=False, pay="full"
    )
    assert fact.reportable_from == date(2026, 12, 21)
    alerts_sweep(today=sweep_day)
    assert alerts("absence_approaching") == ([(fact.pk, "")] if told_then else [])


# Once each, one digest email per user, preferences and settings respected.


def test_a_second_sweep_the_same_day_raises_and_sends_nothing(worker, today):
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=today + timedelta(days=20))
    assert alerts_sweep(today=today) == 1
    emails, notifications = OutboundEmail.objects.count(), Notification.objects.count()
    assert alerts_sweep(today=today) == 0
    assert (OutboundEmail.objects.count(), Notification.objects.count()) == (emails, notifications)


def test_each_user_gets_one_digest_email_for_the_days_alerts(
    worker, sponsor, level_1, level_2, today, django_capture_on_commit_callbacks
):
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_2, family_name="Unused"), actor=level_2)
    sweep_day = certificate.expires_on - timedelta(days=14)
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=sweep_day + timedelta(days=20))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alerts_sweep(today=sweep_day)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([level_1.email, level_2.email])
    digest = next(message for message in mail.outbox if message.to == [level_1.email])
    # Okoro's permission ends in 20 days, and both assigned certificates (Okoro's, not yet used, and
    # Unused's) expire in 14: three alerts in one email.
    assert digest.subject == "3 new alerts from the Sponsor Management System"
    assert "Okoro's permission ends on" in digest.body
    assert digest.body.count("expires unused") == 2


def test_a_user_who_chose_in_app_only_gets_the_notification_but_no_email(
    worker, level_1, level_2, today, django_capture_on_commit_callbacks
):
    alert_preference_set(user=level_2, by_email=False)
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=today + timedelta(days=20))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alerts_sweep(today=today)
    assert told("permission_ending") == {level_1.email, level_2.email}
    assert [message.to for message in mail.outbox] == [[level_1.email]]


def test_the_sponsors_choice_of_who_is_told_is_respected(worker, sponsor, level_1, level_2, today):
    alert_recipients_update(sponsor=sponsor, actor=level_1, recipients={topic: ["level_1"] for topic in Topic.values})
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=today + timedelta(days=20))
    alerts_sweep(today=today)
    assert told("permission_ending") == {level_1.email}


def test_another_sponsors_users_are_never_told(worker, other_level_1, today):
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=today + timedelta(days=20))
    alerts_sweep(today=today)
    assert other_level_1.email not in told("permission_ending")
    assert not Notification.objects.filter(user=other_level_1).exists()


def test_decisions_go_to_level_1_users_and_not_level_2_by_default(sponsor, level_1, level_2):
    notice = sponsor_tell(sponsor=sponsor, kind=Notice.Kind.DECISION, subject="Request granted", body="Granted.")
    assert told("notice") == {level_1.email}
    assert Alert.objects.get(rule="notice").object_id == notice.pk


def test_a_home_office_message_published_today_is_told_to_the_sponsors_it_targets(
    sponsor, level_1, other_level_1, caseworker
):
    message_post(actor=caseworker, subject="New going rates", body="From July.", publish_on=date.today())
    assert told("message") == {level_1.email, other_level_1.email}


def test_a_message_published_later_is_told_by_the_sweep_on_its_day(sponsor, level_1, caseworker):
    later = date.today() + timedelta(days=3)
    message_post(actor=caseworker, subject="New going rates", body="From July.", publish_on=later)
    alerts_sweep(today=later - timedelta(days=1))
    assert told("message") == set()
    alerts_sweep(today=later)
    assert told("message") == {level_1.email}


# Set-based: the statement count does not grow with the number of obligations.


def _obligations(sponsor, count: int, today: date) -> None:
    Obligation.objects.bulk_create(
        [
            Obligation(
                sponsor=sponsor, event="role_change", trigger_date=today - timedelta(days=20),
                target_date=today - timedelta(days=n % 3), legal_deadline=today + timedelta(days=1 - n % 2 * 3),
                source_key=f"bulk:{count}:{n}",
            )
            for n in range(count)
        ]
    )  # fmt: skip


def _statements(sponsor, count: int, today: date) -> tuple[int, int]:
    Alert.objects.all().delete()
    Obligation.objects.filter(source_key__startswith="bulk:").delete()
    _obligations(sponsor, count, today)
    with CaptureQueriesContext(connection) as queries:
        raised = alerts_sweep(today=today)
    return raised, len(queries)


def test_the_sweep_runs_the_same_statements_for_5_and_50_obligations(sponsor, level_1, level_2, today):
    five, statements_for_5 = _statements(sponsor, 5, today)
    fifty, statements_for_50 = _statements(sponsor, 50, today)
    assert (five, fifty) == (5, 50)
    assert statements_for_5 == statements_for_50


# Right-to-work follow-up checks: from 28 days before, on the day, and once overdue.


def test_a_right_to_work_follow_up_is_told_when_its_window_opens_on_the_day_and_once_overdue(
    worker, level_1, level_2, today
):
    follow_up = today + timedelta(days=40)
    check = RightToWorkCheck.objects.create(
        sponsor=worker.sponsor, person=worker, checked_on=today, method="manual", checked_by=level_1,
        recorded_by=level_1, result=RightToWorkCheck.Result.TIME_LIMITED, follow_up_on=follow_up,
    )  # fmt: skip
    alerts_sweep(today=follow_up - timedelta(days=29))
    assert alerts("rtw_follow_up") == []
    alerts_sweep(today=follow_up - timedelta(days=28))
    alerts_sweep(today=follow_up - timedelta(days=27))
    assert alerts("rtw_follow_up") == [(check.pk, "coming")]
    alerts_sweep(today=follow_up)
    alerts_sweep(today=follow_up + timedelta(days=1))
    alerts_sweep(today=follow_up + timedelta(days=2))
    assert alerts("rtw_follow_up") == [(check.pk, "coming"), (check.pk, "due"), (check.pk, "overdue")]
    # Level 1 users and the Level 2 user who created the worker's certificate (the topic's default).
    assert told("rtw_follow_up") == {level_1.email, level_2.email}


def test_an_answered_follow_up_is_not_told_about(worker, level_1, today):
    RightToWorkCheck.objects.create(
        sponsor=worker.sponsor, person=worker, checked_on=today, method="manual", checked_by=level_1,
        recorded_by=level_1, result=RightToWorkCheck.Result.TIME_LIMITED, follow_up_on=today, is_current=False,
    )  # fmt: skip
    alerts_sweep(today=today)
    assert alerts("rtw_follow_up") == []
