"""Casework writes: taking and reassigning a case, adding an internal note. Atomic and audited.

Both are Home Office matters: their audit rows go to the Home Office chain (never the sponsor's,
whose trail the sponsor reads), and a note's text is never in a row's details.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from sms.accounts.models import User
from sms.accounts.policy import Action, can, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.casework.cases import CASE_TYPE_OF_MODEL, case_label
from sms.casework.models import CaseAssignment, CaseNote
from sms.core.exceptions import DomainError

NOTE_MAX_LENGTH = 10_000


def _case_key(case) -> tuple[str, int]:
    return CASE_TYPE_OF_MODEL[type(case)], case.pk


@transaction.atomic
def case_assign(*, case, assignee: User, actor) -> CaseAssignment:
    """Give a case to a member of staff who may decide cases (taking it is assigning it to oneself);
    reassignment replaces the previous owner, and the trail records both."""
    require(actor, Action.DECIDE_CASES, case)
    if not assignee.is_active or not assignee.is_home_office or not can(assignee, Action.DECIDE_CASES):
        raise DomainError("Choose a member of staff who decides cases")
    case_type, case_id = _case_key(case)
    existing = CaseAssignment.objects.select_for_update().filter(case_type=case_type, case_id=case_id).first()
    previous = existing.assigned_to if existing else None
    if previous == assignee:
        return existing
    assignment, _ = CaseAssignment.objects.update_or_create(
        case_type=case_type, case_id=case_id, defaults={"assigned_to": assignee, "assigned_by": actor}
    )
    audit.record(
        actor=actor,
        verb=Verb.CASE_REASSIGNED if previous else Verb.CASE_ASSIGNED,
        target=assignment,
        sponsor=None,
        payload={
            "case": case_label(case),
            "assigned_to": assignee.email,
            **({"previously": previous.email} if previous else {}),
        },
    )
    return assignment


@transaction.atomic
def case_note_add(*, case, text: str, actor) -> CaseNote:
    """Add an internal note to a case; never shown to the sponsor."""
    require(actor, Action.DECIDE_CASES, case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the note"})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({"text": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"})
    case_type, case_id = _case_key(case)
    note = CaseNote.objects.create(
        case_type=case_type, case_id=case_id, sponsor_id=getattr(case, "sponsor_id", None), text=text, author=actor
    )
    audit.record(actor=actor, verb=Verb.CASE_NOTE_ADDED, target=note, sponsor=None, payload={"case": case_label(case)})
    return note
