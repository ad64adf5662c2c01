"""Allocations: granting, consuming exactly (never overdrawn, even in parallel), and the requests a
Level 1 user makes for more (domain.md section 4)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates.models import Allocation, AllocationChange, AllocationRequest, Category
from sms.certificates.rules import allocation_year_label, allocation_year_start
from sms.core.exceptions import DomainError
from sms.core.lifecycle import lock, transition
from sms.core.models import FeeRate
from sms.core.selectors import fee_amount

Status = AllocationRequest.Status


def _allocation_for_update(*, sponsor: Sponsor, year_start: date, category: str) -> Allocation:
    """The allocation row for the year and category, created if missing, locked for this transaction."""
    Allocation.objects.get_or_create(sponsor=sponsor, year_start=year_start, category=category)
    return Allocation.objects.select_for_update().get(sponsor=sponsor, year_start=year_start, category=category)


@transaction.atomic
def allocation_grant(
    *, sponsor: Sponsor, category: str, number: int, actor, reason: str, year_start: date | None = None, request=None
) -> Allocation:
    """Add ``number`` certificates to a sponsor's allocation for the year (the current one by default)."""
    require(actor, Action.DECIDE_CASES, sponsor)
    if number < 0:
        raise DomainError("The number of certificates cannot be negative")
    year_start = year_start or allocation_year_start(timezone.localdate())
    allocation = _allocation_for_update(sponsor=sponsor, year_start=year_start, category=category)
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
        payload={"category": category, "number": number, "year": allocation_year_label(year_start), "reason": reason},
    )
    return allocation


def allocation_consume(*, sponsor: Sponsor, category: str, on: date) -> Allocation:
    """Use one certificate from the year's allocation; call inside the assigning transaction.

    The row is locked (SELECT ... FOR UPDATE) so parallel assignments queue: the last certificate
    can be assigned once, and ``used`` never passes ``granted`` (also a database constraint).
    """
    year_start = allocation_year_start(on)
    allocation = (
        Allocation.objects.select_for_update().filter(sponsor=sponsor, year_start=year_start, category=category).first()
    )
    label = Category(category).label
    if allocation is None or allocation.remaining <= 0:
        raise DomainError(
            f"There are no {label} certificates left in your allocation for {allocation_year_label(year_start)}: "
            "request an increase"
        )
    allocation.used += 1
    allocation.save(update_fields=["used", "updated_at"])
    return allocation


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
    """A Level 1 user asks for more certificates this year (increase) or next year's (renewal)."""
    require(actor, Action.REQUEST_ALLOCATION, sponsor)
    requested = {category: int(number) for category, number in requested.items() if int(number or 0) > 0}
    if not requested:
        raise DomainError("Enter how many certificates you need in at least one category")
    if any(category not in Category.values for category in requested):
        raise DomainError("Select a certificate category")
    if not justification.strip():
        raise DomainError("Explain why you need the certificates")
    if sponsor.licence.status != "active":
        raise DomainError("Only an active licence can be given more certificates")
    today = timezone.localdate()
    year_start = allocation_year_start(today)
    if kind == AllocationRequest.Kind.RENEWAL:
        year_start = year_start.replace(year=year_start.year + 1)
    fee = fee_amount(kind=FeeRate.Kind.ALLOCATION_PRIORITY, sponsor_size="", on=today) if priority else None
    request = AllocationRequest.objects.create(
        sponsor=sponsor,
        kind=kind,
        year_start=year_start,
        requested=requested,
        justification=justification.strip(),
        named_individuals=named_individuals.strip(),
        priority=priority,
        priority_fee_pence=fee,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        verb=Verb.ALLOCATION_REQUESTED,
        target=request,
        payload={"kind": kind, "requested": requested, "priority": priority, "fee_pence": fee},
    )
    return request


@transaction.atomic
def allocation_request_withdraw(*, request: AllocationRequest, actor) -> AllocationRequest:
    """Withdraw a request still waiting for a decision."""
    require(actor, Action.REQUEST_ALLOCATION, request)
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
    for category, number in request.granted.items():
        allocation_grant(
            sponsor=request.sponsor,
            category=category,
            number=number,
            actor=actor,
            reason=f"{request.get_kind_display()} {request.reference}",
            year_start=request.year_start,
            request=request,
        )
    audit.record(
        actor=actor,
        verb=Verb.ALLOCATION_REQUEST_DECIDED,
        target=request,
        sponsor=request.sponsor,
        payload={"status": status, "granted": request.granted, "reason": request.decision_reason},
    )
    return request
