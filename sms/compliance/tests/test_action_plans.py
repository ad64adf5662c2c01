"""The action plan lifecycle: downgrade, fee, payment (success, failure, abandonment against the
GOV.UK Pay stand-in), progress with evidence, and the Home Office review."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sms.accounts.tests.helpers import sign_in
from sms.compliance import services
from sms.compliance.models import ActionPlan, RequiredAction
from sms.core.exceptions import DomainError
from sms.core.selectors import fee_amount, working_day_deadline
from sms.licensing.models import Licence, Rating, Route
from sms.licensing.services.licence import licence_revoke
from sms.notifications.models import Notice, OutboundEmail
from sms.payments.models import Payment
from sms.payments.services import payments_reconcile
from sms.payments.tests.standin import API_KEY, StandInPay

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def pay(settings):
    with StandInPay() as stand_in:
        settings.PAYMENT_PROVIDER = "govuk_pay"
        settings.GOVUK_PAY_URL = stand_in.url
        settings.GOVUK_PAY_API_KEY = API_KEY
        yield stand_in


def downgrade(sponsor, officer) -> ActionPlan:
    services.route_rate(
        licence_route=sponsor.licence.routes.get(),
        rating=Rating.B,
        actor=officer,
        reason="Right to work checks missing for 3 workers",
        required_actions="Complete right to work checks\nTrain HR staff",
    )
    return ActionPlan.objects.get(sponsor=sponsor)


def pay_through_pages(client, plan, pay, state):
    """The Level 1 user presses Pay, 'pays' on the provider's page, and comes back."""
    response = client.post(reverse("compliance:action_plan_pay", args=[plan.reference]))
    payment = Payment.objects.filter(subject_reference=plan.reference).first()
    assert response["Location"] == payment.next_url
    if state:
        pay.set_state(payment.provider_id, state)
    # What the browser brings back is ignored: only the provider's answer counts.
    return client.get(reverse("compliance:action_plan_paid", args=[plan.reference]) + "?status=success", follow=True)


def test_a_downgrade_sets_a_plan_with_its_fee_deadline_and_duration(level_1, compliance_officer):
    sponsor = level_1.sponsor
    plan = downgrade(sponsor, compliance_officer)

    today = timezone.localdate()
    assert sponsor.licence.routes.get().rating == Rating.B
    assert plan.status == ActionPlan.Status.AWAITING_PAYMENT
    assert plan.fee_pence == 157900
    assert plan.payment_due == working_day_deadline(today, 10, nation=sponsor.licence.nation)
    assert plan.ends_on == today + relativedelta(months=3)
    assert [a.description for a in plan.actions.all()] == ["Complete right to work checks", "Train HR staff"]
    subjects = set(Notice.objects.filter(sponsor=sponsor).values_list("subject", flat=True))
    assert "Your Skilled Worker rating has been downgraded to B" in subjects
    assert any(subject.startswith("Action plan fee of £1,579 due by") for subject in subjects)
    assert OutboundEmail.objects.filter(to=level_1.email, subject__contains="downgraded to B").exists()


def test_the_fee_is_effective_dated(db):
    assert fee_amount(kind="action_plan", sponsor_size="small", on=date(2025, 4, 8)) == 147600
    assert fee_amount(kind="action_plan", sponsor_size="large", on=date(2025, 4, 9)) == 157900


def test_a_downgrade_needs_required_actions_and_one_open_plan_per_route(level_1, compliance_officer):
    held = level_1.sponsor.licence.routes.get()
    with pytest.raises(DomainError, match="Enter the actions"):
        services.route_rate(licence_route=held, rating=Rating.B, actor=compliance_officer, reason="x")
    assert held.licence.routes.get().rating == Rating.A
    downgrade(level_1.sponsor, compliance_officer)
    with pytest.raises(DomainError, match="open action plan"):
        services.route_rate(licence_route=held, rating=Rating.A, actor=compliance_officer, reason="x")


def test_paying_then_progress_then_restore(client, pay, level_1, compliance_officer):
    plan = downgrade(level_1.sponsor, compliance_officer)
    sign_in(client, level_1)
    first = plan.actions.get(number=1)
    with pytest.raises(DomainError, match="Pay the action plan fee"):
        services.action_progress_record(action=first, actor=level_1, progress="done", notes="Done")

    page = pay_through_pages(client, plan, pay, "success").content.decode()

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.IN_PROGRESS
    assert "Payment received" in page
    assert f"paid on {timezone.localdate():%-d %B %Y}" in page
    for action in plan.actions.all():
        response = client.post(
            reverse("compliance:action_progress", args=[plan.reference, action.number]),
            {"progress": "done", "notes": "Checks done", "evidence": SimpleUploadedFile("proof.pdf", PDF)},
        )
        assert response.status_code == 302
    assert set(RequiredAction.objects.values_list("progress", flat=True)) == {"done"}
    assert first.evidence.count() == 1

    services.action_plan_decide(plan=plan, actor=compliance_officer, outcome="restore", reason="All done")

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RESTORED
    assert level_1.sponsor.licence.routes.get().rating == Rating.A
    assert Notice.objects.filter(subject__contains="rating is A again").exists()


