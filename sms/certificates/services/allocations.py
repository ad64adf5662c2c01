"""Allocations: granting, consuming exactly (never overdrawn, even in parallel), and the requests a
Level 1 user makes for more (domain.md section 4).

Allocation years run 12 months from the licence's grant or renewal grant (6 April to 5 April for
licences converted on 1 December 2020); there is one allocation per licence, year and category,
only for categories of routes the licence holds.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.notices import sponsor_tell, sponsors_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates.allocation_rules import (
    AllocationYear,
    allocation_year,
    categories_not_held,
    priority_service_refusal,
)
from sms.certificates.models import Allocation, AllocationChange, AllocationRequest, Category
from sms.core.exceptions import DomainError
from sms.core.fees import format_pounds
from sms.core.lifecycle import lock, transition
from sms.core.models import FeeRate
from sms.core.selectors import fee_amount
from sms.licensing.models import Licence
from sms.licensing.signals import licence_renewed
from sms.notifications.models import Notice, Topic
from sms.payments import services as payment_services
from sms.payments.models import Payment
from sms.payments.signals import payment_finished

Status = AllocationRequest.Status


def allocation_year_for(licence: Licence, day: date) -> AllocationYear:
    """The licence's allocation year containing ``day``."""
    return allocation_year(
        day, granted_on=licence.allocation_granted_on, converted_from_tier2=licence.converted_from_tier2
    )


def held_routes(licence: Licence) -> list[tuple[str, str]]:
    """The licence's current routes with their ratings."""
    return list(licence.routes.filter(removed_on__isnull=True).values_list("route", "rating"))


def check_categories_held(licence: Licence, categories) -> None:
    """Certificates are allocated only for categories of routes the licence holds (domain.md section 4)."""
    missing = categories_not_held(categories, [route for route, _ in held_routes(licence)])
    if missing:
        labels = " or ".join(Category(category).label for category in missing)
        raise DomainError(f"The licence holds no route for {labels}: certificates are allocated only for its routes")


def _allocation_for_update(*, sponsor: Sponsor, year: AllocationYear, category: str) -> Allocation:
    """The allocation row for the year and category, created if missing, locked for this transaction."""
    Allocation.objects.get_or_create(
        sponsor=sponsor, year_start=year.start, category=category, defaults={"year_end": year.end}
    )
    return Allocation.objects.select_for_update().get(sponsor=sponsor, year_start=year.start, category=category)


@transaction.atomic
def allocation_grant(
    *,
    sponsor: Sponsor,
    category: str,
    number: int,
    actor,
    reason: str,
    year: AllocationYear | None = None,
    request=None,
) -> Allocation:
    """Add ``number`` certificates to a sponsor's allocation for the year (the current one by default),
    only in a category of a route the licence holds."""
    require(actor, Action.DECIDE_CASES, sponsor)
    if number < 0:
        raise DomainError("The number of certificates cannot be negative")
    if category not in Category.values:
        raise DomainError("Select a certificate category")
    licence = Licence.objects.get(sponsor_id=sponsor.pk)
    check_categories_held(licence, [category])
    year = year or allocation_year_for(licence, timezone.localdate())
    allocation = _allocation_for_update(sponsor=sponsor, year=year, category=category)
    allocation.granted += number
    allocation.save(update_fields=["granted", "updated_at"])
    AllocationChange.objects.create(
        allocation=allocation,
        change=number,
        reason=reason,
        request=request,
        made_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        verb=Verb.ALLOCATION_GRANTED,
        target=allocation,
        sponsor=sponsor,
        payload={"category": category, "number": number, "year": year.label, "reason": reason},
    )
    return allocation


