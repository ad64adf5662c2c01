"""Representations against a suspension, and what a revocation does."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.compliance import selectors, services
from sms.compliance.models import ActionPlan, Representation
from sms.core.exceptions import DomainError
from sms.licensing.models import Licence
from sms.licensing.services import applications
from sms.licensing.services.licence import licence_revoke, licence_suspend
from sms.notifications.models import Notice, OutboundEmail
from sms.reporting.services.facts import person_register_from_certificate

PDF = b"%PDF-1.4\n%%EOF\n"


def suspend(sponsor, officer):
    return licence_suspend(licence=sponsor.licence, actor=officer, reason="Missing records")


def test_representations_land_in_the_queue_and_lifting_reinstates(client, level_1, compliance_officer):
    sponsor = level_1.sponsor
    with pytest.raises(DomainError, match="not suspended"):
        services.representations_submit(sponsor=sponsor, actor=level_1, text="x")
    suspend(sponsor, compliance_officer)
    sign_in(client, level_1)
    assert "Respond to the suspension" in client.get(reverse("portal:licence_summary")).content.decode()

    response = client.post(
        reverse("compliance:representations"),
        {"text": "We have fixed our records", "evidence": SimpleUploadedFile("records.pdf", PDF)},
    )

    assert response.status_code == 302
    representation = Representation.objects.get()
    assert not representation.late
    assert representation.evidence.count() == 1
    assert list(selectors.representations_awaiting_decision()) == [representation]
    with pytest.raises(DomainError, match="already made representations"):
        services.representations_submit(sponsor=sponsor, actor=level_1, text="Again")

    services.representation_decide(
        representation=representation, actor=compliance_officer, outcome="lift", reason="Records now kept"
    )

    assert Licence.objects.get(sponsor=sponsor).status == Licence.Status.ACTIVE
    assert list(selectors.representations_awaiting_decision()) == []
    assert Notice.objects.filter(sponsor=sponsor, subject="Your sponsor licence suspension has been lifted").exists()
    assert OutboundEmail.objects.filter(to=level_1.email, subject__contains="suspension has been lifted").exists()


def test_late_representations_are_received_and_flagged(level_1, compliance_officer):
    sponsor = level_1.sponsor
    suspend(sponsor, compliance_officer)
    Licence.objects.filter(pk=sponsor.licence.pk).update(suspension_response_due=date(2020, 1, 1))
    sponsor.refresh_from_db()
    representation = services.representations_submit(sponsor=sponsor, actor=level_1, text="Sorry we are late")
    assert representation.late


def test_revoking_on_representations_ends_access_and_is_told(client, level_1, compliance_officer):
    sponsor = level_1.sponsor
    suspend(sponsor, compliance_officer)
    representation = services.representations_submit(sponsor=sponsor, actor=level_1, text="Please reconsider")
    services.representation_decide(
        representation=representation, actor=compliance_officer, outcome="revoke", reason="Not convinced"
    )
    assert Licence.objects.get(sponsor=sponsor).status == Licence.Status.REVOKED
    assert Notice.objects.filter(sponsor=sponsor, kind="sanction", subject__contains="revoked").exists()
    assert sign_in(client, level_1).status_code == 200  # refused: the licence has ended


def test_staff_see_the_workers_a_revocation_affects(client, level_1, compliance_officer):
    sponsor = level_1.sponsor
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Okafor"), actor=level_1)
    person_register_from_certificate(certificate=certificate, actor=level_1)
    licence_revoke(licence=sponsor.licence, actor=compliance_officer, reason="Fraud")
    sign_in(client, compliance_officer)
    page = client.get(reverse("compliance:ho_affected_workers", args=[sponsor.uuid])).content.decode()
    assert "Okafor" in page
    assert certificate.reference in page


def _apply_as(name: str, number: str = ""):
    application = applications.application_start()
    answers = {
        "organisation": {"name": name, "registered_number": number},
        "size": {"size": "small"},
        "routes": {"routes": ["skilled_worker"]},
        "authorising_officer": {
            "given_name": "Ada",
            "family_name": "Ng",
            "email": "ada@new.example",
            "declared_uk_based": True,
            "declared_no_unspent_convictions": True,
            "declared_not_bankrupt": True,
        },
        "key_contact": {"same_as": "authorising_officer"},
        "level_1": {"same_as": "authorising_officer"},
    }
    for section, value in answers.items():
        applications.application_save_answers(application=application, section=section, answers=value)
    applications.application_add_document(application=application, upload=SimpleUploadedFile("a.pdf", PDF))
    return application


def test_a_revoked_organisation_cannot_apply_until_the_cooling_off_period_ends(level_1, compliance_officer):
    sponsor = level_1.sponsor
    sponsor.registered_number = "01234567"
    sponsor.save()
    revoked_on = date.today() - timedelta(days=10)
    ends = revoked_on + relativedelta(months=12)
    licence_revoke(licence=sponsor.licence, actor=compliance_officer, reason="Fraud", on=revoked_on)

    by_number = _apply_as("Renamed Care Ltd", "01234567")
    by_name = _apply_as(" acme care ltd ")
    for application in (by_number, by_name):
        with pytest.raises(DomainError, match=f"cannot apply for a new licence until {ends:%-d %B %Y}"):
            applications.application_submit(application=application, declaration_confirmed=True)

    assert applications.cooling_off_ends(by_number.answers, ends) is None
    assert applications.cooling_off_ends(_apply_as("Someone Else Ltd", "7654321").answers, date.today()) is None


@pytest.mark.parametrize(("page", "status"), [("licensing:ho_reinstate", "lifted"), ("licensing:ho_revoke", "revoked")])
def test_lifting_or_revoking_from_the_licence_page_closes_the_representations(
    client, level_1, compliance_officer, page, status
):
    """Whichever page lifts or revokes the suspension, the representations against it are decided
    with it (one path through the licence's status change), audited, and leave the queue."""
    sponsor = level_1.sponsor
    suspend(sponsor, compliance_officer)
    sponsor.refresh_from_db()
    representation = services.representations_submit(sponsor=sponsor, actor=level_1, text="Please reconsider")
    sign_in(client, compliance_officer)

    response = client.post(reverse(page, args=[sponsor.uuid]), {"reason": "Decided on the licence page"})

    assert response.status_code == 302
    representation.refresh_from_db()
    assert representation.status == status
    assert representation.decided_by == compliance_officer
    assert representation.decision_reason == "Decided on the licence page"
    assert list(selectors.representations_awaiting_decision()) == []
    assert AuditEvent.objects.filter(verb=Verb.REPRESENTATIONS_DECIDED, sponsor=sponsor).count() == 1


def test_revoking_from_the_licence_page_ends_open_action_plans(client, level_1, compliance_officer):
    sponsor = level_1.sponsor
    services.route_rate(
        licence_route=sponsor.licence.routes.get(),
        rating="b",
        actor=compliance_officer,
        reason="Late reports",
        required_actions="Report on time",
    )
    plan = ActionPlan.objects.get(sponsor=sponsor)
    sign_in(client, compliance_officer)
    client.post(reverse("licensing:ho_revoke", args=[sponsor.uuid]), {"reason": "Serious breaches"})
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.REVOKED


def test_one_decision_is_told_once(level_1, compliance_officer):
    """Deciding representations tells the sponsor once (not again as a bare licence notice)."""
    sponsor = level_1.sponsor
    suspend(sponsor, compliance_officer)
    sponsor.refresh_from_db()
    representation = services.representations_submit(sponsor=sponsor, actor=level_1, text="Please reconsider")
    before = Notice.objects.filter(sponsor=sponsor).count()
    services.representation_decide(
        representation=representation, actor=compliance_officer, outcome="lift", reason="Records now kept"
    )
    assert Notice.objects.filter(sponsor=sponsor).count() == before + 1
