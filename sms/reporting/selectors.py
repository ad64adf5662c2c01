"""Reads of the register and obligations, scoped to the acting user's sponsor."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from sms.reporting.models import Obligation, SponsoredPerson

DUE_SOON_DAYS = 7


def people_list(*, user, search: str = "", status: str = "") -> QuerySet[SponsoredPerson]:
    people = SponsoredPerson.objects.filter(sponsor_id=user.sponsor_id)
    if search:
        people = people.filter(family_name__istartswith=search.strip()) | people.filter(
            given_names__istartswith=search.strip()
        )
    if status:
        people = people.filter(status=status)
    return people.order_by("family_name", "given_names", "id")


def person_for_user(*, user, uuid) -> SponsoredPerson:
    found = SponsoredPerson.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid).select_related("certificate").first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class ObligationFilters:
    status: str = ""
    event: str = ""
    q: str = ""
    due_before: date | None = None


def obligation_list(*, user, filters: ObligationFilters) -> QuerySet[Obligation]:
    """The sponsor's obligations, most urgent first: open ones by deadline, then the rest, newest first."""
    obligations = Obligation.objects.filter(sponsor_id=user.sponsor_id).select_related("person__certificate")
    if filters.status:
        obligations = obligations.filter(status=filters.status)
    if filters.event:
        obligations = obligations.filter(event=filters.event)
    if filters.q:
        obligations = obligations.filter(person__family_name__istartswith=filters.q.strip())
    if filters.due_before:
        obligations = obligations.filter(legal_deadline__lte=filters.due_before)
    return obligations.annotate(
        closed=Case(When(status=Obligation.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("closed", "legal_deadline", "-reported_at", "id")


def obligation_for_user(*, user, uuid) -> Obligation:
    found = (
        Obligation.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid)
        .select_related("person__certificate", "reported_by", "reportable_change")
        .prefetch_related("evidence")
        .first()
    )
    if found is None:
        raise Http404
    return found


def flags(obligation: Obligation, today: date | None = None) -> dict[str, bool]:
    """Due soon (within a week of the legal deadline) and overdue, for open obligations."""
    today = today or timezone.localdate()
    is_open = obligation.status == Obligation.Status.OPEN
    return {
        "overdue": obligation.is_overdue(today),
        "due_soon": is_open and today <= obligation.legal_deadline <= today + timedelta(days=DUE_SOON_DAYS),
    }


def received_reports(*, late_only: bool = False) -> QuerySet[Obligation]:
    """Reports sponsors have sent, newest first, for Home Office staff."""
    reports = Obligation.objects.filter(
        status__in=[Obligation.Status.REPORTED_ON_TIME, Obligation.Status.REPORTED_LATE]
    ).select_related("sponsor", "person", "reported_by")
    if late_only:
        reports = reports.filter(status=Obligation.Status.REPORTED_LATE)
    return reports.order_by("-reported_at", "-id")


def received_report(*, uuid) -> Obligation:
    found = (
        Obligation.objects.filter(uuid=uuid)
        .exclude(status=Obligation.Status.OPEN)
        .select_related("sponsor", "person")
        .prefetch_related("evidence")
        .first()
    )
    if found is None:
        raise Http404
    return found
