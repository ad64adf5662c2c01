"""Taking a fee: start a payment with the provider, confirm it with the provider, reconcile.

A fee shown as paid has been paid: a payment's status changes only from the provider's own answer
(``payment_confirm``), never from what the payer's browser brings back. A failed, cancelled or
abandoned payment leaves what it was for waiting for payment; the payer may start another.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.core.lifecycle import lock, transition
from sms.payments.models import Payment
from sms.payments.providers import FINISHED_STATES, PaymentProviderError, configured_provider, provider_named
from sms.payments.signals import payment_finished

# Who may pay each kind of fee (domain.md section 1): the action the payer must be allowed.
PURPOSE_ACTIONS = {
    Payment.Purpose.LICENCE_APPLICATION: Action.PUBLIC,
    Payment.Purpose.LICENCE_RENEWAL: Action.CHANGE_LICENCE,
    Payment.Purpose.ALLOCATION_PRIORITY: Action.REQUEST_ALLOCATION,
    Payment.Purpose.ACTION_PLAN: Action.MANAGE_ACTION_PLAN,
}


@transaction.atomic
def payment_start(
    *,
    sponsor,
    purpose: str,
    subject_reference: str,
    amount_pence: int,
    description: str,
    return_url: str,
    actor,
) -> Payment:
    """Create the payment with the provider; the payer is then sent to ``payment.next_url``.

    If the provider cannot be reached nothing is recorded and the payer is told to try again.
    """
    require(actor, PURPOSE_ACTIONS[purpose], sponsor)
    if amount_pence <= 0:
        raise DomainError("There is nothing to pay")
    provider = configured_provider()
    payment = Payment(
        sponsor=sponsor,
        purpose=purpose,
        subject_reference=subject_reference,
        amount_pence=amount_pence,
        description=description[:255],
        provider=provider.name,
        return_url=return_url,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    created = provider.create(
        amount_pence=amount_pence, reference=payment.reference, description=payment.description, return_url=return_url
    )
    payment.provider_id = created.provider_id
    payment.next_url = created.next_url
    payment.provider_status = created.state
    payment.save()
    audit.record(
        actor=payment.created_by,
        verb=Verb.PAYMENT_STARTED,
        target=payment,
        sponsor=sponsor,
        payload={"purpose": purpose, "for": subject_reference, "amount_pence": amount_pence, "provider": provider.name},
    )
    return payment


def payment_confirm(*, payment: Payment) -> Payment:
    """Ask the provider for the payment's state and record a final one (paid, failed, cancelled,
    error). Sends ``payment_finished`` in the same transaction. An unfinished state changes nothing.
    Raises ``PaymentProviderError`` when the provider cannot be asked."""
    if payment.is_finished:
        return payment
    state = provider_named(payment.provider).state(payment.provider_id)
    with transaction.atomic():
        payment = lock(Payment, payment.pk)
        if payment.is_finished:
            return payment
        payment.provider_status = state
        if state not in FINISHED_STATES:
            payment.save(update_fields=["provider_status", "updated_at"])
            return payment
        payment.confirmed_at = timezone.now()
        transition(payment, state, extra_fields=("provider_status", "confirmed_at"))
        audit.record(
            actor=None,
            verb=Verb.PAYMENT_CONFIRMED if payment.is_paid else Verb.PAYMENT_NOT_COMPLETED,
            target=payment,
            sponsor=payment.sponsor,
            payload={
                "purpose": payment.purpose,
                "for": payment.subject_reference,
                "amount_pence": payment.amount_pence,
                "status": payment.status,
            },
        )
        payment_finished.send(sender=Payment, payment=payment)
    return payment


def payments_reconcile(*, older_than: timedelta = timedelta(minutes=5)) -> dict:
    """Re-check every unfinished payment started more than ``older_than`` ago (the payer may never
    have come back): the daily sweep's step and ``manage.py payments_reconcile``. Returns counts."""
    counts = {"checked": 0, "finished": 0, "unreachable": 0}
    cutoff = timezone.now() - older_than
    for payment in Payment.objects.filter(status=Payment.Status.STARTED, created_at__lte=cutoff).order_by("pk"):
        counts["checked"] += 1
        try:
            if payment_confirm(payment=payment).is_finished:
                counts["finished"] += 1
        except PaymentProviderError:
            counts["unreachable"] += 1
    return counts


def fee_payments_settle(*, purpose: str, subject_reference: str) -> None:
    """Confirm with the provider every payment for this thing still under way, before another is
    started, so a fee is never taken twice (a payer who paid in another tab is recognised)."""
    for payment in Payment.objects.filter(
        purpose=purpose, subject_reference=subject_reference, status=Payment.Status.STARTED
    ).order_by("pk"):
        payment_confirm(payment=payment)


def fee_payment_confirm_latest(*, purpose: str, subject_reference: str) -> Payment | None:
    """On the payer's return: ask the provider about the latest payment for this thing (never the
    return address). Earlier unfinished ones are confirmed too, so none is left behind."""
    fee_payments_settle(purpose=purpose, subject_reference=subject_reference)
    payment = Payment.objects.filter(purpose=purpose, subject_reference=subject_reference).first()
    return payment


def fee_payment_under_way(*, purpose: str, subject_reference: str) -> bool:
    """True when, after asking the provider, a payment for this thing has still not finished: what
    it pays for must not be withdrawn or changed meanwhile, or a fee could be taken for nothing."""
    fee_payments_settle(purpose=purpose, subject_reference=subject_reference)
    return Payment.objects.filter(
        purpose=purpose, subject_reference=subject_reference, status=Payment.Status.STARTED
    ).exists()