def allocation_consume(*, sponsor: Sponsor, category: str, on: date, licence: Licence | None = None) -> Allocation:
    """Use one certificate from the year's allocation; call inside the assigning transaction.

    The row is locked (SELECT ... FOR UPDATE) so parallel assignments queue: the last certificate
    can be assigned once, and ``used`` never passes ``granted`` (also a database constraint).
    Certificates left from an earlier year have lapsed and are not used. ``licence`` is the sponsor's,
    when the caller has read it already.
    """
    year = allocation_year_for(licence or Licence.objects.get(sponsor_id=sponsor.pk), on)
    allocation = (
        Allocation.objects.select_for_update().filter(sponsor=sponsor, year_start=year.start, category=category).first()
    )
    label = Category(category).label
    if allocation is None or allocation.remaining <= 0:
        raise DomainError(
            f"There are no {label} certificates left in your allocation for {year.label}: request an increase"
        )
    allocation.used += 1
    allocation.save(update_fields=["used", "updated_at"])
    return allocation


@receiver(licence_renewed, dispatch_uid="allocation_year_ends_at_renewal")
def allocation_year_end_at_renewal(*, licence: Licence, on: date, **kwargs) -> None:
    """A renewal grant starts a new allocation year: the current one ends the day before, and its
    unused certificates lapse."""
    Allocation.objects.filter(sponsor_id=licence.sponsor_id, year_start__lt=on, year_end__gte=on).update(
        year_end=on - timedelta(days=1)
    )


def request_year(licence: Licence, kind: str, today: date) -> AllocationYear:
    """An increase is for this allocation year, an annual renewal for the next."""
    year = allocation_year_for(licence, today)
    return year.following() if kind == AllocationRequest.Kind.RENEWAL else year


@transaction.atomic
def allocation_request_submit(
    *,
    sponsor: Sponsor,
    actor,
    kind: str,
    requested: dict[str, int],
    justification: str,
    named_individuals: str = "",
    priority: bool = False,
) -> AllocationRequest:
    """A Level 1 user asks for more certificates this year (increase) or next year's (renewal), only in
    categories of routes the licence holds; priority service only where domain.md section 4 offers it.

    A priority request waits for its priority service fee (``allocation_priority_payment_start``) and
    reaches the Home Office once it is paid; until then it is not a priority case."""
    require(actor, Action.REQUEST_ALLOCATION, sponsor)
    requested = {category: int(number) for category, number in requested.items() if int(number or 0) > 0}
    if kind not in AllocationRequest.Kind.values:
        raise DomainError("Select whether this is an increase or next year's allocation")
    if not requested:
        raise DomainError("Enter how many certificates you need in at least one category")
    if any(category not in Category.values for category in requested):
        raise DomainError("Select a certificate category")
    if not justification.strip():
        raise DomainError("Explain why you need the certificates")
    licence = Licence.objects.get(sponsor_id=sponsor.pk)
    if licence.status != Licence.Status.ACTIVE:
        raise DomainError("Only an active licence can be given more certificates")
    check_categories_held(licence, requested)
    if priority:
        refusal = priority_service_refusal(requested, held_routes(licence))
        if refusal:
            raise DomainError(refusal)
    today = timezone.localdate()
    year = request_year(licence, kind, today)
    fee = fee_amount(kind=FeeRate.Kind.ALLOCATION_PRIORITY, sponsor_size="", on=today) if priority else None
    request = AllocationRequest.objects.create(
        sponsor=sponsor,
        kind=kind,
        year_start=year.start,
        requested=requested,
        justification=justification.strip(),
        named_individuals=named_individuals.strip(),
        priority=priority,
        priority_fee_pence=fee,
        status=Status.AWAITING_PAYMENT if priority else Status.SUBMITTED,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb=Verb.ALLOCATION_REQUESTED,
        target=request,
        payload={"kind": kind, "requested": requested, "priority": priority, "fee_pence": fee},
    )
    return request


def allocation_priority_payment_start(*, request: AllocationRequest, actor, return_url: str) -> Payment:
    """Start paying a request's priority service fee: the payer is then sent to ``payment.next_url``.
    Payments still under way are confirmed first, so the fee is never taken twice."""
    require(actor, Action.REQUEST_ALLOCATION, request)
    payment_services.fee_payments_settle(
        purpose=Payment.Purpose.ALLOCATION_PRIORITY, subject_reference=request.reference
    )
    request.refresh_from_db()
    if request.status != Status.AWAITING_PAYMENT:
        raise DomainError("This request has no priority service fee waiting to be paid")
    return payment_services.payment_start(
        sponsor=request.sponsor,
        purpose=Payment.Purpose.ALLOCATION_PRIORITY,
        subject_reference=request.reference,
        amount_pence=request.priority_fee_pence,
        description=f"Priority service for allocation request {request.reference}",
        return_url=return_url,
        actor=actor,
    )


