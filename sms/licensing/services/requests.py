"""Renewals and variations ("request any other change"), and the Home Office's decisions on every
kind of sponsor request: a grant applies its outcome to the licence (domain.md section 2).
"""

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.notices import sponsor_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.core.lifecycle import transition
from sms.core.models import FeeRate
from sms.core.selectors import fee_amount
from sms.core.uploads import documents_store
from sms.licensing.models import Route, SponsorRequest
from sms.licensing.services import licence as licence_services
from sms.licensing.services.decisions import request_decision_record
from sms.licensing.services.users import requested_level_1_create
from sms.notifications.models import Notice
from sms.payments import services as payment_services
from sms.payments.models import Payment
from sms.payments.signals import payment_finished

Kind = SponsorRequest.Kind


def documents_attach(*, request: SponsorRequest, uploads: list) -> None:
    """Store evidence files on a request, each checked by size and content."""
    documents_store(request.documents, uploads)


def _pending(sponsor: Sponsor, kinds) -> bool:
    return SponsorRequest.objects.filter(
        sponsor=sponsor, kind__in=kinds, status=SponsorRequest.Status.SUBMITTED
    ).exists()


def _awaiting_payment(sponsor: Sponsor, kind: str) -> SponsorRequest | None:
    return SponsorRequest.objects.filter(
        sponsor=sponsor, kind=kind, status=SponsorRequest.Status.AWAITING_PAYMENT
    ).first()


@transaction.atomic
def renewal_request_submit(*, sponsor: Sponsor, actor, declaration_confirmed: bool) -> SponsorRequest:
    """Apply to renew: only inside the renewal window, with the declaration, at the fee in force today.

    The renewal then waits for payment (``renewal_payment_start``); it reaches the Home Office once
    the fee is paid (``renewal_fee_paid``)."""
    require(actor, Action.CHANGE_LICENCE, sponsor)
    licence = sponsor.licence
    today = timezone.localdate()
    if not licence_services.renewal_allowed(licence, today):
        opens = licence_services.renewal_window_opens(licence)
        raise DomainError(
            f"You can apply to renew from {opens:%d %B %Y}"
            if opens and today < opens
            else "This licence cannot be renewed"
        )
    if not declaration_confirmed:
        raise DomainError("Confirm the declaration to apply for renewal")
    if _pending(sponsor, [Kind.RENEWAL]):
        raise DomainError("A renewal application is already waiting for a decision")
    if waiting := _awaiting_payment(sponsor, Kind.RENEWAL):
        raise DomainError(f"Renewal application {waiting.reference} is waiting for its fee: pay it or withdraw it")
    fee = fee_amount(kind=FeeRate.Kind.LICENCE_RENEWAL, sponsor_size=sponsor.size, on=today)
    request = SponsorRequest.objects.create(
        sponsor=sponsor,
        kind=Kind.RENEWAL,
        status=SponsorRequest.Status.AWAITING_PAYMENT,
        created_by=actor,
        fee_pence=fee,
        declaration_confirmed=True,
    )
    audit.record(
        actor=actor, verb=Verb.REQUEST_SUBMITTED, target=request, payload={"kind": Kind.RENEWAL, "fee_pence": fee}
    )
    return request


def renewal_payment_start(*, request: SponsorRequest, actor, return_url: str) -> Payment:
    """Start paying a renewal's fee: the payer is then sent to ``payment.next_url``. Payments still
    under way are confirmed first, so the fee is never taken twice."""
    require(actor, Action.CHANGE_LICENCE, request)
    payment_services.fee_payments_settle(purpose=Payment.Purpose.LICENCE_RENEWAL, subject_reference=request.reference)
    request.refresh_from_db()
    if request.kind != Kind.RENEWAL or request.status != SponsorRequest.Status.AWAITING_PAYMENT:
        raise DomainError("This request has no fee waiting to be paid")
    return payment_services.payment_start(
        sponsor=request.sponsor,
        purpose=Payment.Purpose.LICENCE_RENEWAL,
        subject_reference=request.reference,
        amount_pence=request.fee_pence,
        description=f"Sponsor licence renewal {request.reference}",
        return_url=return_url,
        actor=actor,
    )


def renewal_payment_confirm(*, request: SponsorRequest) -> Payment | None:
    """On the payer's return: ask the provider (never the return address) about the payment."""
    return payment_services.fee_payment_confirm_latest(
        purpose=Payment.Purpose.LICENCE_RENEWAL, subject_reference=request.reference
    )


