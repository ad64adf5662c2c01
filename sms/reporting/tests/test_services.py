"""Facts open obligations with computed deadlines; reports are on time or late; the sweep is idempotent."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from sms.accounts.policy import Action, can
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.exceptions import DomainError, IllegalTransition
from sms.licensing.models import ReportableChange
from sms.licensing.services.personnel import reportable_change_record
from sms.reporting import selectors
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.services import facts, obligations, sweep
from tests.factories import SponsorFactory, make_sponsor_user

Kind = Fact.Kind


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)  # a Monday
    return date(2026, 11, 23)


@pytest.fixture
def worker(sponsor, level_2, today, time_machine):
    give_allocation(sponsor)
    time_machine.move_to("2026-08-03 10:00:00Z", tick=False)  # the certificate exists from August
    saved = draft(sponsor, level_2, start_date=date(2026, 12, 1), end_date=date(2029, 11, 30))
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    certificate = certificate_assign(certificate=saved, actor=level_2)
    return facts.person_register_from_certificate(certificate=certificate, actor=level_2)


def test_registering_copies_the_certificate_and_sets_the_start_window(worker):
    assert (worker.family_name, worker.kind, worker.status) == ("Okoro", "worker", "expected")
    assert worker.start_window_ends == date(2026, 12, 29)


def test_an_unauthorised_absence_of_more_than_ten_working_days_opens_an_obligation(worker, level_1):
    # Absent from Monday 2 Nov to Monday 16 Nov: 11 working days. The 10th (13 Nov) anchors the deadline.
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 11, 2), end_date=date(2026, 11, 16),
        authorised=False, pay="unpaid",
    )  # fmt: skip
    obligation = Obligation.objects.get(event="unauthorised_absence")
    assert (obligation.trigger_date, obligation.legal_deadline, obligation.target_date) == (
        date(2026, 11, 13),
        date(2026, 11, 27),
        date(2026, 11, 20),
    )


def test_exactly_ten_working_days_of_absence_open_nothing(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 11, 2), end_date=date(2026, 11, 13),
        authorised=False, pay="full",
    )  # fmt: skip
    assert not Obligation.objects.exists()
    assert sweep.obligations_sweep(today=date(2026, 11, 30))["absences"] == 0


def test_an_ongoing_absence_is_opened_by_the_sweep_on_its_tenth_working_day(worker, level_1, time_machine):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 11, 16), authorised=False, pay="full"
    )
    assert not Obligation.objects.exists()
    # 27 Nov is the 10th working day: exactly 10 so far, not yet reportable. 30 Nov is the 11th.
    assert sweep.obligations_sweep(today=date(2026, 11, 27))["absences"] == 0
    assert sweep.obligations_sweep(today=date(2026, 11, 30))["absences"] == 1
    assert sweep.obligations_sweep(today=date(2026, 11, 30))["absences"] == 0
    obligation = Obligation.objects.get()
    assert (obligation.trigger_date, obligation.legal_deadline) == (date(2026, 11, 27), date(2026, 12, 11))


def test_authorised_absence_is_not_reportable(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 10, 1), end_date=date(2026, 10, 30),
        authorised=True, pay="full",
    )  # fmt: skip
    assert not Obligation.objects.exists()


def test_unpaid_leave_passing_four_weeks_opens_an_obligation(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 9, 1), end_date=date(2026, 9, 28),
        authorised=True, pay="unpaid",
    )  # fmt: skip
    assert not Obligation.objects.exists()
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 10, 5), end_date=date(2026, 10, 5),
        authorised=True, pay="unpaid",
    )  # fmt: skip
    assert Obligation.objects.get(event="unpaid_leave").trigger_date == date(2026, 10, 5)


def test_a_salary_below_the_certificate_opens_an_obligation_but_a_rise_does_not(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.SALARY_CHANGE, start_date=date(2026, 11, 20), new_salary_pence=5500000
    )
    assert not Obligation.objects.exists()
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.SALARY_CHANGE, start_date=date(2026, 11, 23), new_salary_pence=4800000
    )
    assert Obligation.objects.get().event == "salary_change"
    worker.refresh_from_db()
    assert worker.salary_pence == 4800000


@pytest.mark.parametrize(
    ("kind", "extra", "event"),
    [
        (Kind.ROLE_CHANGE, {"new_value": "Lead developer"}, "role_change"),
        (Kind.LOCATION_CHANGE, {"new_value": "5 New Road, York"}, "work_location_change"),
        (Kind.EMPLOYMENT_ENDED, {"end_reason": "resignation"}, "employment_ended"),
    ],
)
def test_changes_and_leaving_open_their_obligation_on_the_day(worker, level_1, kind, extra, event):
    facts.fact_record(person=worker, actor=level_1, kind=kind, start_date=date(2026, 11, 20), **extra)
    obligation = Obligation.objects.get()
    assert (obligation.event, obligation.trigger_date, obligation.legal_deadline) == (
        event,
        date(2026, 11, 20),
        date(2026, 12, 4),
    )


def test_no_start_by_the_end_of_the_window_is_opened_by_the_sweep(worker, level_1):
    assert sweep.obligations_sweep(today=date(2026, 12, 29))["worker_did_not_start"] == 0
    assert sweep.obligations_sweep(today=date(2026, 12, 30))["worker_did_not_start"] == 1
    assert sweep.obligations_sweep(today=date(2026, 12, 30))["worker_did_not_start"] == 0
    obligation = Obligation.objects.get(event="worker_did_not_start")
    # 10 working days after 29 Dec 2026, skipping 1 Jan: 13 Jan 2027.
    assert obligation.legal_deadline == date(2027, 1, 13)


def test_a_confirmed_start_stops_the_did_not_start_duty(worker, level_1):
    facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 23))
    assert sweep.obligations_sweep(today=date(2027, 1, 30))["worker_did_not_start"] == 0


def test_overdue_is_computed_from_the_deadline_for_pages_and_the_sweep_alike(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.EMPLOYMENT_ENDED, start_date=date(2026, 11, 2), end_reason="resignation"
    )
    obligation = Obligation.objects.get()
    assert obligation.legal_deadline == date(2026, 11, 16)
    assert sweep.obligations_sweep(today=date(2026, 11, 16))["overdue"] == 0
    assert sweep.obligations_sweep(today=date(2026, 11, 17))["overdue"] == 1
    assert sweep.obligations_sweep(today=date(2026, 11, 17))["overdue"] == 1  # still overdue, nothing stored
    assert not hasattr(obligation, "overdue")
    assert list(Obligation.objects.overdue(date(2026, 11, 17))) == [obligation]
    assert selectors.flags(obligation, date(2026, 11, 17))["overdue"]
    assert not selectors.flags(obligation, date(2026, 11, 16))["overdue"]


def test_organisation_changes_open_obligations_with_their_own_deadlines(sponsor, level_1, today):
    reportable_change_record(
        sponsor=sponsor,
        event=ReportableChange.Event.ADDRESS_CHANGE,
        effective_date=date(2026, 11, 2),
        summary="Moved",
        actor=level_1,
    )
    assert Obligation.objects.get(event="org_address_change").legal_deadline == date(2026, 11, 30)


def test_reporting_before_the_deadline_is_on_time_and_after_is_late(worker, level_1, level_2, time_machine):
    facts.fact_record(
        person=worker,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    obligation = Obligation.objects.get()
    evidence = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n")
    reported = obligations.obligation_report(
        obligation=obligation, actor=level_2, report={"reason": "Resigned"}, uploads=[evidence], declaration=True
    )
    assert reported.status == Obligation.Status.REPORTED_ON_TIME
    assert reported.evidence.count() == 1

    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ROLE_CHANGE, start_date=date(2026, 11, 23), new_value="Lead"
    )
    late = Obligation.objects.get(event="role_change")
    time_machine.move_to("2026-12-10 10:00:00Z", tick=False)
    assert obligations.obligation_report(
        obligation=late, actor=level_1, report={}, uploads=[], declaration=True
    ).status == (Obligation.Status.REPORTED_LATE)


def test_level_2_reports_only_on_certificates_they_created_and_assigned(sponsor, level_1, level_2, worker, today):
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Bello"), actor=level_1)
    someone_else = facts.person_register_from_certificate(certificate=certificate, actor=level_1)
    facts.fact_record(
        person=someone_else,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    obligation = Obligation.objects.get(person=someone_else)
    assert not can(level_2, Action.REPORT_ACTIVITY, obligation)
    with pytest.raises(PermissionDenied):
        obligations.obligation_report(obligation=obligation, actor=level_2, report={}, uploads=[], declaration=True)
    assert can(level_1, Action.REPORT_ACTIVITY, obligation)


def test_level_2_cannot_report_organisation_changes(sponsor, level_1, level_2, today):
    reportable_change_record(
        sponsor=sponsor,
        event=ReportableChange.Event.NAME_CHANGE,
        effective_date=date(2026, 11, 2),
        summary="Renamed",
        actor=level_1,
    )
    assert not can(level_2, Action.REPORT_ACTIVITY, Obligation.objects.get())


def test_another_sponsors_user_cannot_record_or_report(worker, other_level_1):
    with pytest.raises(Http404):
        facts.fact_record(person=worker, actor=other_level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 20))


def test_a_reported_obligation_cannot_be_reported_or_cancelled_again(worker, level_1):
    facts.fact_record(
        person=worker,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    obligation = Obligation.objects.get()
    obligations.obligation_report(obligation=obligation, actor=level_1, report={}, uploads=[], declaration=True)
    with pytest.raises(IllegalTransition):
        obligations.obligation_report(obligation=obligation, actor=level_1, report={}, uploads=[], declaration=True)
    with pytest.raises(IllegalTransition):
        obligations.obligation_cancel(obligation=obligation, actor=level_1, reason="x")


def test_cancelling_needs_a_reason_and_a_level_1_user(worker, level_1, level_2):
    facts.fact_record(
        person=worker,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    obligation = Obligation.objects.get()
    with pytest.raises(PermissionDenied):
        obligations.obligation_cancel(obligation=obligation, actor=level_2, reason="Recorded in error")
    with pytest.raises(DomainError, match="Enter why"):
        obligations.obligation_cancel(obligation=obligation, actor=level_1, reason="")
    assert (
        obligations.obligation_cancel(obligation=obligation, actor=level_1, reason="Recorded in error").status
        == "cancelled"
    )


def test_an_obligation_can_be_opened_by_hand_for_any_event(sponsor, level_1, worker):
    obligation = obligations.obligation_open_by_hand(
        sponsor=sponsor, actor=level_1, event="breach_of_conditions", trigger_date=date(2026, 11, 20), person=worker
    )
    assert obligation.legal_deadline == date(2026, 11, 23)


def test_facts_are_checked(worker, level_1):
    with pytest.raises(DomainError, match="today or in the past"):
        facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 12, 1))
    with pytest.raises(DomainError, match="authorised"):
        facts.fact_record(person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 11, 2))
    with pytest.raises(DomainError, match="about students"):
        facts.fact_record(person=worker, actor=level_1, kind=Kind.ENROLLED, start_date=date(2026, 11, 2))
    with pytest.raises(DomainError, match="end date"):
        facts.fact_record(
            person=worker, actor=level_1, kind=Kind.ABSENCE, start_date=date(2026, 11, 2), end_date=date(2026, 11, 1),
            authorised=False, pay="unpaid",
        )  # fmt: skip


def test_leaving_updates_the_register(worker, level_1):
    facts.fact_record(
        person=worker,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    worker.refresh_from_db()
    assert (worker.status, worker.left_on) == (SponsoredPerson.Status.LEFT, date(2026, 11, 20))


def test_a_person_who_has_left_cannot_become_active_again(worker, level_1):
    facts.fact_record(
        person=worker,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    worker.refresh_from_db()
    with pytest.raises(IllegalTransition, match="left cannot become started"):
        facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 21))
    worker.refresh_from_db()
    assert worker.status == SponsoredPerson.Status.LEFT
    assert not worker.facts.filter(kind=Kind.START_CONFIRMED).exists()


def test_a_second_confirmed_start_keeps_the_person_active(worker, level_1):
    facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 20))
    facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 21))
    worker.refresh_from_db()
    assert (worker.status, worker.confirmed_start) == (SponsoredPerson.Status.ACTIVE, date(2026, 11, 21))


def test_a_student_not_enrolled_by_the_deadline_is_opened_by_the_sweep(db, today):
    college = SponsorFactory(licence=["student"])
    user = make_sponsor_user(sponsor=college, level="level_1", email="l1@college.example")
    give_allocation(college, category="student")
    cas = draft(
        college, user, route="student", soc_code="", job_summary="", salary_pence=None, start_date=date(2026, 12, 7)
    )
    student = facts.person_register_from_certificate(
        certificate=certificate_assign(certificate=cas, actor=user), actor=user
    )
    assert sweep.obligations_sweep(today=date(2026, 12, 7))["student_not_enrolled"] == 0
    assert sweep.obligations_sweep(today=date(2026, 12, 8))["student_not_enrolled"] == 1
    assert Obligation.objects.get(person=student).event == "student_not_enrolled"


def test_the_deadline_follows_the_sponsors_nation(worker, level_1, sponsor):
    sponsor.licence.nation = "scotland"
    sponsor.licence.save()
    # 10 working days after Fri 20 Nov 2026 in Scotland skip St Andrew's Day (Mon 30 Nov).
    facts.fact_record(
        person=worker,
        actor=level_1,
        kind=Kind.EMPLOYMENT_ENDED,
        start_date=date(2026, 11, 20),
        end_reason="resignation",
    )
    assert Obligation.objects.get().legal_deadline == date(2026, 12, 7)
    assert date(2026, 12, 7) - date(2026, 11, 20) > timedelta(days=14)


def test_level_1_users_and_the_certificates_owner_are_told(
    worker, level_1, level_2, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        facts.fact_record(
            person=worker,
            actor=level_1,
            kind=Kind.EMPLOYMENT_ENDED,
            start_date=date(2026, 11, 20),
            end_reason="resignation",
        )
    told = sorted(message.to[0] for message in mailoutbox)
    assert told == sorted([level_1.email, level_2.email])
    # The subject names what to report, as the dashboard's list does, not only the date.
    assert mailoutbox[0].subject == f"Report by 4 December 2026: Employment ended: {worker.full_name}"


def test_the_sweep_tells_people_too(worker, level_1, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        sweep.obligations_sweep(today=date(2026, 12, 30))
    assert {message.subject.split(":")[0] for message in mailoutbox} == {"Report by 13 January 2027"}


def _workers_not_started(count: int, time_machine) -> None:
    """``count`` sponsors, each with one worker whose start window has passed with no start confirmed,
    and one unauthorised absence each, half of them in Scotland (another calendar)."""
    for n in range(count):
        sponsor = SponsorFactory()
        if n % 2:
            sponsor.licence.nation = "scotland"
            sponsor.licence.save(update_fields=["nation"])
        user = make_sponsor_user(sponsor=sponsor, level="level_2", email=f"sweep{count}-{n}@example.com")
        time_machine.move_to("2026-08-03 10:00:00Z", tick=False)
        give_allocation(sponsor)
        saved = draft(sponsor, user, start_date=date(2026, 9, 1), end_date=date(2029, 8, 31))
        time_machine.move_to("2026-08-10 10:00:00Z", tick=False)
        person = facts.person_register_from_certificate(
            certificate=certificate_assign(certificate=saved, actor=user), actor=user
        )
        time_machine.move_to("2026-10-05 10:00:00Z", tick=False)  # not yet reportable: the sweep opens it
        facts.fact_record(
            person=person, actor=user, kind=Kind.ABSENCE, start_date=date(2026, 10, 1), authorised=False, pay="full"
        )
        time_machine.move_to("2026-11-23 10:00:00Z", tick=False)


def test_the_sweep_runs_the_same_statements_for_2_and_6_sponsors_in_two_nations(db, time_machine):
    """Set-based (issue 14): closure days and nations are read once per sweep, not per obligation or sponsor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(count: int) -> tuple[dict, int]:
        _workers_not_started(count, time_machine)
        with CaptureQueriesContext(connection) as queries:
            counts = sweep.obligations_sweep(today=date(2026, 11, 23))
        return counts, len(queries)

    two, statements_for_2 = statements(2)
    six, statements_for_6 = statements(6)
    assert (two["worker_did_not_start"], six["worker_did_not_start"]) == (2, 6)
    assert (two["absences"], six["absences"]) == (2, 6)
    assert statements_for_2 == statements_for_6
