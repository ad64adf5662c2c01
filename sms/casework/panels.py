"""The casework panel on a case's decision page: who has it, take or reassign it, internal notes."""

from django.template.loader import render_to_string

from sms.accounts.policy import Action, can
from sms.casework import selectors
from sms.casework.cases import CASE_TYPE_OF_MODEL


def case_panel(*, request, case_type: str, obj) -> str:
    """Shown only to staff who decide cases (the template tag is on Home Office pages only)."""
    if request is None or not can(request.user, Action.DECIDE_CASES) or type(obj) not in CASE_TYPE_OF_MODEL:
        return ""
    case_type = CASE_TYPE_OF_MODEL[type(obj)]
    assignment = selectors.case_assignment(case_type=case_type, case_id=obj.pk)
    return render_to_string(
        "casework/includes/case_panel.html",
        {
            "case_type": case_type,
            "case_id": obj.pk,
            "assignment": assignment,
            "mine": assignment is not None and assignment.assigned_to_id == request.user.pk,
            "notes": list(selectors.case_notes(case_type=case_type, case_id=obj.pk)),
            "staff": list(selectors.staff_who_decide()),
            "next": request.get_full_path(),
        },
        request=request,
    )
