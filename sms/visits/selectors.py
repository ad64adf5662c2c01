"""Reads about compliance visits (Home Office staff see every sponsor's)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sms.visits.models import ComplianceVisit


def visit_list(*, sponsor=None, status: str = "") -> QuerySet[ComplianceVisit]:
    visits = ComplianceVisit.objects.select_related("sponsor", "officer")
    if sponsor is not None:
        visits = visits.filter(sponsor=sponsor)
    if status in ComplianceVisit.Status.values:
        visits = visits.filter(status=status)
    return visits


def visit_for_staff(*, uuid) -> ComplianceVisit:
    return get_object_or_404(ComplianceVisit.objects.select_related("sponsor", "officer"), uuid=uuid)