def allocation_priority_payment_confirm(*, request: AllocationRequest) -> Payment | None:
    """On the payer's return: ask the provider (never the return address) about the payment."""
    return payment_services.fee_payment_confirm_latest(
        purpose=Payment.Purpose.ALLOCATION_PRIORITY, subject_reference=request.reference
    )


@receiver(payment_finished, dispatch_uid="certificates_allocation_priority_paid")
def allocation_priority_paid(sender, payment: Payment, **kwargs) -> None:
    """A confirmed payment of the priority service fee sends the request to the Home Office as a
    priority case; any other outcome leaves it waiting for payment."""
    if payment.purpose != Payment.Purpose.ALLOCATION_PRIORITY or not payment.is_paid:
        return
    request = AllocationRequest.objects.select_for_update().filter(reference=payment.subject_reference).first()
    if request is None or request.status != Status.AWAITING_PAYMENT or not request.priority:
        return
    request.paid_at = payment.confirmed_at
    request.payment_reference = payment.reference
    transition(request, Status.SUBMITTED, extra_fields=("paid_at", "payment_reference"))
    audit.record(
        actor=None,
        verb=Verb.ALLOCATION_PRIORITY_FEE_PAID,
        target=request,
        sponsor=request.sponsor,
        payload={"reference": request.reference, "payment": payment.reference, "amount_pence": payment.amount_pence},
    )
    sponsor_tell(
        sponsor=request.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Allocation request {request.reference}: priority service fee received",
        body=f"We received {format_pounds(payment.amount_pence)} (payment {payment.reference}). Your request has "
        "been sent to the Home Office for a decision in 5 working days.",
        link=reverse("certificates:allocation_request", args=[request.reference]),
    )


@transaction.atomic
def allocation_request_priority_drop(*, request: AllocationRequest, actor) -> AllocationRequest:
    """Send a request waiting for its priority service fee without the priority service: it reaches
    the Home Office as a standard request and no priority fee is due. A payment still under way is
    confirmed first: one that was paid has already sent the request as a priority case."""
    require(actor, Action.REQUEST_ALLOCATION, request)
    _refuse_while_paying(request)
    request = lock(AllocationRequest, request.pk)
    if request.status != Status.AWAITING_PAYMENT:
        raise DomainError("This request is no longer waiting for its priority service fee")
    request.priority = False
    request.priority_fee_pence = None
    transition(request, Status.SUBMITTED, extra_fields=("priority", "priority_fee_pence"))
    audit.record(
        actor=actor,
        verb=Verb.ALLOCATION_PRIORITY_DROPPED,
        target=request,
        sponsor=request.sponsor,
        payload={"reference": request.reference},
    )
    return request


def _refuse_while_paying(request: AllocationRequest) -> None:
    """A request whose priority service fee is being paid cannot change meanwhile (asked of the
    provider first: a fee just paid has already sent the request as a priority case)."""
    if payment_services.fee_payment_under_way(
        purpose=Payment.Purpose.ALLOCATION_PRIORITY, subject_reference=request.reference
    ):
        raise DomainError("A payment of the priority service fee has not finished yet. Check again in a few minutes")


@transaction.atomic
def allocation_request_withdraw(*, request: AllocationRequest, actor) -> AllocationRequest:
    """Withdraw a request still waiting for a decision (or for its priority service fee, unless a
    payment of it is under way)."""
    require(actor, Action.REQUEST_ALLOCATION, request)
    _refuse_while_paying(request)
    request = lock(AllocationRequest, request.pk)
    transition(request, Status.WITHDRAWN)
    audit.record(actor=actor, verb=Verb.ALLOCATION_REQUEST_WITHDRAWN, target=request, sponsor=request.sponsor)
    return request


