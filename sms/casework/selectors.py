"""Casework reads, for Home Office staff only (every view asks the policy first)."""

from django.db.models import QuerySet

from sms.accounts.models import User
from sms.accounts.policy import POLICY, Action
from sms.casework.models import CaseAssignment, CaseNote


def case_assignment(*, case_type: str, case_id: int) -> CaseAssignment | None:
    return CaseAssignment.objects.filter(case_type=case_type, case_id=case_id).select_related("assigned_to").first()


def case_notes(*, case_type: str, case_id: int) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(case_type=case_type, case_id=case_id).select_related("author")


def sponsor_notes(*, sponsor_id) -> QuerySet[CaseNote]:
    """Every internal note on a sponsor's cases, newest first."""
    return CaseNote.objects.filter(sponsor_id=sponsor_id).select_related("author")


def staff_who_decide() -> QuerySet[User]:
    """Active staff whose role may decide cases: whom a case can be given to."""
    roles = list(POLICY[Action.DECIDE_CASES])
    return User.objects.filter(kind=User.Kind.HOME_OFFICE, is_active=True, staff_role__in=roles).order_by(
        "given_name", "family_name", "email"
    )


def users_by_id(ids) -> dict[int, User]:
    return {user.pk: user for user in User.objects.filter(pk__in={i for i in ids if i})}
