"""Who may do what: the one permission policy that views, services and the API ask.

Its first content is the sponsor-side table in domain.md section 1 ("this table is the policy"),
followed by the Home Office staff roles of section 6. A role either may do an action on anything in
its scope (ALL), only on objects that are its own (OWN), or not at all.

Two questions, two answers:

- ``can(user, action, obj=None)`` answers True or False (pages use it to show or hide a button).
- ``require(actor, action, obj=None)`` is what every service that takes an ``actor`` calls first.
  It raises ``Http404`` when ``obj`` belongs to another sponsor than a sponsor user's (tenancy,
  checked first, so another sponsor's object is "not found" whatever the role), then
  ``PermissionDenied`` when the role may not do the action, or, for an OWN permission, when the
  object is not theirs. ``actor=None`` is the system itself (the daily sweep, demo data, automatic
  approvals): it is not asked. A request always has a user (``AnonymousUser`` is refused).

Tenancy: an object's sponsor is ``obj.sponsor_id``, or the object itself when it is the tenant
(``getattr(obj, "is_tenant", False)``, i.e. a ``Sponsor``). Home Office staff are not
tenancy-limited. An object with a ``sponsor_id`` of None (a Home Office user, an application not
yet granted) is no sponsor user's.

OWN is decided here, on the object it is about. An object may name that object as
``policy_subject`` (an obligation and a worker name the certificate behind them; None when there is
none, e.g. an obligation about the organisation, which is then no Level 2 user's). The subject is
theirs when, for the action:

- ``WITHDRAW_CERTIFICATE`` (withdraw, add a sponsor note): they created it (``created_by_id``);
- ``REPORT_ACTIVITY`` (report on, record facts about a worker or student) and
  ``RECORD_RIGHT_TO_WORK``: they created it and assigned it (``created_by_id`` and
  ``assigned_by_id``, seed 000);
- any other OWN action: they created it.

Without an object, or with the tenant itself (starting something new in the sponsor, e.g. an
import whose rows are then checked one by one), an OWN permission answers yes: the user may do it
to something.
"""

import enum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

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
    DEACTIVATE_USER = "deactivate_user", "Deactivate or reactivate another user, resend an activation link"
    CHANGE_KEY_PERSONNEL = "change_key_personnel", "Replace AO or KC, change organisation details"
    REQUEST_ALLOCATION = "request_allocation", "Request an allocation increase or renewal"
    CREATE_CERTIFICATE = "create_certificate", "Create and assign CoS or CAS; request a defined CoS"
    WITHDRAW_CERTIFICATE = "withdraw_certificate", "Withdraw a certificate or add a sponsor note"
    REPORT_ACTIVITY = "report_activity", "Report worker or student activity"
    READ_MESSAGE_BOARD = "read_message_board", "Read the Home Office message board"
    CHANGE_LICENCE = "change_licence", "Renew the licence, request a variation or surrender"
    MANAGE_ACTION_PLAN = "manage_action_plan", "Pay for and update an action plan"
    RESPOND_TO_SUSPENSION = "respond_to_suspension", "Make representations against a suspension"
    VIEW_AUDIT_TRAIL = "view_audit_trail", "View the sponsor's audit trail"
    REVIEW_ACCESS = "review_access", "Complete the quarterly access review"
    CANCEL_OBLIGATION = "cancel_obligation", "Cancel a reporting obligation opened in error"
    MANAGE_SETTINGS = "manage_settings", "Change the sponsor's reporting settings"
    PRODUCE_AUDIT_PACK = "produce_audit_pack", "Produce and download the audit pack for a compliance visit"
    RECORD_RIGHT_TO_WORK = "record_right_to_work", "Record a worker's right-to-work check"
    MANAGE_TRAINING = "manage_training", "Record and edit training records of key personnel and users"
    COMPLETE_MONTHLY_REVIEW = "complete_monthly_review", "Complete the monthly review"
    MANAGE_API_TOKENS = "manage_api_tokens", "Create and revoke API tokens"
    MANAGE_WEBHOOKS = "manage_webhooks", "Register webhook endpoints and see their deliveries"

    # Home Office side (domain.md section 6).
    VIEW_HOME_OFFICE_RECORDS = "view_home_office_records", "View any sponsor's records"
    DECIDE_CASES = "decide_cases", "Decide applications and requests"
    POST_MESSAGES = "post_messages", "Post on the message board"
    ENFORCE_LICENCE = "enforce_licence", "Rate, suspend and revoke licences"
    RECORD_COMPLIANCE_VISIT = "record_compliance_visit", "Record compliance visits"
    UNLOCK_ACCOUNT = (
        "unlock_account",
        "Find a user; unlock, reactivate or deactivate an account, resend an activation link",
    )
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
    # Beyond the domain table: representations answer the Home Office for the licence, a Level 1 duty.
    Action.RESPOND_TO_SUSPENSION: {L1: ALL},
    # Level 2 users see only their own actions in the trail (the selector narrows it).
    Action.VIEW_AUDIT_TRAIL: {L1: ALL, L2: OWN},
    # Beyond the domain table: the quarterly access review (seed 002) is a Level 1 duty.
    Action.REVIEW_ACCESS: {L1: ALL},
    # Cancelling a duty to report is a Level 1 decision (it removes a legal obligation from view).
    Action.CANCEL_OBLIGATION: {L1: ALL},
    Action.MANAGE_SETTINGS: {L1: ALL},
    # Beyond the domain table: the pack holds the whole organisation's records (every worker, the
    # access register, the full audit trail), which a Level 2 user may not otherwise see.
    Action.PRODUCE_AUDIT_PACK: {L1: ALL},
    # Beyond the domain table (docs/decisions.md, "Right-to-work checks and training"): a check is a
    # record about a worker, kept like reporting their activity: any worker for Level 1, and for
    # Level 2 only workers on certificates they created and assigned.
    Action.RECORD_RIGHT_TO_WORK: {L1: ALL, L2: OWN},
    # Training records of key personnel and users (seed 002) are about other people's fitness to
    # run the licence: a Level 1 duty, like the access review.
    Action.MANAGE_TRAINING: {L1: ALL},
    # Beyond the domain table: the monthly review (seed 001) covers the message board and key
    # personnel, which only Level 1 users see.
    Action.COMPLETE_MONTHLY_REVIEW: {L1: ALL},
    # Beyond the domain table: an API token acts for the sponsor's systems, a Level 1 decision.
    Action.MANAGE_API_TOKENS: {L1: ALL},
    # Beyond the domain table: a webhook sends the sponsor's events to a system outside, a Level 1 decision.
    Action.MANAGE_WEBHOOKS: {L1: ALL},
    Action.VIEW_HOME_OFFICE_RECORDS: {role: ALL for role in ALL_STAFF},
    Action.DECIDE_CASES: {CASEWORKER: ALL, ADMIN: ALL},
    # Caseworkers, compliance officers and administrators speak to sponsors; the helpdesk does not.
    Action.POST_MESSAGES: {CASEWORKER: ALL, COMPLIANCE: ALL, ADMIN: ALL},
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


