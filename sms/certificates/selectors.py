"""Reads of certificates and allocations, scoped to the acting user's sponsor."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sms.certificates.filters import CertificateFilterSet
from sms.certificates.models import Allocation, AllocationRequest, Certificate, DefinedCosRequest
from sms.certificates.rules import allocation_year_start


def certificate_search(*, user, data=None) -> CertificateFilterSet:
    """The sponsor's certificates (tenancy first), newest first, narrowed by the search in ``data``
    (the query string); ``.form`` is the search form, ``.qs`` the certificates. Indexed for large sponsors."""
    certificates = (
        Certificate.objects.filter(sponsor_id=user.sponsor_id)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    return CertificateFilterSet(data or None, queryset=certificates, user=user)


def certificate_for_user(*, user, uuid) -> Certificate:
    """One of the user's sponsor's certificates; 404 for anyone else's."""
    found = (
        Certificate.objects.filter(sponsor_id=user.sponsor_id, uuid=uuid)
        .select_related("created_by", "assigned_by", "sponsor__licence")
        .first()
    )
    if found is None:
        raise Http404
    return found


def certificate_for_staff(*, reference: str) -> Certificate:
    found = Certificate.objects.filter(reference=reference).select_related("sponsor", "created_by").first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class AllocationForecast:
    """When the allocation runs out at the recent rate of use (domain.md section 4)."""

    per_week: float
    runs_out_on: date | None


def allocation_forecast(allocation: Allocation, today: date, recent_days: int = 56) -> AllocationForecast:
    used_recently = Certificate.objects.filter(
        allocation=allocation, assigned_at__date__gt=today - timedelta(days=recent_days)
    ).count()
    per_day = used_recently / recent_days
    if per_day == 0 or allocation.remaining <= 0:
        return AllocationForecast(
            per_week=round(per_day * 7, 1), runs_out_on=today if allocation.remaining <= 0 else None
        )
    return AllocationForecast(
        per_week=round(per_day * 7, 1), runs_out_on=today + timedelta(days=int(allocation.remaining / per_day))
    )


def current_allocations(*, sponsor_id) -> list[Allocation]:
    """This allocation year's allocations of the sponsor, with a forecast each."""
    today = timezone.localdate()
    allocations = list(Allocation.objects.filter(sponsor_id=sponsor_id, year_start=allocation_year_start(today)))
    for allocation in allocations:
        allocation.forecast = allocation_forecast(allocation, today)
    return allocations


def allocation_history(*, sponsor_id) -> QuerySet:
    return (
        Allocation.objects.filter(sponsor_id=sponsor_id).prefetch_related("changes").order_by("-year_start", "category")
    )


def allocation_request_for_user(*, user, reference: str) -> AllocationRequest:
    found = (
        AllocationRequest.objects.filter(sponsor_id=user.sponsor_id, reference=reference)
        .select_related("created_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def allocation_requests_for_user(*, user) -> QuerySet[AllocationRequest]:
    return AllocationRequest.objects.filter(sponsor_id=user.sponsor_id).select_related("created_by")[:20]


def defined_requests_for_user(*, user) -> QuerySet[DefinedCosRequest]:
    return DefinedCosRequest.objects.filter(sponsor_id=user.sponsor_id).select_related("certificate")[:20]


def allocation_request_queue() -> QuerySet[AllocationRequest]:
    """Waiting requests, priority service first, then oldest first."""
    return (
        AllocationRequest.objects.filter(status=AllocationRequest.Status.SUBMITTED)
        .select_related("sponsor")
        .order_by("-priority", "created_at")
    )


def allocation_request_for_staff(*, reference: str) -> AllocationRequest:
    found = AllocationRequest.objects.filter(reference=reference).select_related("sponsor", "created_by").first()
    if found is None:
        raise Http404
    return found


def defined_request_queue() -> QuerySet[DefinedCosRequest]:
    return (
        DefinedCosRequest.objects.filter(status=DefinedCosRequest.Status.SUBMITTED)
        .select_related("sponsor", "certificate")
        .order_by("created_at")
    )


def defined_request_for_staff(*, reference: str) -> DefinedCosRequest:
    found = DefinedCosRequest.objects.filter(reference=reference).select_related("sponsor", "certificate").first()
    if found is None:
        raise Http404
    return found
