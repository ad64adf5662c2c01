"""Reads of certificates and allocations, scoped to the acting user's sponsor."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from sms.certificates.allocation_rules import (
    AllocationForecast,
    AllocationYear,
    RequestOptions,
    allocation_year,
    request_options,
)
from sms.certificates.allocation_rules import allocation_forecast as forecast_from_use
from sms.certificates.filters import CertificateFilterSet
from sms.certificates.models import Allocation, AllocationRequest, Certificate, CertificateImport, DefinedCosRequest
from sms.licensing.models import Licence, LicenceRoute


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


def _recent_use_since(today: date, recent_days: int):
    """The first moment of the last ``recent_days`` days (local time): a bound on ``assigned_at`` an
    index can serve, where ``assigned_at__date`` cannot."""
    first_day = today - timedelta(days=recent_days - 1)
    return timezone.make_aware(datetime.combine(first_day, time.min))


def allocation_forecast(
    allocation: Allocation, today: date, recent_days: int = 56, used_recently: int | None = None
) -> AllocationForecast:
    """When the allocation runs out at the last ``recent_days``' rate of use, never past its end.
    ``used_recently`` is the certificates assigned from it in that time, when the caller counted them."""
    if used_recently is None:
        used_recently = Certificate.objects.filter(
            allocation=allocation, assigned_at__gte=_recent_use_since(today, recent_days)
        ).count()
    return forecast_from_use(
        remaining=allocation.remaining,
        used_recently=used_recently,
        recent_days=recent_days,
        today=today,
        year_end=allocation.year_end,
    )


def current_allocation_year(*, sponsor_id) -> AllocationYear:
    """The sponsor's licence's allocation year today."""
    licence = Licence.objects.only("start_date", "renewal_granted_on", "converted_from_tier2").get(
        sponsor_id=sponsor_id
    )
    return allocation_year(
        timezone.localdate(),
        granted_on=licence.allocation_granted_on,
        converted_from_tier2=licence.converted_from_tier2,
    )


def allocation_request_options(*, sponsor_id) -> RequestOptions:
    """The categories the sponsor's licence holds and where the priority service is open."""
    held = LicenceRoute.objects.filter(licence__sponsor_id=sponsor_id, removed_on__isnull=True).values_list(
        "route", "rating"
    )
    return request_options(held)


RECENT_DAYS = 56


def current_allocations(*, sponsor_id) -> list[Allocation]:
    """This allocation year's allocations of the sponsor, with a forecast each."""
    today = timezone.localdate()
    year = current_allocation_year(sponsor_id=sponsor_id)
    since = _recent_use_since(today, RECENT_DAYS)
    # Each allocation's recent use counted in the same query (index certificate_allocation_use), so
    # the page's queries do not grow with the number of allocations.
    recent_use = (
        Certificate.objects.filter(allocation=OuterRef("pk"), assigned_at__gte=since)
        .order_by()
        .values("allocation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    allocations = list(
        Allocation.objects.filter(sponsor_id=sponsor_id, year_start=year.start).annotate(
            used_recently=Coalesce(Subquery(recent_use), 0)
        )
    )
    for allocation in allocations:
        allocation.forecast = allocation_forecast(
            allocation, today, RECENT_DAYS, used_recently=allocation.used_recently
        )
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


def allocation_decision_context(allocation_request: AllocationRequest) -> dict:
    """What deciding an allocation request needs: this year's allocations and their use (with the
    forecast), the licence's routes and ratings, and the sponsor's earlier requests. Fixed queries."""
    sponsor_id = allocation_request.sponsor_id
    return {
        "allocations": current_allocations(sponsor_id=sponsor_id),
        "licence": Licence.objects.filter(sponsor_id=sponsor_id).first(),
        "routes": list(
            LicenceRoute.objects.filter(licence__sponsor_id=sponsor_id, removed_on__isnull=True).order_by("route")
        ),
        "earlier_requests": list(
            AllocationRequest.objects.filter(sponsor_id=sponsor_id)
            .exclude(pk=allocation_request.pk)
            .order_by("-created_at", "-id")[:10]
        ),
    }


def certificate_imports_for_user(*, user) -> QuerySet:
    """The sponsor's background certificate imports, newest first (those who may upload a file see them all)."""
    return CertificateImport.objects.filter(sponsor_id=user.sponsor_id).select_related("requested_by")


def certificate_import_for_user(*, user, uuid) -> CertificateImport:
    """One of the user's sponsor's background imports; 404 for anyone else's."""
    found = certificate_imports_for_user(user=user).filter(uuid=uuid).first()
    if found is None:
        raise Http404
    return found
