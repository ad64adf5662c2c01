"""The full role matrix: every role against every action, from domain.md section 1 and 6."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from sms.accounts.models import User
from sms.accounts.policy import POLICY, Action, Scope, can, require, scope

L1, L2 = "level_1", "level_2"
CW, CO, HD, AD = "caseworker", "compliance_officer", "helpdesk", "administrator"
ROLES = [L1, L2, CW, CO, HD, AD]

# Written out by hand from the domain reference, independently of POLICY, so a change to the
# policy that the reference does not make fails here. "all", "own" or "" (not allowed).
EXPECTED = {
    Action.MANAGE_OWN_ACCOUNT: {L1: "all", L2: "all", CW: "all", CO: "all", HD: "all", AD: "all"},
    Action.VIEW_SPONSOR_RECORDS: {L1: "all", L2: "all"},
    Action.MANAGE_LEVEL_2_USERS: {L1: "all"},
    Action.REQUEST_ADDITIONAL_LEVEL_1: {L1: "all"},
    Action.DEACTIVATE_USER: {L1: "all"},
    Action.CHANGE_KEY_PERSONNEL: {L1: "all"},
    Action.REQUEST_ALLOCATION: {L1: "all"},
    Action.CREATE_CERTIFICATE: {L1: "all", L2: "all"},
    Action.WITHDRAW_CERTIFICATE: {L1: "all", L2: "own"},
    Action.REPORT_ACTIVITY: {L1: "all", L2: "own"},
    Action.READ_MESSAGE_BOARD: {L1: "all"},
    Action.CHANGE_LICENCE: {L1: "all"},
    Action.MANAGE_ACTION_PLAN: {L1: "all"},
    Action.RESPOND_TO_SUSPENSION: {L1: "all"},
    Action.VIEW_AUDIT_TRAIL: {L1: "all", L2: "own"},
    Action.REVIEW_ACCESS: {L1: "all"},
    Action.CANCEL_OBLIGATION: {L1: "all"},
    Action.MANAGE_SETTINGS: {L1: "all"},
    Action.RECORD_RIGHT_TO_WORK: {L1: "all", L2: "own"},
    Action.MANAGE_TRAINING: {L1: "all"},
    Action.COMPLETE_MONTHLY_REVIEW: {L1: "all"},
    Action.PRODUCE_AUDIT_PACK: {L1: "all"},
    Action.MANAGE_API_TOKENS: {L1: "all"},
    Action.MANAGE_WEBHOOKS: {L1: "all"},
    Action.PRODUCE_AUDIT_PACK: {L1: "all"},
    Action.VIEW_HOME_OFFICE_RECORDS: {CW: "all", CO: "all", HD: "all", AD: "all"},
    Action.DECIDE_CASES: {CW: "all", AD: "all"},
    Action.POST_MESSAGES: {CW: "all", CO: "all", AD: "all"},
    Action.ENFORCE_LICENCE: {CO: "all", AD: "all"},
    Action.RECORD_COMPLIANCE_VISIT: {CO: "all", AD: "all"},
    Action.UNLOCK_ACCOUNT: {HD: "all", AD: "all"},
    Action.ADMINISTER_REFERENCE_DATA: {AD: "all"},
}


def person(role: str, pk: int = 1, active: bool = True):
    sponsor_side = role in (L1, L2)
    return SimpleNamespace(
        pk=pk,
        is_authenticated=True,
        is_active=active,
        is_sponsor_user=sponsor_side,
        level=role if sponsor_side else "",
        staff_role="" if sponsor_side else role,
        sponsor_id=1 if sponsor_side else None,
    )


def test_every_action_except_public_is_in_the_matrix():
    assert set(EXPECTED) == set(Action) - {Action.PUBLIC}
    assert set(POLICY) == set(EXPECTED)


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, action):
    expected = EXPECTED[action].get(role, "")
    granted = scope(person(role), action)
    assert granted == {"all": Scope.ALL, "own": Scope.OWN, "": Scope.NONE}[expected]
    assert can(person(role), action) is (expected != "")


def test_level_2_withdraws_only_certificates_they_created():
    level_2, action = person(L2, pk=7), Action.WITHDRAW_CERTIFICATE
    assert can(level_2, action, SimpleNamespace(sponsor_id=1, created_by_id=7))
    assert not can(level_2, action, SimpleNamespace(sponsor_id=1, created_by_id=8))
    assert can(person(L1, pk=1), action, SimpleNamespace(sponsor_id=1, created_by_id=8))


def test_level_2_reports_only_on_certificates_they_created_and_assigned():
    level_2, action = person(L2, pk=7), Action.REPORT_ACTIVITY
    assert can(level_2, action, SimpleNamespace(sponsor_id=1, created_by_id=7, assigned_by_id=7))
    assert not can(level_2, action, SimpleNamespace(sponsor_id=1, created_by_id=7, assigned_by_id=8))
    assert not can(level_2, action, SimpleNamespace(sponsor_id=1, created_by_id=8, assigned_by_id=7))
    # An object names the certificate it is about; none (the organisation) is no Level 2 user's.
    mine = SimpleNamespace(sponsor_id=1, created_by_id=7, assigned_by_id=7)
    assert can(level_2, action, SimpleNamespace(sponsor_id=1, policy_subject=mine))
    assert not can(level_2, action, SimpleNamespace(sponsor_id=1, policy_subject=None))
    assert can(person(L1, pk=1), action, SimpleNamespace(sponsor_id=1, policy_subject=None))


def test_level_2_records_right_to_work_checks_only_on_certificates_they_created_and_assigned():
    level_2, action = person(L2, pk=7), Action.RECORD_RIGHT_TO_WORK
    mine = SimpleNamespace(sponsor_id=1, created_by_id=7, assigned_by_id=7)
    assert can(level_2, action, SimpleNamespace(sponsor_id=1, policy_subject=mine))
    created_only = SimpleNamespace(sponsor_id=1, created_by_id=7, assigned_by_id=8)
    assert not can(level_2, action, SimpleNamespace(sponsor_id=1, policy_subject=created_only))
    assert can(person(L1, pk=1), action, SimpleNamespace(sponsor_id=1, policy_subject=created_only))
    assert not can(level_2, Action.MANAGE_TRAINING)


def test_require_answers_404_for_another_sponsors_object_whatever_the_role():
    level_1, level_2 = person(L1, pk=1), person(L2, pk=7)
    theirs = SimpleNamespace(sponsor_id=99, created_by_id=7, assigned_by_id=7)
    for actor, action in [
        (level_1, Action.CHANGE_LICENCE),
        (level_2, Action.CHANGE_LICENCE),
        (level_2, Action.REPORT_ACTIVITY),
    ]:
        with pytest.raises(Http404):
            require(actor, action, theirs)
    tenant = SimpleNamespace(pk=99, is_tenant=True)
    with pytest.raises(Http404):
        require(level_1, Action.CHANGE_LICENCE, tenant)
    # Home Office staff are not tenancy-limited.
    require(person(User.StaffRole.CASEWORKER), Action.DECIDE_CASES, theirs)


def test_require_refuses_a_role_without_the_action_or_an_object_not_theirs():
    level_2 = person(L2, pk=7)
    mine = SimpleNamespace(sponsor_id=1)
    with pytest.raises(PermissionDenied):
        require(level_2, Action.CHANGE_LICENCE, mine)
    with pytest.raises(PermissionDenied):
        require(level_2, Action.WITHDRAW_CERTIFICATE, SimpleNamespace(sponsor_id=1, created_by_id=8))
    require(level_2, Action.WITHDRAW_CERTIFICATE, SimpleNamespace(sponsor_id=1, created_by_id=7))
    require(level_2, Action.REPORT_ACTIVITY, SimpleNamespace(pk=1, is_tenant=True))
    with pytest.raises(PermissionDenied):
        require(SimpleNamespace(is_authenticated=False), Action.VIEW_SPONSOR_RECORDS)
    require(None, Action.DECIDE_CASES, mine)  # the system


def test_anonymous_and_deactivated_people_may_do_nothing_but_public_things():
    anonymous = SimpleNamespace(is_authenticated=False)
    for action in EXPECTED:
        assert not can(anonymous, action)
        assert not can(person(L1, active=False), action)
    assert can(anonymous, Action.PUBLIC)


def test_staff_roles_and_levels_match_the_user_model():
    assert {choice.value for choice in User.Level} == {L1, L2}
    assert {choice.value for choice in User.StaffRole} == {CW, CO, HD, AD}