def _subject(obj: Any) -> Any:
    """The object an OWN permission is decided on (see the module docstring)."""
    return getattr(obj, "policy_subject", obj)


def _is_own(user: Any, action: str, obj: Any) -> bool:
    if obj is None or getattr(obj, "is_tenant", False):
        return True
    subject = _subject(obj)
    if subject is None:
        return False
    created = getattr(subject, "created_by_id", None) == user.pk
    if action in (Action.REPORT_ACTIVITY, Action.RECORD_RIGHT_TO_WORK):
        return created and getattr(subject, "assigned_by_id", None) == user.pk
    return created


def sponsor_id_of(obj: Any) -> Any:
    """The tenant an object belongs to: its ``sponsor_id``, or its own pk when it is the tenant."""
    return obj.pk if getattr(obj, "is_tenant", False) else getattr(obj, "sponsor_id", None)


def in_tenancy(user: Any, obj: Any) -> bool:
    """False when `obj` belongs to another sponsor than a sponsor user's; staff see every sponsor."""
    if obj is None or not getattr(user, "is_sponsor_user", False):
        return True
    return sponsor_id_of(obj) == user.sponsor_id


def can(user: Any, action: str, obj: Any = None) -> bool:
    """True when `user` may do `action` (on `obj`: in their tenancy, and theirs for an OWN permission).

    Without an object, an OWN permission answers True: the user may do it to something.
    """
    if obj is not None and not in_tenancy(user, obj):
        return False
    granted = scope(user, action)
    if granted is Scope.ALL:
        return True
    if granted is Scope.OWN:
        return _is_own(user, action, obj)
    return False


def require(actor: Any, action: str, obj: Any = None) -> None:
    """Raise unless `actor` may do `action` (on `obj`): ``Http404`` for another sponsor's object,
    ``PermissionDenied`` for a role without the action or an object not theirs. ``actor=None`` is the
    system and passes."""
    if actor is None:
        return
    if obj is not None and not in_tenancy(actor, obj):
        raise Http404
    if not can(actor, action, obj):
        raise PermissionDenied