@pytest.mark.parametrize("state", ["failed", "cancelled"])
def test_a_failed_or_cancelled_payment_leaves_the_plan_waiting_for_payment(
    client, pay, level_1, compliance_officer, state
):
    plan = downgrade(level_1.sponsor, compliance_officer)
    sign_in(client, level_1)

    page = pay_through_pages(client, plan, pay, state).content.decode()

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.AWAITING_PAYMENT
    assert "Your payment was not completed" in page
    assert "not paid, due by" in page
    # The user may try again, and this time pays.
    pay_through_pages(client, plan, pay, "success")
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.IN_PROGRESS
    assert Payment.objects.filter(subject_reference=plan.reference, status="success").count() == 1


def test_an_abandoned_payment_stays_unpaid_until_the_provider_says_otherwise(client, pay, level_1, compliance_officer):
    plan = downgrade(level_1.sponsor, compliance_officer)
    sign_in(client, level_1)

    page = pay_through_pages(client, plan, pay, None).content.decode()  # the payer wandered off

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.AWAITING_PAYMENT
    assert "has not finished yet" in page
    payment = Payment.objects.get()
    pay.set_state(payment.provider_id, "failed")  # GOV.UK Pay expires it after 90 minutes
    payments_reconcile(older_than=timedelta(0))
    payment.refresh_from_db()
    plan.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert plan.status == ActionPlan.Status.AWAITING_PAYMENT


def test_a_payment_finished_late_is_found_before_paying_again(pay, level_1, compliance_officer):
    plan = downgrade(level_1.sponsor, compliance_officer)
    first = services.action_plan_payment_start(plan=plan, actor=level_1, return_url="https://sms.example/r/")
    pay.set_state(first.provider_id, "success")  # paid, but the payer never came back

    with pytest.raises(DomainError, match="already been paid"):
        services.action_plan_payment_start(plan=plan, actor=level_1, return_url="https://sms.example/r/")
    assert Payment.objects.count() == 1


def test_extend_and_revoke(pay, level_1, compliance_officer):
    plan = downgrade(level_1.sponsor, compliance_officer)
    with pytest.raises(DomainError, match="in progress"):
        services.action_plan_decide(
            plan=plan, actor=compliance_officer, outcome="extend", reason="More time", new_end_date=plan.ends_on
        )
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.IN_PROGRESS)
    with pytest.raises(DomainError, match="must be after"):
        services.action_plan_decide(
            plan=plan, actor=compliance_officer, outcome="extend", reason="More time", new_end_date=plan.ends_on
        )
    later = plan.ends_on + timedelta(days=30)
    services.action_plan_decide(
        plan=plan, actor=compliance_officer, outcome="extend", reason="More time", new_end_date=later
    )
    plan.refresh_from_db()
    assert plan.ends_on == later

    services.action_plan_decide(plan=plan, actor=compliance_officer, outcome="revoke", reason="Not done")

    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.REVOKED
    assert Licence.objects.get(sponsor=level_1.sponsor).status == Licence.Status.REVOKED


def test_a_revoked_licence_offers_no_rating_change(client, level_1, compliance_officer):
    sponsor = level_1.sponsor
    licence_revoke(licence=sponsor.licence, actor=compliance_officer, reason="Fraud")
    with pytest.raises(DomainError, match="revoked: its ratings cannot change"):
        services.route_rate(
            licence_route=sponsor.licence.routes.get(),
            rating=Rating.B,
            actor=compliance_officer,
            reason="x",
            required_actions="y",
        )
    sign_in(client, compliance_officer)
    page = client.get(reverse("licensing:ho_sponsor", args=[sponsor.uuid])).content.decode()
    assert reverse("compliance:ho_route_rating", args=[sponsor.uuid, Route.SKILLED_WORKER]) not in page


def test_the_sponsor_sees_why_on_the_licence_summary(client, level_1, compliance_officer):
    plan = downgrade(level_1.sponsor, compliance_officer)
    sign_in(client, level_1)
    page = client.get(reverse("portal:licence_summary")).content.decode()
    assert "Right to work checks missing for 3 workers" in page
    assert reverse("compliance:action_plan", args=[plan.reference]) in page


def test_the_rating_page_downgrades_with_actions(client, level_1, compliance_officer):
    sponsor = level_1.sponsor
    sign_in(client, compliance_officer)
    url = reverse("compliance:ho_route_rating", args=[sponsor.uuid, Route.SKILLED_WORKER])
    page = client.post(url, {"rating": Rating.B, "reason": "Record keeping"}).content.decode()
    assert "Enter the actions the sponsor must take" in page
    client.post(url, {"rating": Rating.B, "reason": "Record keeping", "required_actions": "Fix records"})
    assert sponsor.licence.routes.get().rating == Rating.B
    assert ActionPlan.objects.get(sponsor=sponsor).actions.get().description == "Fix records"
    assert client.get(reverse("compliance:ho_route_rating", args=[sponsor.uuid, Route.STUDENT])).status_code == 404
