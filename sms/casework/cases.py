"""Finding the object a case names, and its page: the one place that knows each case type."""

from django.http import Http404
from django.urls import reverse

from sms.casework.models import CaseType
from sms.certificates.models import AllocationRequest, DefinedCosRequest
from sms.compliance.models import Representation
from sms.licensing.models import LicenceApplication, SponsorRequest
from sms.reporting.models import Obligation

MODELS = {
    CaseType.APPLICATION: LicenceApplication,
    CaseType.SPONSOR_REQUEST: SponsorRequest,
    CaseType.ALLOCATION_REQUEST: AllocationRequest,
    CaseType.DEFINED_COS_REQUEST: DefinedCosRequest,
    CaseType.REPORT: Obligation,
    CaseType.REPRESENTATION: Representation,
}
CASE_TYPE_OF_MODEL = {model: case_type for case_type, model in MODELS.items()}


def case_object(case_type: str, case_id: int):
    """The application, request or report a case names; 404 when there is none (a report must
    have been received)."""
    model = MODELS.get(case_type)
    if model is None:
        raise Http404
    found = model.objects.filter(pk=case_id).first()
    if found is None or (model is Obligation and found.status == Obligation.Status.OPEN):
        raise Http404
    return found


def case_url(case_type: str, *, reference: str = "", uuid=None) -> str:
    """The page where staff read and decide the case."""
    if case_type == CaseType.APPLICATION:
        return reverse("licensing:ho_application", args=[reference])
    if case_type == CaseType.SPONSOR_REQUEST:
        return reverse("licensing:ho_request", args=[reference])
    if case_type == CaseType.ALLOCATION_REQUEST:
        return reverse("certificates:ho_allocation_request", args=[reference])
    if case_type == CaseType.DEFINED_COS_REQUEST:
        return reverse("certificates:ho_defined_request", args=[reference])
    if case_type == CaseType.REPRESENTATION:
        return reverse("compliance:ho_representation", args=[reference])
    return reverse("reporting:ho_report", args=[uuid])


def case_label(obj) -> str:
    return getattr(obj, "reference", "") or f"report {obj.uuid}"
