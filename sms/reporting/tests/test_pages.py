"""Register, fact and obligation pages; Home Office received reports."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.models import Obligation, SponsoredPerson
from sms.reporting.services.facts import fact_record, person_register_from_certificate
from tests.factories import make_staff_user


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    return date(2026, 11, 23)


@pytest.fixture
def certificate(sponsor, level_1, today, time_machine):
    give_allocation(sponsor)
    time_machine.move_to("2026-08-03 10:00:00Z", tick=False)  # the certificate exists from August
    saved = draft(sponsor, level_1, start_date=date(2026, 12, 1), end_date=date(2029, 11, 30))
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    return certificate_assign(certificate=saved, actor=level_1)


@pytest.fixture
def person(certificate, level_1):
    return person_register_from_certificate(certificate=certificate, actor=level_1)


def test_adding_a_certificate_holder_to_the_register(client, level_1, certificate):
    sign_in(client, level_1)
    assert (
        "Add to the worker register"
        in client.get(reverse("certificates:detail", args=[certificate.uuid])).content.decode()
    )
    response = client.post(reverse("reporting:register_certificate", args=[certificate.uuid]))
    person = SponsoredPerson.objects.get()
    assert response.url == reverse("reporting:person", args=[person.uuid])
    assert "Okoro" in client.get(reverse("reporting:register")).content.decode()


def test_recording_an_absence_run_opens_the_obligation_with_its_deadline(client, level_1, person):
    sign_in(client, level_1)
    url = reverse("reporting:record_fact", args=[person.uuid, "absence"])
    content = client.post(url, {"start_date": "02/11/2026"}).content.decode()
    assert "Select whether the absence was authorised" in content
    response = client.post(
        url, {"start_date": "02/11/2026", "end_date": "16/11/2026", "authorised": "no", "pay": "unpaid"}
    )
    assert response.url == reverse("reporting:person", args=[person.uuid])
    obligation = Obligation.objects.get()
    assert (obligation.event, obligation.legal_deadline) == ("unauthorised_absence", date(2026, 11, 27))
    page = client.get(response.url).content.decode()
    assert "report by 27 November 2026" in page


def test_a_future_fact_is_refused_with_a_message(client, level_1, person):
    sign_in(client, level_1)
    content = client.post(
        reverse("reporting:record_fact", args=[person.uuid, "start_confirmed"]), {"start_date": "01/12/2026"}
    ).content.decode()
    assert "The date must be today or in the past" in content


def test_student_only_facts_are_not_offered_for_workers(client, level_1, person):
    sign_in(client, level_1)
    assert client.get(reverse("reporting:record_fact", args=[person.uuid, "enrolled"])).status_code == 404


def test_reporting_with_evidence_is_on_time_and_the_home_office_receives_it(client, level_1, person, caseworker):
    fact_record(
        person=person, actor=level_1, kind="employment_ended", start_date=date(2026, 11, 20), end_reason="resignation"
    )
    obligation = Obligation.objects.get()
    sign_in(client, level_1)
    url = reverse("reporting:report", args=[obligation.uuid])
    content = client.post(url, {}).content.decode()
    assert "Enter last day of employment" in content
    assert "Confirm the declaration to send the report" in content
    client.post(
        url,
        {
            "last_day": "20/11/2026",
            "reason": "Resigned to move abroad",
            "declaration": "on",
            "evidence": SimpleUploadedFile("resignation.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.REPORTED_ON_TIME
    assert obligation.report == {"last_day": "2026-11-20", "reason": "Resigned to move abroad"}
    staff = client.__class__()
    sign_in(staff, caseworker)
    listing = staff.get(reverse("reporting:ho_reports")).content.decode()
    assert "Employment ended" in listing
    detail = staff.get(reverse("reporting:ho_report", args=[obligation.uuid])).content.decode()
    assert "Resigned to move abroad" in detail


def test_a_late_report_is_flagged_for_the_home_office(client, level_1, person, caseworker, time_machine):
    fact_record(
        person=person, actor=level_1, kind="employment_ended", start_date=date(2026, 11, 2), end_reason="resignation"
    )
    obligation = Obligation.objects.get()
    sign_in(client, level_1)
    listing = client.get(reverse("reporting:obligations")).content.decode()
    assert "Overdue" in listing
    client.post(
        reverse("reporting:report", args=[obligation.uuid]),
        {"last_day": "02/11/2026", "reason": "Dismissed", "declaration": "on"},
    )
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.REPORTED_LATE
    staff = client.__class__()
    sign_in(staff, caseworker)
    assert "Late" in staff.get(reverse("reporting:ho_reports"), {"late": "1"}).content.decode()


def test_level_2_cannot_report_on_someone_elses_certificate(client, level_1, level_2, person):
    fact_record(
        person=person, actor=level_1, kind="employment_ended", start_date=date(2026, 11, 20), end_reason="resignation"
    )
    obligation = Obligation.objects.get()
    sign_in(client, level_2)
    assert "Report now" not in client.get(reverse("reporting:obligation", args=[obligation.uuid])).content.decode()
    assert client.get(reverse("reporting:report", args=[obligation.uuid])).status_code == 403


def test_obligations_list_filters_and_keeps_a_fixed_query_count(
    client, sponsor, level_1, person, django_assert_max_num_queries
):
    fact_record(person=person, actor=level_1, kind="role_change", start_date=date(2026, 11, 20), new_value="Lead")
    sign_in(client, level_1)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("reporting:obligations"))
    for n in range(20):
        fact_record(
            person=person, actor=level_1, kind="location_change", start_date=date(2026, 11, 20), new_value=f"Site {n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("reporting:obligations"))
    assert page.context["page"].paginator.count == 21
    filtered = client.get(reverse("reporting:obligations"), {"event": "role_change"})
    assert [o.event for o in filtered.context["page"].object_list] == ["role_change"]


def test_opening_an_obligation_by_hand(client, level_1, person):
    sign_in(client, level_1)
    client.post(
        reverse("reporting:open_obligation"),
        {
            "event": "breach_of_conditions",
            "trigger_date": "20/11/2026",
            "person": str(person.uuid),
            "details": "Working elsewhere",
        },
    )
    obligation = Obligation.objects.get()
    assert (obligation.event, obligation.legal_deadline) == ("breach_of_conditions", date(2026, 11, 23))


def test_cancelling_is_for_level_1_users_with_a_reason(client, level_1, level_2, person):
    fact_record(person=person, actor=level_1, kind="role_change", start_date=date(2026, 11, 20), new_value="Lead")
    obligation = Obligation.objects.get()
    sign_in(client, level_2)
    assert client.get(reverse("reporting:cancel", args=[obligation.uuid])).status_code == 403
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_1)
    client.post(reverse("reporting:cancel", args=[obligation.uuid]), {"reason": "Recorded against the wrong person"})
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.CANCELLED


def test_a_level_1_user_changes_the_nation_and_target(client, sponsor, level_1, level_2):
    sign_in(client, level_1)
    content = client.post(
        reverse("licensing:settings"), {"nation": "scotland", "internal_target_working_days": "30"}
    ).content.decode()
    assert "The target can be at most 20 working days" in content
    client.post(reverse("licensing:settings"), {"nation": "scotland", "internal_target_working_days": "3"})
    sponsor.refresh_from_db()
    sponsor.licence.refresh_from_db()
    assert (sponsor.licence.nation, sponsor.internal_target_working_days) == ("scotland", 3)
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_2)
    assert client.get(reverse("licensing:settings")).status_code == 403


def test_an_administrator_adds_a_closure_day_and_deadlines_skip_it(client, db, level_1, person, time_machine):
    time_machine.move_to("2026-11-20 10:00:00Z")
    admin = make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="admin@ho.example")
    sign_in(client, admin)
    assert "Enter the date" in client.post(reverse("portal:closure_days"), {"reason": "x"}).content.decode()
    client.post(reverse("portal:closure_days"), {"day": "24/11/2026", "nation": "", "reason": "Royal occasion"})
    assert "Royal occasion" in client.get(reverse("portal:closure_days")).content.decode()
    time_machine.move_to("2026-11-23 12:00:00Z")
    fact_record(
        person=person, actor=level_1, kind="employment_ended", start_date=date(2026, 11, 23), end_reason="resignation"
    )
    # 10 working days after Mon 23 Nov, skipping the closure day on 24 Nov: 8 December.
    assert Obligation.objects.get().legal_deadline == date(2026, 12, 8)


def test_only_administrators_manage_closure_days(client, caseworker):
    sign_in(client, caseworker)
    assert client.get(reverse("portal:closure_days")).status_code == 403
