from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sms.accounts.models import User
from sms.audit.models import AuditEvent, Verb
from sms.core.exceptions import DomainError
from sms.notifications.models import Notice, OutboundEmail
from sms.visits.models import ComplianceVisit
from sms.visits.services import visit_plan, visit_record
from tests.factories import make_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="officer@ho.example")


def plan(sponsor, officer, *, announced=False, days=10):
    return visit_plan(
        actor=officer,
        sponsor=sponsor,
        visit_date=date.today() + timedelta(days=days),
        announced=announced,
        officer=officer,
    )


def test_an_unannounced_visit_is_audited_and_not_told_to_the_sponsor(sponsor, level_1, officer):
    visit = plan(sponsor, officer)
    assert visit.status == ComplianceVisit.Status.PLANNED
    assert AuditEvent.objects.filter(verb=Verb.COMPLIANCE_VISIT_PLANNED, sponsor=sponsor).exists()
    assert not Notice.objects.filter(sponsor=sponsor).exists()
    assert not OutboundEmail.objects.filter(to=level_1.email).exists()


def test_an_announced_visit_is_posted_on_the_board_and_emailed_to_level_1_users(sponsor, level_1, level_2, officer):
    plan(sponsor, officer, announced=True)
    assert Notice.objects.get(sponsor=sponsor).subject.startswith("Compliance visit on")
    assert OutboundEmail.objects.filter(to=level_1.email).exists()
    assert not OutboundEmail.objects.filter(to=level_2.email).exists()


def test_the_officer_must_be_staff_who_make_visits(sponsor, officer, caseworker):
    with pytest.raises(DomainError):
        visit_plan(actor=officer, sponsor=sponsor, visit_date=date.today(), announced=True, officer=caseworker)


def test_a_caseworker_cannot_plan_a_visit(sponsor, officer, caseworker):
    with pytest.raises(PermissionDenied):
        visit_plan(actor=caseworker, sponsor=sponsor, visit_date=date.today(), announced=True, officer=officer)


def test_recording_completes_the_visit_once(sponsor, officer):
    visit = plan(sponsor, officer, days=0)
    visit_record(
        actor=officer,
        visit=visit,
        visit_date=date.today(),
        officer=officer,
        findings="Right to work checks missing for two workers",
        outcome=ComplianceVisit.Outcome.ACTION_PLAN,
        linked_actions="Action plan for Skilled Worker",
    )
    visit.refresh_from_db()
    assert visit.status == ComplianceVisit.Status.COMPLETED
    assert visit.outcome == "action_plan"
    assert AuditEvent.objects.filter(verb=Verb.COMPLIANCE_VISIT_RECORDED).count() == 1
    with pytest.raises(DomainError, match="already been recorded"):
        visit_record(
            actor=officer, visit=visit, visit_date=date.today(), officer=officer, findings="x", outcome="compliant"
        )


def test_a_visit_cannot_be_recorded_as_made_in_the_future(sponsor, officer):
    visit = plan(sponsor, officer)
    with pytest.raises(DomainError, match="today or in the past"):
        visit_record(
            actor=officer, visit=visit, visit_date=visit.visit_date, officer=officer, findings="x", outcome="compliant"
        )


def test_the_pages_plan_record_and_list_visits(client, sponsor, officer):
    client.force_login(officer)
    response = client.post(
        reverse("visits:plan", kwargs={"uuid": sponsor.uuid}),
        {"visit_date": date.today().strftime("%d/%m/%Y"), "announced": "no", "officer": officer.pk},
    )
    visit = ComplianceVisit.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("visits:record", kwargs={"uuid": visit.uuid}),
        {
            "visit_date": date.today().strftime("%d/%m/%Y"),
            "officer": officer.pk,
            "findings": "All in order",
            "outcome": "compliant",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("visits:list")).content.decode()
    assert sponsor.name in page
    assert "Compliant: no action" in page
    assert date.today().strftime("%-d %B %Y") in page


def test_an_empty_record_form_names_its_fields(client, sponsor, officer):
    visit = plan(sponsor, officer)
    client.force_login(officer)
    response = client.post(reverse("visits:record", kwargs={"uuid": visit.uuid}), {})
    assert "Enter the findings" in response.content.decode()
    assert "Select the outcome" in response.content.decode()


def test_the_visit_list_takes_a_constant_number_of_queries(client, sponsor, officer, django_assert_max_num_queries):
    for days in range(1, 30):
        plan(sponsor, officer, days=days)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("visits:list")).status_code == 200


def test_the_outcome_of_a_visit_is_told_to_the_sponsor_without_the_findings(sponsor, level_1, officer):
    visit = plan(sponsor, officer, days=0)
    visit_record(
        actor=officer,
        visit=visit,
        visit_date=date.today(),
        officer=officer,
        findings="OFFICER-ONLY-FINDINGS",
        outcome=ComplianceVisit.Outcome.COMPLIANT,
    )
    notice = Notice.objects.get(sponsor=sponsor)
    assert notice.subject.endswith("Compliant: no action")
    assert "OFFICER-ONLY-FINDINGS" not in notice.body
    assert OutboundEmail.objects.filter(to=level_1.email).exists()
