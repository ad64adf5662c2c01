"""The workspace's queues, search, sort and paging; taking, reassigning and noting a case."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import User
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.casework import queues, services
from sms.casework.models import CaseAssignment, CaseNote, CaseType
from sms.certificates.models import AllocationRequest
from sms.certificates.services.allocations import allocation_request_submit
from sms.certificates.services.certificates import certificate_assign, defined_cos_request_submit
from sms.certificates.tests.factories import complete_worker, draft, give_allocation
from sms.compliance.services import representations_submit
from sms.core.exceptions import DomainError
from sms.licensing.models import Rating, SponsorRequest
from sms.licensing.services.licence import licence_suspend
from sms.licensing.services.requests import variation_request_submit
from sms.licensing.services.users import level_2_user_add
from tests.factories import make_staff_user

LONDON = ZoneInfo("Europe/London")


def _at(model, pk, day: date) -> None:
    model.objects.filter(pk=pk).update(created_at=datetime(day.year, day.month, day.day, 10, tzinfo=LONDON))


@pytest.fixture
def cases(sponsor, level_1, other_sponsor, other_level_1):
    give_allocation(sponsor)
    standard = allocation_request_submit(
        sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 3}, justification="Growth"
    )
    priority = allocation_request_submit(
        sponsor=other_sponsor, actor=other_level_1, kind="increase", requested={"worker": 1}, justification="Urgent"
    )
    AllocationRequest.objects.filter(pk=priority.pk).update(priority=True)
    defined = defined_cos_request_submit(sponsor=sponsor, actor=level_1, data=complete_worker(family_name="Okafor"))
    variation = variation_request_submit(
        sponsor=other_sponsor, actor=other_level_1, kind=SponsorRequest.Kind.LINKED_ENTITIES, details="Branch"
    )
    # Received on a Monday two weeks ago, so the service levels decide the order of due dates.
    monday = date.today() - timedelta(days=date.today().weekday() + 14)
    for model, obj in [
        (AllocationRequest, standard),
        (AllocationRequest, priority),
        (type(defined), defined),
        (SponsorRequest, variation),
    ]:
        _at(model, obj.pk, monday)
    return {"standard": standard, "priority": priority, "defined": defined, "variation": variation, "monday": monday}


def test_each_queue_counts_its_waiting_cases(cases):
    counts = queues.queue_counts()
    assert counts["allocation_requests"]["total"] == 2
    assert counts["defined_cos"]["total"] == 1
    assert counts["variations"]["total"] == 1
    assert counts["renewals"]["total"] == 0
    assert counts["additional_level_1"]["total"] == 0


def test_the_workspace_shows_every_queue_with_its_count(client, cases, caseworker):
    sign_in(client, caseworker)
    page = client.get(reverse("casework:workspace")).content.decode()
    assert 'data-queue="allocation_requests"' in page
    for queue in queues.QUEUES:
        assert queue.label in page
    assert cases["standard"].reference in page
    assert cases["defined"].reference in page


def test_sorted_by_due_date_defined_cos_then_priority_then_standard(cases):
    rows = list(queues.case_list(sort="due"))
    references = [row["c_ref"] for row in rows]
    assert references.index(cases["defined"].reference) < references.index(cases["priority"].reference)
    assert references.index(cases["priority"].reference) < references.index(cases["standard"].reference)
    defined = next(row for row in rows if row["c_ref"] == cases["defined"].reference)
    # One working day after a Monday is the Tuesday (no bank holiday falls on these test dates' Tuesdays
    # except by chance; the due date is then later, never earlier).
    assert defined["c_due"] >= cases["monday"] + timedelta(days=1)
    priority = next(row for row in rows if row["c_ref"] == cases["priority"].reference)
    assert priority["c_due"] >= cases["monday"] + timedelta(days=7)


def test_sorted_by_age_oldest_first(cases):
    AllocationRequest.objects.filter(pk=cases["standard"].pk).update(created_at=datetime(2020, 1, 6, 9, tzinfo=LONDON))
    assert list(queues.case_list(sort="oldest"))[0]["c_ref"] == cases["standard"].reference


@pytest.mark.parametrize("key", ["name", "licence", "company", "reference"])
def test_search_by_each_key(cases, sponsor, key):
    sponsor.registered_number = "07654321"
    sponsor.save()
    term = {
        "name": sponsor.name[:6].lower(),
        "licence": sponsor.licence.number.lower(),
        "company": "07654321",
        "reference": cases["defined"].reference,
    }[key]
    found = {row["c_ref"] for row in queues.case_list(search=term)}
    assert cases["defined"].reference in found
    assert cases["priority"].reference not in found
    assert cases["variation"].reference not in found


def test_filter_by_queue_and_by_assignment(cases, caseworker):
    assert {row["c_queue"] for row in queues.case_list(queue="defined_cos")} == {"defined_cos"}
    services.case_assign(case=cases["standard"], assignee=caseworker, actor=caseworker)
    mine = [row["c_ref"] for row in queues.case_list(assignment="mine", user=caseworker)]
    assert mine == [cases["standard"].reference]
    unassigned = [row["c_ref"] for row in queues.case_list(assignment="unassigned", user=caseworker)]
    assert cases["standard"].reference not in unassigned
    assert len(unassigned) == 3


def test_a_page_costs_the_same_queries_however_many_cases(
    client, cases, caseworker, sponsor, level_1, django_assert_max_num_queries
):
    sign_in(client, caseworker)
    for _ in range(30):
        allocation_request_submit(
            sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 1}, justification="More"
        )
    with django_assert_max_num_queries(25):
        response = client.get(reverse("casework:workspace"), {"sort": "due", "page": 2})
    assert response.status_code == 200
    assert "Page 2 of 2" in response.content.decode()


def test_taking_and_reassigning_a_case_is_audited(cases, caseworker):
    colleague = make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="colleague@ho.example")
    services.case_assign(case=cases["standard"], assignee=caseworker, actor=caseworker)
    services.case_assign(case=cases["standard"], assignee=colleague, actor=caseworker)
    assignment = CaseAssignment.objects.get(case_type=CaseType.ALLOCATION_REQUEST, case_id=cases["standard"].pk)
    assert assignment.assigned_to == colleague
    events = AuditEvent.objects.filter(verb__in=[Verb.CASE_ASSIGNED, Verb.CASE_REASSIGNED]).order_by("id")
    assert [event.verb for event in events] == [Verb.CASE_ASSIGNED, Verb.CASE_REASSIGNED]
    assert all(event.sponsor_id is None for event in events)  # the Home Office chain, not the sponsor's


def test_only_staff_who_decide_cases_can_be_given_a_case(cases, caseworker, helpdesk, level_1):
    with pytest.raises(DomainError):
        services.case_assign(case=cases["standard"], assignee=helpdesk, actor=caseworker)
    with pytest.raises(PermissionDenied):
        services.case_assign(case=cases["standard"], assignee=caseworker, actor=helpdesk)
    with pytest.raises(Http404):
        services.case_assign(case=cases["priority"], assignee=caseworker, actor=level_1)


def test_a_note_is_kept_out_of_the_audit_details_and_the_sponsors_chain(cases, caseworker):
    note = services.case_note_add(case=cases["standard"], text="NOTE-MARKER check the payroll", actor=caseworker)
    assert note.sponsor_id == cases["standard"].sponsor_id
    event = AuditEvent.objects.get(verb=Verb.CASE_NOTE_ADDED)
    assert event.sponsor_id is None
    assert "NOTE-MARKER" not in event.payload_json + event.target_label
    with pytest.raises(ValidationError):
        services.case_note_add(case=cases["standard"], text="   ", actor=caseworker)
    assert CaseNote.objects.count() == 1


def test_the_decision_page_shows_the_panel_and_its_forms_work(client, cases, caseworker):
    sign_in(client, caseworker)
    url = reverse("certificates:ho_allocation_request", args=[cases["standard"].reference])
    page = client.get(url).content.decode()
    assert "Not assigned to anyone" in page
    assert 'id="allocations-table"' in page
    assert 'id="route-ratings"' in page
    assign = reverse("casework:assign", args=[CaseType.ALLOCATION_REQUEST, cases["standard"].pk])
    assert client.post(assign, {"assignee": caseworker.pk, "next": url}).url == url
    note = reverse("casework:note", args=[CaseType.ALLOCATION_REQUEST, cases["standard"].pk])
    assert client.post(note, {"text": "Checked the forecast", "next": url}).url == url
    page = client.get(url).content.decode()
    assert "(you)" in page
    assert "Checked the forecast" in page
    # The time as everywhere else in the service ("17:42"), never "5:42 p.m.".
    written = CaseNote.objects.get().created_at
    assert f"{timezone.localtime(written):%H:%M}" in page
    assert "p.m." not in page
    assert "a.m." not in page
    empty = client.post(note, {"text": "", "next": url})
    assert empty.status_code == 200
    assert "Enter the note" in empty.content.decode()
    assert client.post(note, {"text": "x", "next": "https://evil.example/"}).url != "https://evil.example/"


def test_the_defined_cos_page_shows_the_whole_certificate_and_the_salary_checks(client, cases, caseworker):
    sign_in(client, caseworker)
    page = client.get(reverse("certificates:ho_defined_request", args=[cases["defined"].reference])).content.decode()
    assert 'id="defined-checks"' in page
    assert "Required salary" in page
    assert "Okafor" in page
    assert "Passport number" in page


@pytest.mark.parametrize(
    "tab",
    [
        "summary",
        "users",
        "allocations",
        "certificates",
        "workers",
        "obligations",
        "requests",
        "visits",
        "action-plans",
        "notes",
    ],
)
def test_each_tab_of_the_staff_sponsor_view_costs_a_fixed_number_of_queries(
    client, cases, caseworker, sponsor, tab, django_assert_max_num_queries
):
    services.case_note_add(case=cases["standard"], text="Tab note", actor=caseworker)
    sign_in(client, caseworker)
    url = reverse("casework:sponsor_tab", args=[sponsor.uuid, tab])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert sponsor.licence.number in response.content.decode()


def test_find_a_certificate_by_reference_and_resend_an_activation_link(client, cases, sponsor, level_1, helpdesk):
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Findme"), actor=level_1)
    sign_in(client, helpdesk)
    page = client.get(
        reverse("casework:sponsor_tab", args=[sponsor.uuid, "certificates"]), {"reference": certificate.reference}
    ).content.decode()
    assert "Findme" in page
    assert "Resend activation link" not in page
    invited = level_2_user_add(
        sponsor=sponsor, actor=level_1, email="new@sponsor.example", given_name="New", family_name="Starter"
    )
    users = client.get(reverse("casework:sponsor_tab", args=[sponsor.uuid, "users"])).content.decode()
    assert "Resend activation link" in users
    action = reverse("casework:sponsor_user_action", args=[sponsor.uuid, invited.user_id, "resend-activation"])
    followed = client.post(action, follow=True).content.decode()
    assert "We have sent new@sponsor.example a new activation link" in followed


def test_suspension_representations_wait_in_their_own_queue(client, sponsor, level_1, caseworker):
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="officer@ho.example")
    licence_suspend(licence=sponsor.licence, actor=officer, reason="Missing records")
    sponsor.refresh_from_db()
    sent = representations_submit(sponsor=sponsor, actor=level_1, text="We have fixed our records")
    assert queues.queue_counts()["representations"]["total"] == 1
    sign_in(client, caseworker)
    page = client.get(reverse("casework:workspace"), {"queue": "representations"}).content.decode()
    assert sent.reference in page
    assert reverse("compliance:ho_representation", args=[sent.reference]) in page
    services.case_assign(case=sent, assignee=caseworker, actor=caseworker)
    assert CaseAssignment.objects.get().case_type == CaseType.REPRESENTATION


def test_a_representation_page_carries_the_case_panel(client, sponsor, level_1, caseworker):
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="officer@ho.example")
    licence_suspend(licence=sponsor.licence, actor=officer, reason="Missing records")
    sponsor.refresh_from_db()
    sent = representations_submit(sponsor=sponsor, actor=level_1, text="We have fixed our records")
    sign_in(client, caseworker)
    page = client.get(reverse("compliance:ho_representation", args=[sent.reference])).content.decode()
    assert reverse("casework:note", args=["representation", sent.pk]) in page


def test_the_sponsor_view_lists_its_visits_and_action_plans_with_links(client, sponsor, caseworker):
    """The staff view of a sponsor is complete (issue 11): visits and action plans, each with its
    status and dates and a link to its own page; another sponsor's are not listed."""
    from sms.compliance.services import route_rate
    from sms.visits.services import visit_plan, visit_record

    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="officer@ho.example")
    planned = visit_plan(
        sponsor=sponsor, actor=officer, visit_date=date.today() + timedelta(days=10), announced=True, officer=officer
    )
    done = visit_plan(sponsor=sponsor, actor=officer, visit_date=date.today(), announced=False, officer=officer)
    visit_record(
        visit=done, actor=officer, visit_date=date.today(), officer=officer, findings="In order", outcome="compliant"
    )
    held = sponsor.licence.routes.first()
    route_rate(licence_route=held, rating=Rating.B, actor=officer, reason="Late reports", required_actions="Train")
    plan = sponsor.action_plans.get()
    sign_in(client, caseworker)
    visits = client.get(reverse("casework:sponsor_tab", args=[sponsor.uuid, "visits"])).content.decode()
    assert reverse("visits:detail", args=[planned.uuid]) in visits
    assert reverse("visits:detail", args=[done.uuid]) in visits
    assert "Planned" in visits
    assert "Completed" in visits
    assert "Compliant: no action" in visits
    assert (date.today() + timedelta(days=10)).strftime("%-d %B %Y") in visits
    plans = client.get(reverse("casework:sponsor_tab", args=[sponsor.uuid, "action-plans"])).content.decode()
    assert reverse("compliance:ho_action_plan", args=[plan.reference]) in plans
    assert "Waiting for payment" in plans
    assert plan.payment_due.strftime("%-d %B %Y") in plans
    assert "0 of 1" in plans
    summary = client.get(reverse("casework:sponsor", args=[sponsor.uuid])).content.decode()
    assert reverse("casework:sponsor_tab", args=[sponsor.uuid, "visits"]) in summary
    assert reverse("casework:sponsor_tab", args=[sponsor.uuid, "action-plans"]) in summary
