"""Every service that takes an ``actor`` asks the policy itself, so pages, commands and the API get
the same answer: another sponsor's user is refused (404, or 403 where the service names no object),
a role without the action is refused (403), and nothing is written either way.

The table below must name every public function with an ``actor`` keyword in the ``sms.*.services``
modules, ``sms.portal.decisions`` and ``sms.reporting.imports``: a new one fails the first test until
it is added here with the action it asks for and the object it is about.
"""

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

import sms
from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action, Scope, scope
from sms.audit.models import AuditEvent
from sms.licensing.models import ReportableChange
from sms.reporting.services.obligations import obligation_open_by_hand
from tests.worlds import build_world

# Functions with an ``actor`` that are not services a person calls, and why.
EXEMPT = {
    # The audit writer records who acted; the services that call it have asked the policy first.
    "sms.audit.services.record",
    # A signal receiver run inside the licence service that asked the policy (ENFORCE_LICENCE).
    "sms.compliance.services.suspension_ended",
}

# "module.function" -> (the action it requires, the keyword argument -> world object it is about).
# Other required arguments get None: the policy is asked before anything else is read.
TABLE = {
    "sms.api.services.api_token_create": (Action.MANAGE_API_TOKENS, {"user": "level_2"}),
    "sms.api.services.api_token_revoke": (Action.MANAGE_API_TOKENS, {"token": "api_token"}),
    "sms.webhooks.services.webhook_endpoint_create": (Action.MANAGE_WEBHOOKS, {"sponsor": "sponsor"}),
    "sms.webhooks.services.webhook_secret_rotate": (Action.MANAGE_WEBHOOKS, {"endpoint": "webhook_endpoint"}),
    "sms.webhooks.services.webhook_endpoint_switch": (Action.MANAGE_WEBHOOKS, {"endpoint": "webhook_endpoint"}),
    "sms.webhooks.services.webhook_endpoint_delete": (Action.MANAGE_WEBHOOKS, {"endpoint": "webhook_endpoint"}),
    "sms.webhooks.services.webhook_delivery_replay": (Action.MANAGE_WEBHOOKS, {"delivery": "webhook_delivery"}),
    "sms.certificates.services.bulk.certificates_import_rows": (Action.CREATE_CERTIFICATE, {"sponsor": "sponsor"}),
    "sms.reporting.imports.facts_import_rows": (Action.REPORT_ACTIVITY, {"sponsor": "sponsor"}),
    "sms.trail.services.audit_export_request": (Action.VIEW_AUDIT_TRAIL, {"sponsor": "sponsor"}),
    "sms.casework.services.case_assign": (Action.DECIDE_CASES, {"case": "allocation_request"}),
    "sms.casework.services.case_note_add": (Action.DECIDE_CASES, {"case": "allocation_request"}),
    "sms.accounts.services.account_unlock": (Action.UNLOCK_ACCOUNT, {"user": "level_2"}),
    "sms.accounts.services.account_reactivate": (Action.UNLOCK_ACCOUNT, {"user": "level_2"}),
    "sms.accounts.services.account_deactivate": (Action.UNLOCK_ACCOUNT, {"user": "level_2"}),
    "sms.accounts.services.account_activation_resend": (Action.UNLOCK_ACCOUNT, {"user": "level_2"}),
    "sms.portal.services.closure_day_add": (Action.ADMINISTER_REFERENCE_DATA, {}),
    "sms.portal.services.closure_day_remove": (Action.ADMINISTER_REFERENCE_DATA, {}),
    "sms.portal.decisions.application_grant": (Action.DECIDE_CASES, {"application": "application"}),
    "sms.certificates.services.allocations.allocation_grant": (Action.DECIDE_CASES, {"sponsor": "sponsor"}),
    "sms.certificates.services.allocations.allocation_request_submit": (
        Action.REQUEST_ALLOCATION,
        {"sponsor": "sponsor"},
    ),
    "sms.certificates.services.allocations.allocation_request_withdraw": (
        Action.REQUEST_ALLOCATION,
        {"request": "allocation_request"},
    ),
    "sms.certificates.services.allocations.allocation_request_decide": (
        Action.DECIDE_CASES,
        {"request": "allocation_request"},
    ),
    "sms.certificates.services.bulk.certificates_import_csv": (Action.CREATE_CERTIFICATE, {"sponsor": "sponsor"}),
    "sms.certificates.services.bulk.cas_import_xml": (Action.CREATE_CERTIFICATE, {"sponsor": "sponsor"}),
    "sms.certificates.services.certificates.certificate_save_draft": (
        Action.CREATE_CERTIFICATE,
        {"sponsor": "sponsor", "certificate": "draft"},
    ),
    "sms.certificates.services.certificates.certificate_assign": (
        Action.CREATE_CERTIFICATE,
        {"certificate": "draft"},
    ),
    "sms.certificates.services.certificates.certificate_withdraw": (
        Action.WITHDRAW_CERTIFICATE,
        {"certificate": "certificate"},
    ),
    "sms.certificates.services.certificates.certificate_add_note": (
        Action.WITHDRAW_CERTIFICATE,
        {"certificate": "certificate"},
    ),
    "sms.certificates.services.certificates.certificate_mark_used": (
        Action.DECIDE_CASES,
        {"certificate": "certificate"},
    ),
    "sms.certificates.services.certificates.certificate_cancel": (Action.DECIDE_CASES, {"certificate": "certificate"}),
    "sms.certificates.services.certificates.defined_cos_request_submit": (
        Action.CREATE_CERTIFICATE,
        {"sponsor": "sponsor"},
    ),
    "sms.certificates.services.certificates.defined_cos_decide": (
        Action.DECIDE_CASES,
        {"request": "defined_request"},
    ),
    "sms.licensing.services.applications.application_request_information": (
        Action.DECIDE_CASES,
        {"application": "application"},
    ),
    "sms.licensing.services.applications.application_grant": (Action.DECIDE_CASES, {"application": "application"}),
    "sms.licensing.services.applications.application_refuse": (Action.DECIDE_CASES, {"application": "application"}),
    "sms.licensing.services.decisions.request_decision_record": (
        Action.DECIDE_CASES,
        {"request": "request", "to_status": "granted"},
    ),
    "sms.licensing.services.licence.licence_issue": (Action.DECIDE_CASES, {"sponsor": "sponsor"}),
    "sms.licensing.services.licence.licence_suspend": (Action.ENFORCE_LICENCE, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_reinstate": (Action.ENFORCE_LICENCE, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_revoke": (Action.ENFORCE_LICENCE, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_surrender": (Action.DECIDE_CASES, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_renew": (Action.DECIDE_CASES, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_route_add": (Action.DECIDE_CASES, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_route_remove": (Action.DECIDE_CASES, {"licence": "licence"}),
    "sms.licensing.services.licence.licence_route_rate": (Action.ENFORCE_LICENCE, {"licence_route": "licence_route"}),
    "sms.licensing.services.licence.reporting_settings_update": (Action.MANAGE_SETTINGS, {"sponsor": "sponsor"}),
    "sms.licensing.services.personnel.reportable_change_record": (
        Action.CHANGE_KEY_PERSONNEL,
        {"sponsor": "sponsor"},
    ),
    "sms.licensing.services.personnel.key_person_appoint": (Action.CHANGE_KEY_PERSONNEL, {"sponsor": "sponsor"}),
    "sms.licensing.services.personnel.organisation_details_change": (
        Action.CHANGE_KEY_PERSONNEL,
        {"sponsor": "sponsor"},
    ),
    "sms.licensing.services.personnel.work_site_add": (Action.CHANGE_KEY_PERSONNEL, {"sponsor": "sponsor"}),
    "sms.licensing.services.personnel.work_site_close": (Action.CHANGE_KEY_PERSONNEL, {"site": "site"}),
    "sms.licensing.services.requests.renewal_request_submit": (Action.CHANGE_LICENCE, {"sponsor": "sponsor"}),
    "sms.licensing.services.requests.variation_request_submit": (Action.CHANGE_LICENCE, {"sponsor": "sponsor"}),
    "sms.licensing.services.requests.request_withdraw": (Action.CHANGE_LICENCE, {"request": "request"}),
    "sms.licensing.services.requests.request_grant": (Action.DECIDE_CASES, {"request": "request"}),
    "sms.licensing.services.requests.request_refuse": (Action.DECIDE_CASES, {"request": "request"}),
    "sms.licensing.services.users.level_2_user_add": (Action.MANAGE_LEVEL_2_USERS, {"sponsor": "sponsor"}),
    "sms.licensing.services.users.sponsor_user_edit": (Action.MANAGE_LEVEL_2_USERS, {"user": "level_2"}),
    "sms.licensing.services.users.sponsor_user_deactivate": (Action.DEACTIVATE_USER, {"user": "level_2"}),
    "sms.licensing.services.users.sponsor_user_reactivate": (Action.DEACTIVATE_USER, {"user": "level_2"}),
    "sms.licensing.services.users.sponsor_user_activation_resend": (Action.DEACTIVATE_USER, {"user": "level_2"}),
    "sms.licensing.services.users.additional_level_1_request_submit": (
        Action.REQUEST_ADDITIONAL_LEVEL_1,
        {"sponsor": "sponsor"},
    ),
    "sms.licensing.services.users.access_review_complete": (Action.REVIEW_ACCESS, {"sponsor": "sponsor"}),
    "sms.dashboard.services.monthly_review_complete": (Action.COMPLETE_MONTHLY_REVIEW, {"sponsor": "sponsor"}),
    "sms.reporting.services.facts.person_register_from_certificate": (
        Action.CREATE_CERTIFICATE,
        {"certificate": "certificate"},
    ),
    "sms.reporting.services.facts.fact_record": (Action.REPORT_ACTIVITY, {"person": "person"}),
    "sms.reporting.services.facts.person_details_update": (Action.REPORT_ACTIVITY, {"person": "person"}),
    "sms.reporting.services.facts.absence_end": (Action.REPORT_ACTIVITY, {"fact": "open_absence"}),
    "sms.reporting.services.obligations.obligation_cancel_unfounded": (
        Action.REPORT_ACTIVITY,
        {"obligation": "open_obligation", "reason": "Not reportable"},
    ),
    "sms.reporting.services.obligations.obligation_open": (Action.REPORT_ACTIVITY, {"sponsor": "sponsor"}),
    "sms.reporting.services.obligations.obligation_open_by_hand": (Action.REPORT_ACTIVITY, {"sponsor": "sponsor"}),
    "sms.reporting.services.obligations.obligation_report": (
        Action.REPORT_ACTIVITY,
        {"obligation": "open_obligation"},
    ),
    "sms.reporting.services.obligations.obligation_cancel": (
        Action.CANCEL_OBLIGATION,
        {"obligation": "open_obligation"},
    ),
    "sms.reporting.services.obligations.reportable_change_open_obligation": (
        Action.REPORT_ACTIVITY,
        {"change": "change"},
    ),
    "sms.reporting.imports.facts_import_csv": (Action.REPORT_ACTIVITY, {"sponsor": "sponsor"}),
    "sms.referencedata.services.fee_rate_add": (Action.ADMINISTER_REFERENCE_DATA, {}),
    "sms.referencedata.services.salary_threshold_add": (Action.ADMINISTER_REFERENCE_DATA, {}),
    "sms.referencedata.services.occupations_upload": (Action.ADMINISTER_REFERENCE_DATA, {}),
    "sms.referencedata.services.staff_user_create": (Action.ADMINISTER_REFERENCE_DATA, {}),
    "sms.referencedata.services.staff_role_change": (Action.ADMINISTER_REFERENCE_DATA, {"user": "level_2"}),
    "sms.visits.services.visit_plan": (Action.RECORD_COMPLIANCE_VISIT, {"sponsor": "sponsor"}),
    "sms.visits.services.visit_record": (Action.RECORD_COMPLIANCE_VISIT, {"visit": "visit"}),
    "sms.messageboard.services.message_post": (Action.POST_MESSAGES, {}),
    "sms.alerts.services.alert_recipients_update": (Action.MANAGE_SETTINGS, {"sponsor": "sponsor"}),
    "sms.messageboard.services.message_edit": (Action.POST_MESSAGES, {}),
    "sms.messageboard.services.message_withdraw": (Action.POST_MESSAGES, {}),
    "sms.messageboard.services.message_read": (Action.READ_MESSAGE_BOARD, {"message": "message"}),
    "sms.messageboard.services.notice_read": (Action.READ_MESSAGE_BOARD, {"notice": "notice"}),
    "sms.payments.services.payment_start": (
        Action.MANAGE_ACTION_PLAN,
        {"sponsor": "sponsor", "purpose": "action_plan"},
    ),
    "sms.licensing.services.requests.renewal_payment_start": (Action.CHANGE_LICENCE, {"request": "renewal"}),
    "sms.certificates.services.allocations.allocation_priority_payment_start": (
        Action.REQUEST_ALLOCATION,
        {"request": "priority_request"},
    ),
    "sms.certificates.services.allocations.allocation_request_priority_drop": (
        Action.REQUEST_ALLOCATION,
        {"request": "priority_request"},
    ),
    "sms.compliance.services.route_rate": (Action.ENFORCE_LICENCE, {"licence_route": "licence_route"}),
    "sms.compliance.services.action_plan_payment_start": (Action.MANAGE_ACTION_PLAN, {"plan": "plan"}),
    "sms.compliance.services.action_progress_record": (Action.MANAGE_ACTION_PLAN, {"action": "required_action"}),
    "sms.compliance.services.action_plan_decide": (Action.ENFORCE_LICENCE, {"plan": "plan"}),
    "sms.compliance.services.representations_submit": (Action.RESPOND_TO_SUSPENSION, {"sponsor": "sponsor"}),
    "sms.compliance.services.representation_decide": (Action.ENFORCE_LICENCE, {"representation": "representation"}),
    "sms.auditpack.services.audit_pack_request": (Action.PRODUCE_AUDIT_PACK, {"sponsor": "sponsor"}),
    "sms.righttowork.services.rtw_check_record": (Action.RECORD_RIGHT_TO_WORK, {"person": "person"}),
    "sms.righttowork.services.follow_ups_recompute": (Action.REPORT_ACTIVITY, {"person": "person"}),
    "sms.righttowork.services.training_record_add": (Action.MANAGE_TRAINING, {"sponsor": "sponsor"}),
    "sms.righttowork.services.training_record_update": (Action.MANAGE_TRAINING, {"record": "training_record"}),
}


def service_modules():
    names = ["sms.portal.decisions", "sms.reporting.imports"]
    for app in pkgutil.iter_modules(sms.__path__):
        name = f"sms.{app.name}.services"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        names.append(name)
        if hasattr(module, "__path__"):
            names += [f"{name}.{sub.name}" for sub in pkgutil.iter_modules(module.__path__)]
    return [importlib.import_module(name) for name in names]


def services_with_an_actor() -> dict:
    found = {}
    for module in service_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameter = inspect.signature(function).parameters.get("actor")
            if parameter is not None and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD):
                found[f"{module.__name__}.{name}"] = function
    return found


def test_every_service_with_an_actor_is_in_the_table():
    found = set(services_with_an_actor()) - EXEMPT
    assert sorted(found - set(TABLE)) == [], "add these to TABLE"
    assert sorted(set(TABLE) - found) == [], "these are no longer services with an actor"


def refused_role(world: dict, action: str):
    """A person of the same sponsor (or the Home Office) whose role may not do `action`."""
    people = world["people"]
    staff = ["helpdesk", "caseworker", "compliance_officer", "administrator"]
    # For a Home Office action a sponsor user could meet tenancy (404) first, e.g. on an application.
    order = staff if action in HOME_OFFICE_ACTIONS else ["level_2", "level_1", *staff]
    for role in order:
        if scope(people[role], action) is Scope.NONE:
            return people[role]
    raise AssertionError(f"every role may {action}")


def call(function, objects: dict, world: dict, actor):
    kwargs = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.kind is parameter.VAR_KEYWORD or name == "actor":
            continue
        if name in objects:
            value = objects[name]
            kwargs[name] = world[value] if isinstance(value, str) and value in world else value
        elif parameter.default is inspect.Parameter.empty:
            kwargs[name] = None
    return function(actor=actor, **kwargs)


@pytest.fixture
def world(sponsor, level_1, level_2, other_level_1):
    built = build_world(sponsor, level_1, level_2)
    built["people"] = {**built["people"], "other_level_1": other_level_1}
    built["licence"] = sponsor.licence
    built["licence_route"] = sponsor.licence.routes.first()
    built["change"] = ReportableChange.objects.filter(sponsor=sponsor).first()
    return built


@pytest.mark.parametrize("qualified", sorted(TABLE))
def test_another_sponsors_user_and_a_role_without_the_action_are_refused_and_nothing_is_written(world, qualified):
    function = services_with_an_actor()[qualified]
    action, objects = TABLE[qualified]
    assert world["change"] is not None
    assert world["licence_route"] is not None
    before = AuditEvent.objects.count()

    with pytest.raises((Http404, PermissionDenied)):
        call(function, objects, world, world["people"]["other_level_1"])
    if objects:  # with an object of the sponsor, tenancy answers first: not found
        with pytest.raises(Http404):
            call(function, objects, world, world["people"]["other_level_1"])

    with pytest.raises(PermissionDenied):
        call(function, objects, world, refused_role(world, action))

    assert AuditEvent.objects.count() == before


# Level 2's own-only rule for reporting (domain.md section 1: only on certificates they created and
# assigned) is asked with the object. "module.function" -> its arguments about the world's worker,
# whose certificate a Level 1 user created and assigned, or about the organisation.
OWN_ONLY = {
    "sms.reporting.services.facts.fact_record": {
        "person": "person",
        "kind": "role_change",
        "start_date": date.today(),
        "new_value": "Lead nurse",
    },
    "sms.reporting.services.facts.person_details_update": {"person": "person", "days_per_week": 3},
    "sms.reporting.services.facts.absence_end": {"fact": "open_absence", "last_day": date.today()},
    "sms.reporting.services.obligations.obligation_report": {
        "obligation": "open_obligation",
        "report": {},
        "uploads": [],
        "declaration": True,
    },
    "sms.reporting.services.obligations.obligation_cancel_unfounded": {
        "obligation": "open_obligation",
        "reason": "Not reportable",
    },
    "sms.reporting.services.obligations.obligation_open": {
        "sponsor": "sponsor",
        "person": "person",
        "event": "breach_of_conditions",
        "trigger_date": date.today(),
        "source_key": "manual:own-only",
    },
    "sms.reporting.services.obligations.obligation_open_by_hand": {
        "sponsor": "sponsor",
        "person": "person",
        "event": "breach_of_conditions",
        "trigger_date": date.today(),
    },
    "sms.reporting.services.obligations.reportable_change_open_obligation": {"change": "change"},
    "sms.righttowork.services.follow_ups_recompute": {"person": "person"},
    "sms.righttowork.services.rtw_check_record": {
        "person": "person",
        "checked_on": date.today(),
        "method": "manual",
        "result": "continuous",
        "checked_by": "level_2",
        "uploads": [],
    },
}
# Reporting services whose object is the sponsor, and why that is enough.
OWN_ONLY_EXEMPT = {
    # Each row goes through fact_record with its person; a refused row names its row and column
    # (sms/reporting/tests/test_imports.py).
    "sms.reporting.imports.facts_import_csv",
    "sms.reporting.imports.facts_import_rows",
}


def test_every_service_under_level_2s_own_only_reporting_rule_is_checked_with_its_object():
    own_only = {
        name
        for name, (action, _) in TABLE.items()
        if action in (Action.REPORT_ACTIVITY, Action.RECORD_RIGHT_TO_WORK)
    }
    assert sorted(own_only - set(OWN_ONLY) - OWN_ONLY_EXEMPT) == []


@pytest.mark.parametrize("qualified", sorted(OWN_ONLY))
def test_level_2_is_refused_about_a_worker_whose_certificate_they_did_not_create_and_assign(world, qualified):
    function = services_with_an_actor()[qualified]
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        call(function, OWN_ONLY[qualified], world, world["people"]["level_2"])
    assert AuditEvent.objects.count() == before


def test_level_2_is_refused_an_obligation_about_the_organisation_opened_by_hand(world):
    with pytest.raises(PermissionDenied):
        obligation_open_by_hand(
            sponsor=world["sponsor"],
            actor=world["people"]["level_2"],
            event="org_criminal_proceedings",
            trigger_date=date.today(),
        )
