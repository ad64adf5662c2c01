"""Reporting duties an HR person can trust: what opens an obligation (and only once), what is refused
and why, what a report starts from and how a sent one reads, and who is told."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.exceptions import DomainError
from sms.core.imports import ImportRefused
from sms.licensing.models import KeyPersonRole, ReportableChange
from sms.licensing.services import personnel
from sms.reporting import imports, reports, selectors
from sms.reporting.catalogue import CATALOGUE, EVENTS
from sms.reporting.filters import ObligationFilterSet
from sms.reporting.models import Fact, Obligation, SponsoredPerson
from sms.reporting.services import facts, obligations, sweep
from sms.trail.details import event_details
from tests.factories import suitable_person

Kind = Fact.Kind


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)  # a Monday
    return date(2026, 11, 23)


def register(sponsor, creator, time_machine, *, assigner=None, family_name="Okoro"):
    """A worker whose certificate was drafted in August and assigned on 23 November 2026."""
    time_machine.move_to("2026-08-03 10:00:00Z", tick=False)
    saved = draft(sponsor, creator, family_name=family_name, start_date=date(2026, 12, 1), end_date=date(2029, 11, 30))
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    certificate = certificate_assign(certificate=saved, actor=assigner or creator)
    return facts.person_register_from_certificate(certificate=certificate, actor=assigner or creator)


@pytest.fixture
def worker(sponsor, level_2, today, time_machine):
    give_allocation(sponsor)
    return register(sponsor, level_2, time_machine)


def absence(person, actor, start, end=None, *, authorised=False, pay="full", **values):
    return facts.fact_record(
        person=person, actor=actor, kind=Kind.ABSENCE, start_date=start, end_date=end, authorised=authorised, pay=pay,
        **values,
    )  # fmt: skip


def upload(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=imports.COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" for column in imports.COLUMNS} | row)
    return SimpleUploadedFile("facts.csv", out.getvalue().encode())


# 2. Unpaid or reduced-pay leave, in the worker's working pattern.


def test_reduced_pay_leave_counts_towards_the_four_weeks(worker, level_1):
    absence(worker, level_1, date(2026, 9, 7), date(2026, 10, 2), authorised=True, pay="reduced")  # 20 working days
    assert not Obligation.objects.exists()
    absence(worker, level_1, date(2026, 10, 12), date(2026, 10, 12), authorised=True, pay="reduced")
    assert Obligation.objects.get(event="unpaid_leave").trigger_date == date(2026, 10, 12)


def test_a_three_day_week_reaches_four_weeks_at_twelve_days(worker, level_1):
    facts.person_details_update(
        person=worker, actor=level_1, permission_start=None, permission_end=None, days_per_week=3
    )
    worker.refresh_from_db()
    # Four weeks off (Mon 7 Sep to Fri 2 Oct) count 3 days a week: 12 days, exactly 4 weeks.
    absence(worker, level_1, date(2026, 9, 7), date(2026, 10, 2), authorised=True, pay="unpaid")
    assert not Obligation.objects.exists()
    absence(worker, level_1, date(2026, 10, 12), date(2026, 10, 12), authorised=True, pay="unpaid")
    assert Obligation.objects.get(event="unpaid_leave").trigger_date == date(2026, 10, 12)


def test_unpaid_leave_still_going_on_is_opened_by_the_sweep_when_it_passes_four_weeks(worker, level_1):
    absence(worker, level_1, date(2026, 11, 2), authorised=True, pay="unpaid")  # 16 working days by today
    assert not Obligation.objects.exists()
    assert sweep.obligations_sweep(today=date(2026, 11, 27))["unpaid_leave"] == 0  # exactly 20
    assert sweep.obligations_sweep(today=date(2026, 11, 30))["unpaid_leave"] == 1  # the 21st
    assert sweep.obligations_sweep(today=date(2026, 12, 1))["unpaid_leave"] == 0
    assert Obligation.objects.get(event="unpaid_leave").trigger_date == date(2026, 11, 30)


@pytest.mark.parametrize("reason", ["shared_parental", "neonatal", "court_attendance", "humanitarian"])
def test_newly_listed_exempt_reasons_are_never_reported(worker, level_1, reason):
    absence(worker, level_1, date(2026, 8, 3), date(2026, 10, 30), authorised=True, pay="unpaid", leave_reason=reason)
    assert not Obligation.objects.exists()


def test_the_absence_form_asks_how_it_was_paid_and_why(client, worker, level_1):
    sign_in(client, level_1)
    url = reverse("reporting:record_fact", args=[worker.uuid, "absence"])
    page = client.get(url).content.decode()
    for text in (
        "How was it paid?",
        "Reduced pay",
        "Shared parental leave",
        "Neonatal care leave",
        "Humanitarian work",
    ):
        assert text in page
    client.post(
        url,
        {"start_date": "03/08/2026", "end_date": "28/08/2026", "authorised": "yes", "pay": "reduced",
         "leave_reason": "court_attendance"},
    )  # fmt: skip
    fact = Fact.objects.get()
    assert (fact.pay, fact.leave_reason) == ("reduced", "court_attendance")


def test_the_csv_import_takes_the_pay_type_and_leave_reason(sponsor, level_1, worker):
    reference = worker.certificate.reference
    imports.facts_import_csv(
        sponsor=sponsor,
        actor=level_1,
        upload=upload(
            [{"certificate_reference": reference, "fact": "absence", "start_date": "2026-09-07",
              "end_date": "2026-10-05", "authorised": "yes", "pay": "Reduced", "leave_reason": ""}]
        ),
    )  # fmt: skip
    assert Obligation.objects.get(event="unpaid_leave").trigger_date == date(2026, 10, 5)
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(
            sponsor=sponsor,
            actor=level_1,
            upload=upload(
                [{"certificate_reference": reference, "fact": "absence", "start_date": "2026-11-02",
                  "authorised": "yes", "pay": "half"}]
            ),
        )  # fmt: skip
    assert [error.column for error in refused.value.errors] == ["pay"]


# 3. Key personnel changes: 20 working days, reminded at 10; every deadline names its source.


def test_a_key_contact_change_is_due_in_twenty_working_days_with_a_target_of_at_most_ten(sponsor, level_1, today):
    sponsor.internal_target_working_days = 15
    sponsor.save()
    personnel.key_person_appoint(
        sponsor=sponsor, role=KeyPersonRole.KEY_CONTACT, person=suitable_person(given="Nia", email="nia@a.example"),
        actor=level_1,
    )  # fmt: skip
    obligation = Obligation.objects.get()
    assert obligation.event == "org_key_personnel_change"
    # 20 working days after Mon 23 Nov 2026 is Mon 21 Dec; the target, 10 working days, Mon 7 Dec.
    assert (obligation.legal_deadline, obligation.target_date) == (date(2026, 12, 21), date(2026, 12, 7))


def test_every_event_names_the_source_of_its_deadline_and_the_page_shows_it(client, sponsor, level_1, today):
    assert all(event.source for event in CATALOGUE)
    assert "Part 3" in EVENTS["org_key_personnel_change"].source
    personnel.key_person_appoint(
        sponsor=sponsor, role=KeyPersonRole.AUTHORISING_OFFICER,
        person=suitable_person(given="Nia", email="nia@a.example"), actor=level_1,
    )  # fmt: skip
    sign_in(client, level_1)
    page = client.get(reverse("reporting:obligation", args=[Obligation.objects.get().uuid])).content.decode()
    assert "Where the deadline comes from" in page
    assert EVENTS["org_key_personnel_change"].source in page
    assert "(20 working days)" in page


# 4. An absence that overlaps another, or starts too early, is refused and opens nothing twice.


def test_an_absence_overlapping_an_open_absence_is_refused(worker, level_1):
    absence(worker, level_1, date(2026, 11, 2))  # still absent
    with pytest.raises(DomainError, match="overlap the absence from 2 November 2026 that has not ended"):
        absence(worker, level_1, date(2026, 11, 9), date(2026, 11, 20))
    assert sweep.obligations_sweep(today=date(2026, 11, 23))["absences"] == 0
    assert Obligation.objects.count() == 1


def test_an_absence_overlapping_a_recorded_absence_is_refused(worker, level_1):
    absence(worker, level_1, date(2026, 11, 2), date(2026, 11, 16))
    with pytest.raises(DomainError, match="overlap the absence from 2 November 2026 to 16 November 2026"):
        absence(worker, level_1, date(2026, 10, 26), date(2026, 11, 2))
    with pytest.raises(DomainError, match="overlap"):
        absence(worker, level_1, date(2026, 10, 26))  # open-ended from before
    absence(worker, level_1, date(2026, 11, 17), date(2026, 11, 17))  # the day after is fine
    assert Obligation.objects.filter(event="unauthorised_absence").count() == 1


def test_an_absence_before_the_worker_started_or_the_certificate_existed_is_refused(worker, level_1):
    with pytest.raises(DomainError, match="before their certificate was created on 3 August 2026"):
        absence(worker, level_1, date(2026, 7, 27), date(2026, 8, 14))
    facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 2))
    worker.refresh_from_db()
    with pytest.raises(DomainError, match="before Ada Okoro started on 2 November 2026"):
        absence(worker, level_1, date(2026, 10, 26), date(2026, 11, 20))
    assert not Fact.objects.filter(kind=Kind.ABSENCE).exists()


def test_the_csv_import_refuses_an_overlapping_absence_by_row_and_column(sponsor, level_1, worker):
    absence(worker, level_1, date(2026, 11, 2))
    reference = worker.certificate.reference
    with pytest.raises(ImportRefused) as refused:
        imports.facts_import_csv(
            sponsor=sponsor,
            actor=level_1,
            upload=upload(
                [{"certificate_reference": reference, "fact": "absence", "start_date": "2026-11-10",
                  "end_date": "2026-11-20", "authorised": "no", "pay": "unpaid"},
                 {"certificate_reference": reference, "fact": "absence", "start_date": "2026-11-16",
                  "end_date": "2026-11-16", "authorised": "yes", "pay": "full"}]
            ),
        )  # fmt: skip
    assert [str(error) for error in refused.value.errors] == [
        "Row 2, column start_date: These days overlap the absence from 2 November 2026 that has not ended, "
        "already recorded",
        "Row 3, column start_date: These days overlap the absence from 2 November 2026 that has not ended, "
        "already recorded",
    ]
    assert Fact.objects.count() == 1


# 5. Employment ended: the reason, and a last day in the future.


def test_a_resignation_with_notice_opens_its_obligation_on_the_last_day(worker, level_1, time_machine):
    facts.fact_record(person=worker, actor=level_1, kind=Kind.START_CONFIRMED, start_date=date(2026, 11, 2))
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.EMPLOYMENT_ENDED, start_date=date(2026, 12, 18),
        end_reason="resignation",
    )  # fmt: skip
    worker.refresh_from_db()
    assert (worker.status, worker.left_on) == (SponsoredPerson.Status.ACTIVE, date(2026, 12, 18))
    assert Fact.objects.get(kind=Kind.EMPLOYMENT_ENDED).get_end_reason_display() == "Resignation"
    assert not Obligation.objects.exists()
    with pytest.raises(DomainError, match="already recorded as leaving on 18 December 2026"):
        facts.fact_record(
            person=worker, actor=level_1, kind=Kind.EMPLOYMENT_ENDED, start_date=date(2026, 12, 1),
            end_reason="dismissal",
        )  # fmt: skip
    assert sweep.obligations_sweep(today=date(2026, 12, 17))["employment_ended"] == 0
    assert sweep.obligations_sweep(today=date(2026, 12, 18))["employment_ended"] == 1
    assert sweep.obligations_sweep(today=date(2026, 12, 18))["employment_ended"] == 0
    obligation = Obligation.objects.get()
    assert (obligation.event, obligation.trigger_date) == ("employment_ended", date(2026, 12, 18))
    worker.refresh_from_db()
    assert worker.status == SponsoredPerson.Status.LEFT


def test_the_leaving_form_asks_why_and_allows_a_future_last_day(client, worker, level_1):
    sign_in(client, level_1)
    url = reverse("reporting:record_fact", args=[worker.uuid, "employment_ended"])
    assert "Select why the employment ended" in client.post(url, {"start_date": "18/12/2026"}).content.decode()
    client.post(url, {"start_date": "18/12/2026", "end_reason": "sponsorship_not_needed"})
    fact = Fact.objects.get()
    assert (fact.start_date, fact.end_reason) == (date(2026, 12, 18), "sponsorship_not_needed")


# 6. Reports start from what the system knows and read in labels and UK dates.


def test_an_absence_report_is_prefilled_and_reads_in_labels_and_uk_dates(client, worker, level_1, caseworker):
    absence(worker, level_1, date(2026, 11, 2), date(2026, 11, 16), notes="Phoned twice")
    obligation = Obligation.objects.get()
    sign_in(client, level_1)
    url = reverse("reporting:report", args=[obligation.uuid])
    form = client.get(url).context["form"]
    assert form.initial == {
        "absence_start": date(2026, 11, 2),
        "return_date": date(2026, 11, 17),
        "contact_attempts": "Phoned twice",
    }
    page = client.get(url).content.decode()
    assert 'value="02/11/2026"' in page
    assert "What the system recorded" in page
    client.post(
        url,
        {"absence_start": "02/11/2026", "return_date": "17/11/2026", "contact_attempts": "Phoned twice",
         "declaration": "on"},
    )  # fmt: skip
    shown = client.get(reverse("reporting:obligation", args=[obligation.uuid])).content.decode()
    assert "First day of absence" in shown
    assert "2 November 2026" in shown
    assert "Date they returned (if they have)" in shown
    assert "17 November 2026" in shown
    for raw in ("Absencestart", "Returndate", "2026-11-02"):
        assert raw not in shown
    staff = client.__class__()
    sign_in(staff, caseworker)
    received = staff.get(reverse("reporting:ho_report", args=[obligation.uuid])).content.decode()
    assert "First day of absence" in received
    assert "2 November 2026" in received
    assert "Absencestart" not in received


def test_a_leaver_and_a_manual_obligation_read_in_labels(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.EMPLOYMENT_ENDED, start_date=date(2026, 11, 20), end_reason="redundancy"
    )
    leaver = Obligation.objects.get()
    assert reports.report_initial(leaver) == {"last_day": date(2026, 11, 20), "reason": "Redundancy"}
    leaver = obligations.obligation_report(
        obligation=leaver, actor=level_1, report={"last_day": "2026-11-20", "reason": "Redundancy"}, uploads=[],
        declaration=True,
    )  # fmt: skip
    assert reports.report_rows(leaver) == [
        ("Last day of employment", "20 November 2026"),
        ("Why it ended", "Redundancy"),
    ]
    manual = obligations.obligation_open_by_hand(
        sponsor=worker.sponsor, actor=level_1, event="breach_of_conditions", trigger_date=date(2026, 11, 20),
        person=worker, details="Working elsewhere",
    )  # fmt: skip
    assert reports.report_rows(manual) == [("Details given when it was opened", "Working elsewhere")]
    assert reports.report_initial(manual) == {"details": "Working elsewhere"}


def test_a_location_and_a_key_contact_change_prefill_their_reports(client, sponsor, worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.LOCATION_CHANGE, start_date=date(2026, 11, 20),
        new_value="5 New Road\nYork",
    )  # fmt: skip
    moved = Obligation.objects.get(event="work_location_change")
    assert reports.report_initial(moved) == {"new_address": "5 New Road\nYork", "effective_date": date(2026, 11, 20)}
    personnel.key_person_appoint(
        sponsor=sponsor, role=KeyPersonRole.KEY_CONTACT, person=suitable_person(given="Nia", email="nia@a.example"),
        actor=level_1,
    )  # fmt: skip
    contact = Obligation.objects.get(event="org_key_personnel_change")
    sign_in(client, level_1)
    response = client.get(reverse("reporting:report", args=[contact.uuid]))
    details = response.context["form"].initial["details"]
    assert "Key Contact changed from Ken Person to Nia Person" in details
    assert "23 November 2026" in details
    page = response.content.decode()
    assert "Before" in page
    assert "Ken Person" in page


# 7. A Level 2 user is told only about what they may report, and the page says who can.


def test_a_level_2_user_is_not_told_about_obligations_they_may_not_report(
    sponsor, level_1, level_2, today, time_machine, django_capture_on_commit_callbacks, mailoutbox
):
    give_allocation(sponsor)
    # Level 2 drafted this certificate but a Level 1 user assigned it: Level 2 may not report on it.
    theirs_not = register(sponsor, level_2, time_machine, assigner=level_1, family_name="Bello")
    with django_capture_on_commit_callbacks(execute=True):
        facts.fact_record(
            person=theirs_not, actor=level_1, kind=Kind.ROLE_CHANGE, start_date=date(2026, 11, 20), new_value="Lead"
        )
        personnel.work_site_add(sponsor=sponsor, address="Ward 4", opened_on=date(2026, 11, 20), actor=level_1)
    assert Obligation.objects.count() == 2
    assert {message.to[0] for message in mailoutbox} == {level_1.email}


def test_a_level_2_users_list_shows_only_what_they_may_report(client, sponsor, level_1, level_2, worker, time_machine):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ROLE_CHANGE, start_date=date(2026, 11, 20), new_value="Lead"
    )
    someone_else = register(sponsor, level_1, time_machine, family_name="Bello")
    facts.fact_record(
        person=someone_else, actor=level_1, kind=Kind.ROLE_CHANGE, start_date=date(2026, 11, 20), new_value="Lead"
    )
    personnel.work_site_add(sponsor=sponsor, address="Ward 4", opened_on=date(2026, 11, 20), actor=level_1)
    assert selectors.obligations_for_user(level_1).count() == 3
    assert list(selectors.obligations_for_user(level_2)) == [Obligation.objects.get(person=worker)]
    sign_in(client, level_2)
    page = client.get(reverse("reporting:obligations"))
    assert [o.person for o in page.context["page"].object_list] == [worker]
    assert "These are the obligations you can report" in page.content.decode()
    mine = client.get(reverse("reporting:obligation", args=[Obligation.objects.get(person=worker).uuid]))
    assert "Level 1 users, and Test L2 (the Level 2 user who created and assigned the certificate)" in (
        mine.content.decode()
    )
    organisation = client.get(reverse("reporting:obligation", args=[Obligation.objects.get(person=None).uuid]))
    assert '<dd class="govuk-summary-list__value" id="who-may-report">Level 1 users</dd>' in (
        organisation.content.decode()
    )


# 8. One reportable change, one obligation.


def _one_of_each_change(sponsor, level_1):
    personnel.key_person_appoint(
        sponsor=sponsor, role=KeyPersonRole.AUTHORISING_OFFICER,
        person=suitable_person(given="Nia", email="nia@a.example"), actor=level_1,
    )  # fmt: skip
    personnel.key_person_appoint(
        sponsor=sponsor, role=KeyPersonRole.KEY_CONTACT, person=suitable_person(given="Ola", email="ola@a.example"),
        actor=level_1,
    )  # fmt: skip
    site = personnel.work_site_add(sponsor=sponsor, address="Ward 4", opened_on=date(2026, 11, 2), actor=level_1)
    personnel.work_site_close(site=site, closed_on=date(2026, 11, 20), actor=level_1)
    for name, registered, trading in (
        ("Acme Care Group Ltd", sponsor.registered_address, ""),
        ("Acme Care Group Ltd", "2 Low Street\nLeeds", ""),
        ("Acme Care Group Ltd", "2 Low Street\nLeeds", "9 Market Street\nLeeds"),
    ):
        personnel.organisation_details_change(
            sponsor=sponsor, actor=level_1, name=name, registered_address=registered, trading_address=trading,
            effective_date=date(2026, 11, 20),
        )  # fmt: skip


def test_each_organisation_change_opens_exactly_one_obligation(sponsor, level_1, today):
    _one_of_each_change(sponsor, level_1)
    changes = ReportableChange.objects.filter(sponsor=sponsor)
    assert changes.count() == 7
    sweep.obligations_sweep(today=date(2026, 11, 23))
    for change in changes:
        assert Obligation.objects.filter(reportable_change=change).count() == 1, change.summary
    assert Obligation.objects.count() == 7


def test_a_browser_sending_crlf_lines_does_not_record_an_address_change_that_did_not_happen(client, sponsor, level_1):
    """Browsers send a textarea's lines as CRLF; the stored address has LF. Changing only the trading
    address used to record the unchanged registered address as changed too: two obligations."""
    sign_in(client, level_1)
    client.post(
        reverse("licensing:change_organisation"),
        {
            "name": sponsor.name,
            "registered_address": sponsor.registered_address.replace("\n", "\r\n"),
            "trading_address": "9 Market Street\r\nLeeds",
            "effective_date": f"{date.today():%d/%m/%Y}",
        },
    )
    change = ReportableChange.objects.get(sponsor=sponsor)
    assert change.details["field"] == "trading_address"
    assert Obligation.objects.filter(event="org_address_change").count() == 1


# 9. The permission (visa) end date and working pattern, on the worker page.


def test_the_permission_end_date_and_working_pattern_are_recorded_and_audited(client, worker, level_1):
    sign_in(client, level_1)
    person_page = reverse("reporting:person", args=[worker.uuid])
    assert reverse("reporting:person_details", args=[worker.uuid]) in client.get(person_page).content.decode()
    url = reverse("reporting:person_details", args=[worker.uuid])
    initial = client.get(url).context["form"].initial
    assert initial == {"permission_start": None, "permission_end": None, "days_per_week": 5}
    bad = client.post(url, {"permission_end": "31/02/2027", "days_per_week": "9"}).content.decode()
    assert "govuk-error-summary" in bad
    client.post(url, {"permission_end": "03/03/2027", "days_per_week": "3"})
    worker.refresh_from_db()
    assert (worker.permission_end, worker.days_per_week) == (date(2027, 3, 3), 3)
    page = client.get(person_page).content.decode()
    assert '<dt class="govuk-summary-list__key">Permission ends</dt>' in page
    assert '<dd class="govuk-summary-list__value" id="permission-end">3 March 2027</dd>' in page
    assert "3 days a week" in page
    event = AuditEvent.objects.filter(verb=Verb.PERSON_UPDATED).get()
    assert event.payload["permission_end"] == {"from": None, "to": "2027-03-03"}
    client.post(url, {"permission_end": "10/03/2027", "days_per_week": "3"})
    worker.refresh_from_db()
    assert worker.permission_end == date(2027, 3, 10)


def test_a_level_2_user_may_not_change_someone_elses_worker(client, sponsor, level_1, level_2, today, time_machine):
    give_allocation(sponsor)
    person = register(sponsor, level_1, time_machine)
    sign_in(client, level_2)
    assert client.get(reverse("reporting:person_details", args=[person.uuid])).status_code == 403


# 10. The obligations list filters, as a FilterSet.


def test_the_filters_keep_their_parameters_and_apply_after_the_sponsor_scope(
    client, sponsor, other_sponsor, level_1, other_level_1, worker, time_machine
):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.ROLE_CHANGE, start_date=date(2026, 11, 20), new_value="Lead"
    )
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.EMPLOYMENT_ENDED, start_date=date(2026, 11, 2), end_reason="dismissal"
    )
    give_allocation(other_sponsor)
    stranger = register(other_sponsor, other_level_1, time_machine)
    facts.fact_record(
        person=stranger, actor=other_level_1, kind=Kind.ROLE_CHANGE, start_date=date(2026, 11, 20), new_value="Lead"
    )
    sign_in(client, level_1)
    assert isinstance(selectors.obligation_search(user=level_1), ObligationFilterSet)

    def events(**params):
        response = client.get(reverse("reporting:obligations"), params)
        return sorted(o.event for o in response.context["page"].object_list), response

    assert events()[0] == ["employment_ended", "role_change"]
    assert events(event="role_change")[0] == ["role_change"]
    assert events(status="open", q="okoro")[0] == ["employment_ended", "role_change"]
    assert events(q="Bello")[0] == []
    assert events(due_before="20/11/2026")[0] == ["employment_ended"]
    found, response = events(due_before="not a date")
    assert found == ["employment_ended", "role_change"]
    assert "Due on or before must be a real date" in response.content.decode()
    form = response.context["form"]
    assert [(name, field.label) for name, field in form.fields.items()] == [
        ("status", "Status"),
        ("event", "Event"),
        ("q", "Worker or student name"),
        ("due_before", "Due on or before"),
    ]


# An absence recorded while it is still going on, and its last day recorded later.


def test_an_open_absence_that_ends_within_ten_working_days_opens_nothing(worker, level_1, time_machine):
    time_machine.move_to("2026-11-12 10:00:00Z", tick=False)
    ongoing = absence(worker, level_1, date(2026, 11, 9))
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    ended = facts.absence_end(fact=ongoing, actor=level_1, last_day=date(2026, 11, 20))  # 10 working days
    assert ended.end_date == date(2026, 11, 20)
    assert not Obligation.objects.filter(event="unauthorised_absence").exists()
    assert AuditEvent.objects.filter(verb=Verb.ABSENCE_ENDED).count() == 1


def test_an_obligation_opened_while_the_absence_seemed_to_go_on_is_cancelled_by_its_last_day(worker, level_1):
    ongoing = absence(worker, level_1, date(2026, 11, 9))  # by today, 11 working days and counting
    opened = Obligation.objects.get(event="unauthorised_absence")
    facts.absence_end(fact=ongoing, actor=level_1, last_day=date(2026, 11, 20))  # it was 10 after all
    opened.refresh_from_db()
    assert opened.status == Obligation.Status.CANCELLED
    assert opened.cancel_reason == "The absence ended on 20 November 2026, within 10 working days: not reportable"


def test_an_open_absence_that_lasted_more_than_ten_working_days_opens_one_obligation(worker, level_1, time_machine):
    time_machine.move_to("2026-11-04 10:00:00Z", tick=False)
    ongoing = absence(worker, level_1, date(2026, 11, 2))
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    facts.absence_end(fact=ongoing, actor=level_1, last_day=date(2026, 11, 20))  # 15 working days
    opened = Obligation.objects.get(event="unauthorised_absence")
    assert opened.trigger_date == date(2026, 11, 13)  # the 10th working day anchors the deadline


@pytest.mark.parametrize(
    ("last_day", "message"),
    [
        (date(2026, 11, 6), "on or after the day the absence started, 9 November 2026"),
        (date(2026, 11, 24), "today or in the past"),
    ],
)
def test_an_impossible_last_day_is_refused(worker, level_1, last_day, message):
    ongoing = absence(worker, level_1, date(2026, 11, 9))
    with pytest.raises(DomainError, match=message):
        facts.absence_end(fact=ongoing, actor=level_1, last_day=last_day)


def test_an_absence_ends_once(worker, level_1):
    ongoing = absence(worker, level_1, date(2026, 11, 9))
    facts.absence_end(fact=ongoing, actor=level_1, last_day=date(2026, 11, 10))
    with pytest.raises(DomainError, match="already ended on 10 November 2026"):
        facts.absence_end(fact=ongoing, actor=level_1, last_day=date(2026, 11, 11))


def test_the_worker_page_records_the_last_day_of_an_open_absence(client, worker, level_1):
    ongoing = absence(worker, level_1, date(2026, 11, 9), authorised=True)
    sign_in(client, level_1)
    page = client.get(reverse("reporting:person", args=[worker.uuid])).content.decode()
    address = reverse("reporting:end_absence", args=[worker.uuid, ongoing.pk])
    assert f'href="{address}"' in page
    response = client.post(address, {"last_day": "13/11/2026"}, follow=True)
    assert "Absence from 9 November 2026 to 13 November 2026 recorded" in response.content.decode()
    ongoing.refresh_from_db()
    assert ongoing.end_date == date(2026, 11, 13)
    assert f'href="{address}"' not in response.content.decode()
    assert client.get(address).status_code == 404  # nothing left to end


# Overdue reads the same everywhere.


def test_an_overdue_obligation_reads_overdue_on_its_page_the_worker_page_and_the_filter(client, worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.SALARY_CHANGE, start_date=date(2026, 11, 1), new_salary_pence=1_000_000
    )
    late = Obligation.objects.get(event="salary_change")
    assert late.legal_deadline == date(2026, 11, 13)
    assert str(late) == "Salary reduced or below the certificate or threshold by 13 November 2026"
    sign_in(client, level_1)
    page = client.get(reverse("reporting:obligation", args=[late.uuid])).content.decode()
    assert 'id="obligation-status">Overdue<' in page
    assert "(overdue)" in client.get(reverse("reporting:person", args=[worker.uuid])).content.decode()
    overdue = ObligationFilterSet({"status": "overdue"}, queryset=Obligation.objects.all()).qs
    open_ones = ObligationFilterSet({"status": "open"}, queryset=Obligation.objects.all()).qs
    assert list(overdue) == [late]
    assert late in open_ones


def test_the_trail_names_a_leavers_last_day_and_leaves_out_what_is_empty(worker, level_1):
    facts.fact_record(
        person=worker, actor=level_1, kind=Kind.EMPLOYMENT_ENDED, start_date=date(2026, 12, 31), end_reason="other"
    )
    event = AuditEvent.objects.filter(verb=Verb.FACT_RECORDED).latest("id")
    assert event_details(event) == [("Kind", "Employment ended"), ("Last day", "31 December 2026")]
