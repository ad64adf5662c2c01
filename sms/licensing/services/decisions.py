"""Recording the Home Office's decision on a sponsor request (the status change, audit and email)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sms.accounts.notices import sponsor_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.lifecycle import lock, transition
from sms.licensing.models import SponsorRequest
from sms.notifications.models import Notice
from sms.notifications.services import email_enqueue_template

VERB_FOR_STATUS = {
    SponsorRequest.Status.GRANTED: Verb.REQUEST_GRANTED,
    SponsorRequest.Status.REFUSED: Verb.REQUEST_REFUSED,
    SponsorRequest.Status.WITHDRAWN: Verb.REQUEST_WITHDRAWN,
}


@transaction.atomic
def request_decision_record(*, request: SponsorRequest, to_status: str, actor, reason: str) -> SponsorRequest:
    """Move a request to granted, refused or withdrawn (checked against its table), audit it, and
    tell the person who made it (except when they withdrew it themselves)."""
    withdrawing = to_status == SponsorRequest.Status.WITHDRAWN
    require(actor, Action.CHANGE_LICENCE if withdrawing else Action.DECIDE_CASES, request)
    request = lock(SponsorRequest, request.pk)
    request.decided_at = timezone.now()
    request.decided_by = actor if getattr(actor, "pk", None) else None
    request.decision_reason = reason.strip()
    transition(request, to_status, extra_fields=("decided_at", "decided_by", "decision_reason"))
    audit.record(
        actor=actor,
        verb=VERB_FOR_STATUS[to_status],
        target=request,
        sponsor=request.sponsor,
        payload={"kind": request.kind, "reference": request.reference, "reason": request.decision_reason},
    )
    if to_status != SponsorRequest.Status.WITHDRAWN:
        outcome = request.get_status_display().lower()
        email_enqueue_template(
            to=request.created_by.email,
            template="request_decided",
            context={"sponsor_request": request, "outcome": outcome},
        )
        reasons = f" Reasons: {request.decision_reason}" if request.decision_reason else ""
        sponsor_tell(
            sponsor=request.sponsor,
            kind=Notice.Kind.DECISION,
            subject=f"Request {request.reference} {outcome}",
            body=f"Your request ({request.get_kind_display()}, reference {request.reference}) has been {outcome}."
            + reasons,
            link=reverse("licensing:request_detail", kwargs={"reference": request.reference}),
            told={request.created_by.email},
        )
    return request