@receiver(payment_finished, dispatch_uid="licensing_renewal_fee_paid")
def renewal_fee_paid(sender, payment: Payment, **kwargs) -> None:
    """A confirmed payment of the renewal fee sends the renewal to the Home Office; any other outcome
    leaves it waiting for payment. A renewal withdrawn meanwhile stays withdrawn (the payment is
    recorded, for a refund)."""
    if payment.purpose != Payment.Purpose.LICENCE_RENEWAL or not payment.is_paid:
        return
    request = SponsorRequest.objects.select_for_update().filter(reference=payment.subject_reference).first()
    if request is None or request.status != SponsorRequest.Status.AWAITING_PAYMENT:
        return
    request.paid_at = payment.confirmed_at
    request.payment_reference = payment.reference
    transition(
        request,
        SponsorRequest.Status.SUBMITTED,
        extra_fields=("paid_at", "payment_reference"),
        only_from={SponsorRequest.Status.AWAITING_PAYMENT},
    )
    audit.record(
        actor=None,
        verb=Verb.REQUEST_FEE_PAID,
        target=request,
        sponsor=request.sponsor,
        payload={"reference": request.reference, "payment": payment.reference, "amount_pence": payment.amount_pence},
    )
    sponsor_tell(
        sponsor=request.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Renewal application {request.reference}: fee received",
        body=f"We received {format_pounds(payment.amount_pence)} (payment {payment.reference}). Your renewal "
        "application has been sent to the Home Office.",
        link=reverse("licensing:request_detail", args=[request.reference]),
    )


@transaction.atomic
def variation_request_submit(
    *, sponsor: Sponsor, actor, kind: str, details: str, route: str = "", uploads: list | None = None
) -> SponsorRequest:
    """Ask for a change to the licence, with an explanation and evidence files."""
    require(actor, Action.CHANGE_LICENCE, sponsor)
    if kind not in SponsorRequest.VARIATION_KINDS:
        raise DomainError("Select what you want to change")
    if not details.strip():
        raise DomainError("Enter details of the change")
    licence = sponsor.licence
    if licence.has_ended:
        raise DomainError("The licence has ended")
    held = set(licence.routes.filter(removed_on__isnull=True).values_list("route", flat=True))
    if kind == Kind.ADD_ROUTE:
        if not route:
            raise DomainError("Select the route to add")
        if route in held:
            raise DomainError(f"The licence already holds the {Route(route).label} route")
    if kind == Kind.REMOVE_ROUTE:
        if route not in held:
            raise DomainError("Select a route the licence holds")
        if len(held) == 1:
            raise DomainError("A licence must keep at least one route: ask to surrender the licence instead")
    if kind == Kind.SURRENDER and _pending(sponsor, [Kind.SURRENDER]):
        raise DomainError("A request to surrender the licence is already waiting for a decision")
    request = SponsorRequest.objects.create(
        sponsor=sponsor,
        kind=kind,
        created_by=actor,
        details=details.strip(),
        route=route if kind in {Kind.ADD_ROUTE, Kind.REMOVE_ROUTE} else "",
    )
    documents_attach(request=request, uploads=uploads or [])
    audit.record(
        actor=actor,
        verb=Verb.REQUEST_SUBMITTED,
        target=request,
        payload={"kind": kind, "route": request.route, "documents": len(uploads or [])},
    )
    return request


@transaction.atomic
def request_withdraw(*, request: SponsorRequest, actor) -> SponsorRequest:
    """The sponsor withdraws a request still waiting for a decision, or a renewal waiting for its fee
    (unless a payment of the fee is under way: it is asked of the provider first)."""
    require(actor, Action.CHANGE_LICENCE, request)
    if payment_services.fee_payment_under_way(
        purpose=Payment.Purpose.LICENCE_RENEWAL, subject_reference=request.reference
    ):
        raise DomainError("A payment of the renewal fee has not finished yet. Check again in a few minutes")
    return request_decision_record(request=request, to_status=SponsorRequest.Status.WITHDRAWN, actor=actor, reason="")


@transaction.atomic
def request_grant(*, request: SponsorRequest, actor, reason: str = "") -> SponsorRequest:
    """Grant a request and apply what it asked for to the licence, in one transaction.

    Changes of ownership and linked entities change nothing structural here: the granted request,
    with its details and evidence, is the record.
    """
    require(actor, Action.DECIDE_CASES, request)
    request = request_decision_record(
        request=request, to_status=SponsorRequest.Status.GRANTED, actor=actor, reason=reason
    )
    licence = request.sponsor.licence
    if request.kind == Kind.RENEWAL:
        licence_services.licence_renew(licence=licence, actor=actor)
    elif request.kind == Kind.ADD_ROUTE:
        licence_services.licence_route_add(licence=licence, route=request.route, actor=actor)
    elif request.kind == Kind.REMOVE_ROUTE:
        licence_services.licence_route_remove(licence=licence, route=request.route, actor=actor)
    elif request.kind == Kind.SURRENDER:
        licence_services.licence_surrender(licence=licence, actor=actor, reason=request.details)
    elif request.kind == Kind.ADDITIONAL_LEVEL_1:
        requested_level_1_create(request=request)
    return request


@transaction.atomic
def request_refuse(*, request: SponsorRequest, actor, reason: str) -> SponsorRequest:
    """Refuse a request, with reasons the sponsor will see."""
    require(actor, Action.DECIDE_CASES, request)
    if not reason.strip():
        raise DomainError("Enter the reasons for refusing the request")
    return request_decision_record(request=request, to_status=SponsorRequest.Status.REFUSED, actor=actor, reason=reason)
