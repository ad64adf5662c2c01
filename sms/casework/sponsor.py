"""The staff view of one sponsor, a tab at a time: each tab reads a fixed number of queries."""

from django.core.paginator import Paginator
from django.db.models import Q

from sms.accounts.models import User
from sms.casework import selectors
from sms.certificates import selectors as certificate_selectors
from sms.certificates.models import AllocationRequest, Certificate, DefinedCosRequest
from sms.compliance.models import ActionPlan
from sms.compliance.selectors import action_plan_queue
from sms.reporting.models import Obligation, SponsoredPerson
from sms.visits.selectors import visit_list

TABS = {
    "summary": "Licence",
    "users": "People and users",
    "allocations": "Allocations",
    "certificates": "Certificates",
    "workers": "Workers",
    "obligations": "Obligations and reports",
    "requests": "Requests",
    "visits": "Compliance visits",
    "action-plans": "Action plans",
    "notes": "Internal notes",
}
PAGE_SIZE = 50


def _page(queryset, number):
    return Paginator(queryset, PAGE_SIZE).get_page(number)


def tab_context(*, sponsor, tab: str, params) -> dict:
    """What a tab shows. ``params`` is the query string (page, and for certificates the reference)."""
    number = params.get("page")
    if tab == "users":
        users = User.objects.filter(sponsor=sponsor).order_by("level", "family_name", "given_name", "email")
        return {"page": _page(users, number)}
    if tab == "allocations":
        return {
            "allocations": certificate_selectors.current_allocations(sponsor_id=sponsor.pk),
            "history": list(certificate_selectors.allocation_history(sponsor_id=sponsor.pk)[:40]),
        }
    if tab == "certificates":
        reference = (params.get("reference") or "").strip().upper()
        certificates = Certificate.objects.filter(sponsor=sponsor).order_by("-created_at", "-id")
        if reference:
            certificates = certificates.filter(reference=reference)
        return {"page": _page(certificates, number), "reference": reference}
    if tab == "workers":
        people = SponsoredPerson.objects.filter(sponsor=sponsor).order_by("family_name", "given_names", "id")
        return {"page": _page(people, number)}
    if tab == "obligations":
        obligations = Obligation.objects.filter(sponsor=sponsor).select_related("person").order_by("-legal_deadline")
        return {"page": _page(obligations, number)}
    if tab == "requests":
        return {
            "sponsor_requests": list(sponsor.requests.order_by("-created_at")[:PAGE_SIZE]),
            "allocation_requests": list(
                AllocationRequest.objects.filter(sponsor=sponsor).order_by("-created_at")[:PAGE_SIZE]
            ),
            "defined_requests": list(
                DefinedCosRequest.objects.filter(sponsor=sponsor)
                .select_related("certificate")
                .order_by("-created_at")[:PAGE_SIZE]
            ),
        }
    if tab == "visits":
        return {"page": _page(visit_list(sponsor=sponsor), number)}
    if tab == "action-plans":
        plans = action_plan_queue().filter(sponsor=sponsor).order_by("-created_at", "-id")
        return {"page": _page(plans, number), "open_plans": plans.filter(status__in=ActionPlan.OPEN).count()}
    if tab == "notes":
        return {"page": _page(selectors.sponsor_notes(sponsor_id=sponsor.pk), number)}
    return {
        "key_personnel": list(sponsor.key_personnel.all()),
        "waiting": {
            "requests": sponsor.requests.filter(status="submitted").count(),
            "allocation": AllocationRequest.objects.filter(
                Q(sponsor=sponsor), Q(status=AllocationRequest.Status.SUBMITTED)
            ).count(),
        },
    }
