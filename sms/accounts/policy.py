"""Who may do what: the one permission policy that views and the API ask.

Its first content is the sponsor-side table in domain.md section 1 ("this table is the policy"),
followed by the Home Office staff roles of section 6. A role either may do an action on anything in
its scope (ALL), only on objects it created (OWN: the object's ``created_by`` is the user), or not
at all. Tenancy (an object of another sponsor) is not decided here: access helpers answer 404 for
those before the policy is asked.
"""

import enum
from typing import Any

from django.db import models

from sms.accounts.models import User


class Action(models.TextChoices):
    """Everything a person can do in the system, named once."""

    # Open to anyone, signed in or not (sign-in pages, health check).
    PUBLIC = "public", "Use a public page"
    # Any signed-in person, on their own account.
    MANAGE_OWN_ACCOUNT = "manage_own_account", "Manage their own account and sign-in"

    # Sponsor side (domain.md section 1).
    VIEW_SPONSOR_RECORDS = "view_sponsor_records", "View licence summary, certificates, workers, obligations"
    MANAGE_LEVEL_2_USERS = "manage_level_2_users", "Add, edit or remove Level 2 users"
    REQUEST_ADDITIONAL_LEVEL_1 = "request_additional_level_1", "Request an additional Level 1 user"
    DEACTIVATE_USER = "deactivate_user", "Deactivate another user"
    CHANGE_KEY_PERSONNEL = "change_key_personnel", "Replace AO or KC, change organisation details"
    REQUEST_ALLOCATION = "request_allocation", "Request an allocation increase or renewal"
    CREATE_CERTIFICATE = "create_certificate", "Create and assign CoS or CAS; request a defined CoS"
    WITHDRAW_CERTIFICATE = "withdraw_certificate", "Withdraw a certificate or add a sponsor note"
    REPORT_ACTIVITY = "report_activity", "Report worker or student activity"
    READ_MESSAGE_BOARD = "read_message_board", "Read the Home Office message board"
    CHANGE_LICENCE = "change_licence", "Renew the licence, request a variation or surrender"
    MANAGE_ACTION_PLAN = "manage_action_plan", "Pay for and update an action plan"
    VIEW_AUDIT_TRAIL = "view_audit_trail", "View the sponsor's audit trail"
    REVIEW_ACCESS = "review_access", "Complete the quarterly access review"
    CANCEL_OBLIGATION = "cancel_obligation", "Cancel a reporting obligation opened in error"
    MANAGE_SETTINGS = "manage_settings", "Change the sponsor's reporting settings"

    # Home Office side (domain.md section 6).
    VIEW_HOME_OFFICE_RECORDS = "view_home_office_records", "View any sponsor's records"
    DECIDE_CASES = "decide_cases", "Decide applications and requests"
    POST_MESSAGES = "post_messages", "Post on the message board"
    ENFORCE_LICENCE = "enforce_licence", "Rate, suspend and revoke licences"
    RECORD_COMPLIANCE_VISIT = "record_compliance_visit", "Record compliance visits"
    UNLOCK_ACCOUNT = "unlock_account", "Unlock or reactivate an account"
    ADMINISTER_REFERENCE_DATA = "administer_reference_data", "Maintain closure days, fees and thresholds"


class Scope(enum.Enum):
    """How far a permission reaches."""

    NONE = "none"
    OWN = "own"  # only objects the user created
    ALL = "all"


L1, L2 = User.Level.LEVEL_1, User.Level.LEVEL_2
CASEWORKER = User.StaffRole.CASEWORKER
COMPLIANCE = User.StaffRole.COMPLIANCE_OFFICER
HELPDESK = User.StaffRole.HELPDESK
ADMIN = User.StaffRole.ADMINISTRATOR
ALL_STAFF = (CASEWORKER, COMPLIANCE, HELPDESK, ADMIN)

ALL, OWN = Scope.ALL, Scope.OWN

# action -> {role: scope}. A role missing from an action's row may not do it.
POLICY: dict[str, dict[str, Scope]] = {
    Action.MANAGE_OWN_ACCOUNT: {L1: ALL, L2: ALL} | {role: ALL for role in ALL_STAFF},
    Action.VIEW_SPONSOR_RECORDS: {L1: ALL, L2: ALL},
    Action.MANAGE_LEVEL_2_USERS: {L1: ALL},
    Action.REQUEST_ADDITIONAL_LEVEL_1: {L1: ALL},
    Action.DEACTIVATE_USER: {L1: ALL},
    Action.CHANGE_KEY_PERSONNEL: {L1: ALL},
    Action.REQUEST_ALLOCATION: {L1: ALL},
    Action.CREATE_CERTIFICATE: {L1: ALL, L2: ALL},
    Action.WITHDRAW_CERTIFICATE: {L1: ALL, L2: OWN},
    Action.REPORT_ACTIVITY: {L1: ALL, L2: OWN},
    Action.READ_MESSAGE_BOARD: {L1: ALL},
    Action.CHANGE_LICENCE: {L1: ALL},
    Action.MANAGE_ACTION_PLAN: {L1: ALL},
    # Level 2 users see only their own actions in the trail (the selector narrows it).
    Action.VIEW_AUDIT_TRAIL: {L1: ALL, L2: OWN},
    # Beyond the domain table: the quarterly access review (seed 002) is a Level 1 duty.
    Action.REVIEW_ACCESS: {L1: ALL},
    # Cancelling a duty to report is a Level 1 decision (it removes a legal obligation from view).
    Action.CANCEL_OBLIGATION: {L1: ALL},
    Action.MANAGE_SETTINGS: {L1: ALL},
    Action.VIEW_HOME_OFFICE_RECORDS: {role: ALL for role in ALL_STAFF},
    Action.DECIDE_CASES: {CASEWORKER: ALL, ADMIN: ALL},
    Action.POST_MESSAGES: {CASEWORKER: ALL, ADMIN: ALL},
    Action.ENFORCE_LICENCE: {COMPLIANCE: ALL, ADMIN: ALL},
    Action.RECORD_COMPLIANCE_VISIT: {COMPLIANCE: ALL, ADMIN: ALL},
    Action.UNLOCK_ACCOUNT: {HELPDESK: ALL, ADMIN: ALL},
    Action.ADMINISTER_REFERENCE_DATA: {ADMIN: ALL},
}

SPONSOR_ACTIONS = frozenset(
    action for action, row in POLICY.items() if set(row) & {L1, L2} and not set(row) & set(ALL_STAFF)
)
HOME_OFFICE_ACTIONS = frozenset(
    action for action, row in POLICY.items() if set(row) & set(ALL_STAFF) and not set(row) & {L1, L2}
)


def role_of(user: Any) -> str | None:
    """The key the policy table is indexed by: the sponsor user's level or the staff role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.level if user.is_sponsor_user else user.staff_role


def scope(user: Any, action: str) -> Scope:
    """How far `user` may do `action`: ALL, OWN (objects they created) or NONE."""
    if action == Action.PUBLIC:
        return Scope.ALL
    role = role_of(user)
    if role is None:
        return Scope.NONE
    return POLICY.get(action, {}).get(role, Scope.NONE)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may do `action` (on `obj`, when the permission is limited to their own).

    Without an object, an OWN permission answers True: the user may do it to something. With an
    object, OWN needs ``obj.created_by_id == user.pk``.
    """
    granted = scope(user, action)
    if granted is Scope.ALL:
        return True
    if granted is Scope.OWN:
        return obj is None or getattr(obj, "created_by_id", None) == user.pk
    return False
