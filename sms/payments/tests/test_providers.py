"""Payments against the GOV.UK Pay stand-in, and the sandbox provider."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sms.audit.models import AuditEvent
from sms.core.exceptions import DomainError
from sms.payments.models import Payment, SandboxPayment
from sms.payments.providers import GovukPayProvider, PaymentProviderError
from sms.payments.services import payment_confirm, payment_start, payments_reconcile
from sms.payments.tests.standin import API_KEY, StandInPay


@pytest.fixture
def pay(settings):
    with StandInPay() as stand_in:
        settings.PAYMENT_PROVIDER = "govuk_pay"
        settings.GOVUK_PAY_URL = stand_in.url
        settings.GOVUK_PAY_API_KEY = API_KEY
        settings.GOVUK_PAY_TIMEOUT_SECONDS = 5
        yield stand_in


def start(sponsor, level_1):
    return payment_start(
        sponsor=sponsor,
        purpose=Payment.Purpose.ACTION_PLAN,
        subject_reference="APTEST",
        amount_pence=157900,
        description="Action plan APTEST fee",
        return_url="https://sms.example/return/",
        actor=level_1,
    )


def test_a_payment_is_created_with_the_documented_request_and_the_key(pay, sponsor, level_1):
    payment = start(sponsor, level_1)

    method, path, body, authorisation = pay.requests[0]
    assert (method, path, authorisation) == ("POST", "/v1/payments", f"Bearer {API_KEY}")
    assert body == {
        "amount": 157900,
        "reference": payment.reference,
        "description": "Action plan APTEST fee",
        "return_url": "https://sms.example/return/",
    }
    assert payment.provider == "govuk_pay"
    assert payment.next_url == f"{pay.url}/secure/{payment.provider_id}"
    assert payment.status == Payment.Status.STARTED


@pytest.mark.parametrize(
    ("state", "status"),
    [("success", "success"), ("failed", "failed"), ("cancelled", "cancelled"), ("error", "error")],
)
def test_the_status_is_what_the_provider_says(pay, sponsor, level_1, state, status):
    payment = start(sponsor, level_1)
    pay.set_state(payment.provider_id, state)

    confirmed = payment_confirm(payment=payment)

    assert confirmed.status == status
    assert confirmed.is_paid is (state == "success")
    assert confirmed.confirmed_at is not None


def test_an_unfinished_payment_stays_waiting(pay, sponsor, level_1):
    payment = start(sponsor, level_1)
    pay.set_state(payment.provider_id, "submitted")

    assert payment_confirm(payment=payment).status == Payment.Status.STARTED
    assert Payment.objects.get().provider_status == "submitted"


def test_reconcile_finishes_payments_whose_payer_never_came_back(pay, sponsor, level_1):
    paid, abandoned, waiting = start(sponsor, level_1), start(sponsor, level_1), start(sponsor, level_1)
    pay.set_state(paid.provider_id, "success")
    pay.set_state(abandoned.provider_id, "failed")  # GOV.UK Pay expires an abandoned payment

    counts = payments_reconcile(older_than=timedelta(0))

    assert counts == {"checked": 3, "finished": 2, "unreachable": 0}
    assert {p.reference: p.status for p in Payment.objects.all()} == {
        paid.reference: "success",
        abandoned.reference: "failed",
        waiting.reference: "started",
    }


def test_a_wrong_key_or_an_unreachable_provider_records_nothing(pay, settings, sponsor, level_1):
    settings.GOVUK_PAY_API_KEY = "wrong"
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError, match="not available"):
        start(sponsor, level_1)
    settings.GOVUK_PAY_API_KEY = API_KEY
    settings.GOVUK_PAY_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(PaymentProviderError):
        start(sponsor, level_1)
    assert Payment.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_an_unknown_state_is_not_believed(pay):
    provider = GovukPayProvider(base_url=pay.url, api_key=API_KEY, timeout=5)
    created = provider.create(amount_pence=100, reference="R", description="D", return_url="https://x.example/")
    pay.set_state(created.provider_id, "paid-in-full")
    with pytest.raises(PaymentProviderError):
        provider.state(created.provider_id)


def test_the_sandbox_pay_page_takes_the_payers_choice_and_goes_back(client, settings, sponsor, level_1):
    settings.PAYMENT_PROVIDER = "sandbox"
    payment = start(sponsor, level_1)
    assert payment.next_url == reverse("payments:sandbox_pay", args=[payment.provider_id])
    page = client.get(payment.next_url)
    assert "Pay £1,579" in page.content.decode()

    response = client.post(payment.next_url, {"choice": "cancel"})

    assert response.status_code == 302
    assert response["Location"] == "https://sms.example/return/"
    assert payment_confirm(payment=payment).status == Payment.Status.CANCELLED
    # A finished sandbox payment cannot be paid afterwards.
    client.post(payment.next_url, {"choice": "pay"})
    assert SandboxPayment.objects.get().state == "cancelled"


def test_the_sandbox_page_does_not_exist_with_another_provider(client, settings, sponsor, level_1):
    payment = start(sponsor, level_1)
    settings.PAYMENT_PROVIDER = "govuk_pay"
    assert client.get(payment.next_url).status_code == 404
