"""What a sponsor keeps of its compliance history: every action plan, past and current, and its own
representations with the evidence it sent (another sponsor's answer 404)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.compliance import services
from sms.compliance.models import ActionPlan
from sms.licensing.models import Rating
from sms.licensing.services.licence import licence_suspend

PDF = b"%PDF-1.4\n%%EOF\n"


def _downgrade(sponsor, officer, reason):
    services.route_rate(
        licence_route=sponsor.licence.routes.get(),
        rating=Rating.B,
        actor=officer,
        reason=reason,
        required_actions="Complete right to work checks",
    )
    return ActionPlan.objects.filter(sponsor=sponsor).first()


def test_the_sponsor_lists_past_and_current_action_plans(client, level_1, level_2, compliance_officer):
    sponsor = level_1.sponsor
    first = _downgrade(sponsor, compliance_officer, "Late reports")
    ActionPlan.objects.filter(pk=first.pk).update(status=ActionPlan.Status.IN_PROGRESS)
    services.action_plan_decide(plan=first, actor=compliance_officer, outcome="restore", reason="All done")
    second = _downgrade(sponsor, compliance_officer, "Late again")
    assert first != second

    for user in (level_1, level_2):
        sign_in(client, user)
        page = client.get(reverse("compliance:action_plans")).content.decode()
        assert reverse("compliance:action_plan", args=[first.reference]) in page
        assert reverse("compliance:action_plan", args=[second.reference]) in page
        assert "Completed: A rating restored" in page
        assert "Waiting for payment" in page
        client.logout()

    sign_in(client, level_1)
    # Reachable from the licence summary and from a plan's own page.
    assert reverse("compliance:action_plans") in client.get(reverse("portal:licence_summary")).content.decode()
    plan_page = client.get(reverse("compliance:action_plan", args=[first.reference])).content.decode()
    assert reverse("compliance:action_plans") in plan_page


def test_another_sponsors_plans_are_not_listed(client, level_1, other_level_1, compliance_officer):
    plan = _downgrade(level_1.sponsor, compliance_officer, "Late reports")
    sign_in(client, other_level_1)
    page = client.get(reverse("compliance:action_plans")).content.decode()
    assert plan.reference not in page
    assert "You have had no action plans" in page


def test_the_sponsor_downloads_the_evidence_of_its_own_representations(
    client, level_1, other_level_1, compliance_officer
):
    sponsor = level_1.sponsor
    licence_suspend(licence=sponsor.licence, actor=compliance_officer, reason="Missing records")
    sponsor.refresh_from_db()
    representation = services.representations_submit(
        sponsor=sponsor,
        actor=level_1,
        text="We have fixed our records",
        uploads=[SimpleUploadedFile("records.pdf", PDF)],
    )
    document = representation.evidence.get()
    detail = reverse("compliance:representation", args=[representation.reference])
    download = reverse("compliance:representation_evidence", args=[representation.reference, document.uuid])

    sign_in(client, level_1)
    assert detail in client.get(reverse("portal:licence_summary")).content.decode()
    page = client.get(detail).content.decode()
    assert "We have fixed our records" in page
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(verb=Verb.DOCUMENT_DOWNLOADED, sponsor=sponsor).exists()
    client.logout()

    sign_in(client, other_level_1)
    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404


def test_a_downgrade_is_told_once_with_its_plan_and_fee(level_1, compliance_officer):
    """The downgrade notice names the plan; the fee reminder follows; no bare "rating changed" copy."""
    from sms.notifications.models import Notice

    _downgrade(level_1.sponsor, compliance_officer, "Late reports")
    subjects = sorted(Notice.objects.filter(sponsor=level_1.sponsor).values_list("subject", flat=True))
    assert len(subjects) == 2
    assert any("downgraded to B" in subject for subject in subjects)
    assert any("fee" in subject for subject in subjects)
