"""Every fee the service takes goes through the one provider interface (issue 11): the licence
application fee, the renewal fee and the priority service fee, each against the local stand-in for
GOV.UK Pay's REST API. What the fee is for waits for payment until the provider says it was paid;
a failed, cancelled or abandoned payment leaves it waiting (never "paid"), and it can be paid again.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from sms.audit.models import AuditEvent, Verb
from sms.casework.queues import case_list
from sms.certificates.models import AllocationRequest
from sms.certificates.services import allocations
from sms.core.exceptions import DomainError
from sms.licensing.models import Licence, LicenceApplication, SponsorRequest
from sms.licensing.services import applications
from sms.licensing.services import requests as sponsor_requests
from sms.licensing.tests.test_applications import complete_answers, pdf
from sms.payments.models import Payment
from sms.payments.services import payments_reconcile
from sms.payments.tests.standin import API_KEY, StandInPay

RETURN_URL = "https://sms.example/payment-return/"


@pytest.fixture
def pay(settings):
    with StandInPay() as stand_in:
        settings.PAYMENT_PROVIDER = "govuk_pay"
        settings.GOVUK_PAY_URL = stand_in.url
        settings.GOVUK_PAY_API_KEY = API_KEY
        settings.GOVUK_PAY_TIMEOUT_SECONDS = 5
        yield stand_in


@dataclass
class Fee:
    """One kind of fee: how to make the thing it is for, start and confirm its payment, and what
    status it has waiting and once paid."""

    purpose: str
    amount_pence: int
    make: object
    start: object
    confirm: object
    waiting: str
    paid: str
    paid_verb: str


def _application(level_1):
    application = applications.application_start()
    for section, answers in complete_answers().items():
        applications.application_save_answers(application=application, section=section, answers=answers)
    applications.application_add_document(application=application, upload=pdf())
    return applications.application_submit(application=application, declaration_confirmed=True)


def _renewal(level_1):
    Licence.objects.filter(sponsor=level_1.sponsor).update(expiry_date=timezone.localdate() + timedelta(days=30))
    level_1.sponsor.licence.refresh_from_db()
    return sponsor_requests.renewal_request_submit(sponsor=level_1.sponsor, actor=level_1, declaration_confirmed=True)


def _priority_request(level_1):
    return allocations.allocation_request_submit(
        sponsor=level_1.sponsor,
        actor=level_1,
        kind="increase",
        requested={"worker": 2},
        justification="A new contract",
        priority=True,
    )


FEES = {
    "application": Fee(
        purpose=Payment.Purpose.LICENCE_APPLICATION,
        amount_pence=57400,  # small sponsor, Worker licence, from 9 April 2025
        make=_application,
        start=lambda case, actor: applications.application_payment_start(application=case, return_url=RETURN_URL),
        confirm=lambda case: applications.application_payment_confirm(application=case),
        waiting=LicenceApplication.Status.AWAITING_PAYMENT,
        paid=LicenceApplication.Status.SUBMITTED,
        paid_verb=Verb.APPLICATION_FEE_PAID,
    ),
    "renewal": Fee(
        purpose=Payment.Purpose.LICENCE_RENEWAL,
        amount_pence=157900,  # medium or large sponsor, from 9 April 2025
        make=_renewal,
        start=lambda case, actor: sponsor_requests.renewal_payment_start(
            request=case, actor=actor, return_url=RETURN_URL
        ),
        confirm=lambda case: sponsor_requests.renewal_payment_confirm(request=case),
        waiting=SponsorRequest.Status.AWAITING_PAYMENT,
        paid=SponsorRequest.Status.SUBMITTED,
        paid_verb=Verb.REQUEST_FEE_PAID,
    ),
    "priority": Fee(
        purpose=Payment.Purpose.ALLOCATION_PRIORITY,
        amount_pence=35000,  # from 11 November 2025
        make=_priority_request,
        start=lambda case, actor: allocations.allocation_priority_payment_start(
            request=case, actor=actor, return_url=RETURN_URL
        ),
        confirm=lambda case: allocations.allocation_priority_payment_confirm(request=case),
        waiting=AllocationRequest.Status.AWAITING_PAYMENT,
        paid=AllocationRequest.Status.SUBMITTED,
        paid_verb=Verb.ALLOCATION_PRIORITY_FEE_PAID,
    ),
}


def in_home_office_queue(case) -> bool:
    return case.reference in {row["c_ref"] for row in case_list()}


@pytest.mark.parametrize("kind", FEES)
def test_a_paid_fee_sends_the_case_to_the_home_office(pay, level_1, kind):
    fee = FEES[kind]
    case = fee.make(level_1)
    assert case.status == fee.waiting
    assert not in_home_office_queue(case)

    payment = fee.start(case, level_1)
    method, path, body, _ = pay.requests[-1]
    assert (method, path) == ("POST", "/v1/payments")
    assert body["amount"] == fee.amount_pence
    assert body["reference"] == payment.reference
    assert payment.purpose == fee.purpose
    assert payment.subject_reference == case.reference
    pay.set_state(payment.provider_id, "success")

    confirmed = fee.confirm(case)

    case.refresh_from_db()
    assert confirmed.is_paid
    assert case.status == fee.paid
    assert case.payment_reference == payment.reference
    assert in_home_office_queue(case)
    assert AuditEvent.objects.filter(verb=fee.paid_verb).count() == 1
    with pytest.raises(DomainError):
        fee.start(case, level_1)  # nothing left to pay: never taken twice


@pytest.mark.parametrize("kind", FEES)
@pytest.mark.parametrize("state", ["failed", "cancelled", "error"])
def test_a_failed_or_cancelled_payment_leaves_the_case_waiting_and_it_can_be_paid_again(pay, level_1, kind, state):
    fee = FEES[kind]
    case = fee.make(level_1)
    first = fee.start(case, level_1)
    pay.set_state(first.provider_id, state)

    outcome = fee.confirm(case)

    case.refresh_from_db()
    assert outcome.status == state
    assert not outcome.is_paid
    assert case.status == fee.waiting
    assert not case.payment_reference
    assert not in_home_office_queue(case)
    assert not AuditEvent.objects.filter(verb=fee.paid_verb).exists()

    second = fee.start(case, level_1)
    assert second.reference != first.reference
    pay.set_state(second.provider_id, "success")
    fee.confirm(case)
    case.refresh_from_db()
    assert case.status == fee.paid
    assert case.payment_reference == second.reference


@pytest.mark.parametrize("kind", FEES)
def test_an_abandoned_payment_leaves_the_case_waiting_until_reconciliation_hears_the_outcome(pay, level_1, kind):
    """The payer never comes back: while GOV.UK Pay holds the payment unfinished the case waits;
    once GOV.UK Pay expires it (failed after 90 minutes), reconciliation records that and the case
    still waits for payment."""
    fee = FEES[kind]
    case = fee.make(level_1)
    payment = fee.start(case, level_1)
    pay.set_state(payment.provider_id, "started")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=30))

    assert payments_reconcile() == {"checked": 1, "finished": 0, "unreachable": 0}
    case.refresh_from_db()
    assert case.status == fee.waiting

    pay.set_state(payment.provider_id, "failed")
    assert payments_reconcile() == {"checked": 1, "finished": 1, "unreachable": 0}
    case.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert case.status == fee.waiting
    assert not in_home_office_queue(case)


@pytest.mark.parametrize("kind", FEES)
def test_reconciliation_by_reference_submits_a_case_whose_payer_paid_and_never_came_back(pay, level_1, kind):
    fee = FEES[kind]
    case = fee.make(level_1)
    payment = fee.start(case, level_1)
    pay.set_state(payment.provider_id, "success")
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=30))

    assert payments_reconcile() == {"checked": 1, "finished": 1, "unreachable": 0}

    case.refresh_from_db()
    assert case.status == fee.paid
    assert case.payment_reference == payment.reference
    assert ("GET", f"/v1/payments/{payment.provider_id}") in [(m, p) for m, p, _, _ in pay.requests]


@pytest.mark.parametrize("kind", FEES)
def test_a_payment_made_in_another_tab_is_found_before_a_new_one_starts(pay, level_1, kind):
    fee = FEES[kind]
    case = fee.make(level_1)
    payment = fee.start(case, level_1)
    pay.set_state(payment.provider_id, "success")  # paid, but the payer started again elsewhere

    with pytest.raises(DomainError):
        fee.start(case, level_1)

    case.refresh_from_db()
    assert case.status == fee.paid
    assert Payment.objects.filter(purpose=fee.purpose).count() == 1


@pytest.mark.parametrize("kind", FEES)
def test_an_unreachable_provider_records_nothing_and_the_case_waits(settings, level_1, kind):
    settings.PAYMENT_PROVIDER = "govuk_pay"
    settings.GOVUK_PAY_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.GOVUK_PAY_TIMEOUT_SECONDS = 1
    fee = FEES[kind]
    case = fee.make(level_1)

    with pytest.raises(DomainError, match="not available"):
        fee.start(case, level_1)

    case.refresh_from_db()
    assert case.status == fee.waiting
    assert not Payment.objects.exists()


def test_a_priority_request_sent_without_the_priority_service_is_a_standard_case(pay, level_1):
    request = _priority_request(level_1)
    payment = allocations.allocation_priority_payment_start(request=request, actor=level_1, return_url=RETURN_URL)
    pay.set_state(payment.provider_id, "cancelled")

    allocations.allocation_request_priority_drop(request=request, actor=level_1)

    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.SUBMITTED
    assert request.priority is False
    assert request.priority_fee_pence is None
    row = next(row for row in case_list() if row["c_ref"] == request.reference)
    assert row["c_service"] == "allocation"


def test_a_priority_request_cannot_be_sent_without_priority_while_its_payment_is_under_way(pay, level_1):
    request = _priority_request(level_1)
    allocations.allocation_priority_payment_start(request=request, actor=level_1, return_url=RETURN_URL)

    with pytest.raises(DomainError, match="has not finished yet"):
        allocations.allocation_request_priority_drop(request=request, actor=level_1)
    request.refresh_from_db()
    assert request.status == AllocationRequest.Status.AWAITING_PAYMENT


def test_a_paid_priority_request_is_due_five_working_days_from_payment(pay, level_1):
    request = _priority_request(level_1)
    AllocationRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=20))
    payment = allocations.allocation_priority_payment_start(request=request, actor=level_1, return_url=RETURN_URL)
    pay.set_state(payment.provider_id, "success")
    allocations.allocation_priority_payment_confirm(request=request)

    row = next(row for row in case_list() if row["c_ref"] == request.reference)
    assert row["c_service"] == "allocation_priority"
    assert row["c_received"].date() == timezone.localdate()
    assert row["c_due"] > timezone.localdate()


@pytest.mark.parametrize(
    ("kind", "withdraw"),
    [
        ("renewal", lambda case, actor: sponsor_requests.request_withdraw(request=case, actor=actor)),
        ("priority", lambda case, actor: allocations.allocation_request_withdraw(request=case, actor=actor)),
    ],
)
def test_a_case_cannot_be_withdrawn_while_its_fee_is_being_paid(pay, level_1, kind, withdraw):
    """Asked of the provider first: a payment still under way refuses the withdrawal (the fee could
    be taken for nothing); once it has failed, the sponsor may withdraw."""
    fee = FEES[kind]
    case = fee.make(level_1)
    payment = fee.start(case, level_1)

    with pytest.raises(DomainError, match="has not finished yet"):
        withdraw(case, level_1)
    case.refresh_from_db()
    assert case.status == fee.waiting

    pay.set_state(payment.provider_id, "failed")
    withdraw(case, level_1)
    case.refresh_from_db()
    assert case.status == "withdrawn"