@transaction.atomic
def allocation_request_decide(
    *, request: AllocationRequest, actor, granted: dict[str, int], reason: str
) -> AllocationRequest:
    """Grant all, part or none of a request (none is a refusal, which needs reasons)."""
    require(actor, Action.DECIDE_CASES, request)
    request = lock(AllocationRequest, request.pk)
    granted = {category: int(granted.get(category) or 0) for category in request.requested}
    for category, number in granted.items():
        if number < 0:
            raise DomainError("The number granted cannot be negative")
        if number > request.requested[category]:
            raise DomainError(f"You cannot grant more {Category(category).label} certificates than were requested")
    licence = Licence.objects.get(sponsor_id=request.sponsor_id)
    check_categories_held(licence, [category for category, number in granted.items() if number])
    total = sum(granted.values())
    if total == 0:
        status = Status.REFUSED
    elif granted == request.requested:
        status = Status.GRANTED
    else:
        status = Status.PARTLY_GRANTED
    if status != Status.GRANTED and not reason.strip():
        raise DomainError("Enter the reasons for refusing all or part of the request")
    request.granted = {category: number for category, number in granted.items() if number}
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_reason = reason.strip()
    transition(request, status, extra_fields=("granted", "decided_at", "decided_by", "decision_reason"))
    year = allocation_year_for(licence, request.year_start)
    for category, number in request.granted.items():
        allocation_grant(
            sponsor=request.sponsor,
            category=category,
            number=number,
            actor=actor,
            reason=f"{request.get_kind_display()} {request.reference}",
            year=year,
            request=request,
        )
    audit.record(
        actor=actor,
        verb=Verb.ALLOCATION_REQUEST_DECIDED,
        target=request,
        sponsor=request.sponsor,
        payload={"status": status, "granted": request.granted, "reason": request.decision_reason},
    )
    granted_text = ", ".join(f"{number} {Category(category).label}" for category, number in request.granted.items())
    sponsor_tell(
        sponsor=request.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Allocation request {request.reference} {request.get_status_display().lower()}",
        body=f"Your allocation request {request.reference} has been {request.get_status_display().lower()}."
        + (f" Granted: {granted_text}." if granted_text else "")
        + (f" Reasons: {request.decision_reason}" if request.decision_reason else ""),
        link=reverse("certificates:allocation_request", kwargs={"reference": request.reference}),
    )
    return request


def _low_key(allocation: Allocation) -> str:
    return f"allocation-low:{allocation.category}:{allocation.year_start.isoformat()}"


def allocations_low_reminders(*, today: date | None = None) -> int:
    """Remind each sponsor whose current allocation of a category has ALLOCATION_LOW_PERCENT or less
    left (once per allocation year and category; the daily sweep). Returns how many reminders were posted."""
    today = today or timezone.localdate()
    low = Allocation.objects.filter(year_start__lte=today, year_end__gte=today, granted__gt=0).filter(
        used__gte=F("granted") - F("granted") * settings.ALLOCATION_LOW_PERCENT / 100.0
    )
    low = low.select_related("sponsor").exclude(sponsor__licence__status__in=Licence.ENDED)
    posted = set(Notice.objects.filter(key__startswith="allocation-low:").values_list("sponsor_id", "key"))
    low = [allocation for allocation in low if (allocation.sponsor_id, _low_key(allocation)) not in posted]
    # One insert for the notices and one set of alert statements for them all (sponsors_tell).
    return sponsors_tell(
        [
            {
                "sponsor": allocation.sponsor,
                "kind": Notice.Kind.REMINDER,
                "subject": f"{Category(allocation.category).label} allocation running low: {allocation.remaining} of "
                f"{allocation.granted} left",
                "body": f"Your {Category(allocation.category).label} allocation for the year to "
                f"{allocation.year_end.day} {allocation.year_end:%B %Y} has {allocation.remaining} of "
                f"{allocation.granted} certificates left. Request an increase in time.",
                "link": reverse("certificates:allocations"),
                "key": _low_key(allocation),
                "topic": Topic.ALLOCATION,
            }
            for allocation in low
        ]
    )
