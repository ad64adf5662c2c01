"""The cross-sponsor probe: a user of one sponsor never sees another sponsor's data.

For every sponsor-side route (every route that is neither public nor for Home Office staff only):
- a route that takes an object's identifier, given the first sponsor's object, answers 404 to a
  user of another sponsor (add the route to OBJECT_ROUTES to say how to find such an object);
- a route without one shows nothing of the first sponsor's (its name, users, user IDs, events).
Later capabilities extend the probe by adding routes; an unregistered route fails the test.
"""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action, can
from sms.accounts.tests.helpers import sign_in
from sms.api.services import api_token_create
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.casework.services import case_note_add
from sms.certificates.services.allocations import allocation_request_submit
from sms.certificates.services.certificates import certificate_assign, certificate_save_draft
from sms.certificates.tests.factories import draft, give_allocation
from sms.licensing.models import SponsorRequest
from sms.licensing.services.personnel import work_site_add
from sms.licensing.services.requests import variation_request_submit
from sms.notifications.models import Alert
from sms.reporting.services.facts import fact_record, person_register_from_certificate
from sms.reporting.services.obligations import obligation_report
from tests.factories import make_sponsor_user, make_staff_user
from tests.routes import all_routes
from tests.worlds import (
    audit_export_ready,
    audit_pack_world,
    certificate_import_world,
    compliance_world,
    fees_world,
    message_board_world,
    right_to_work_world,
    webhooks_world,
)

# route name -> function(world) returning the URL kwargs of one of the first sponsor's objects.
OBJECT_ROUTES: dict[str, object] = {
    "audit:export_status": lambda world: {"uuid": world["audit_export"].uuid},
    "audit:export_download": lambda world: {"uuid": world["audit_export"].uuid},
    "licensing:edit_user": lambda world: {"user_id": world["users"][1].user_id},
    "licensing:deactivate_user": lambda world: {"user_id": world["users"][1].user_id},
    "licensing:reactivate_user": lambda world: {"user_id": world["users"][1].user_id},
    "licensing:resend_activation": lambda world: {"user_id": world["users"][1].user_id},
    "licensing:close_work_site": lambda world: {"uuid": world["work_site"].uuid},
    "licensing:request_detail": lambda world: {"reference": world["request"].reference},
    "licensing:request_withdraw": lambda world: {"reference": world["request"].reference},
    "certificates:detail": lambda world: {"uuid": world["certificate"].uuid},
    "certificates:import_progress": lambda world: {"uuid": world["certificate_import"].uuid},
    "certificates:edit": lambda world: {"uuid": world["draft"].uuid},
    "certificates:assign": lambda world: {"uuid": world["draft"].uuid},
    "certificates:withdraw": lambda world: {"uuid": world["certificate"].uuid},
    "certificates:add_note": lambda world: {"uuid": world["certificate"].uuid},
    "certificates:allocation_request": lambda world: {"reference": world["allocation_request"].reference},
    "certificates:withdraw_allocation_request": lambda world: {"reference": world["allocation_request"].reference},
    "reporting:register_certificate": lambda world: {"uuid": world["certificate"].uuid},
    "reporting:person": lambda world: {"uuid": world["person"].uuid},
    "alerts:read": lambda world: {"alert": world["alert"].pk},
    "reporting:record_fact": lambda world: {"uuid": world["person"].uuid, "kind": "absence"},
    "reporting:person_details": lambda world: {"uuid": world["person"].uuid},
    "reporting:end_absence": lambda world: {"uuid": world["person"].uuid, "fact": world["open_absence"].pk},
    "reporting:obligation": lambda world: {"uuid": world["open_obligation"].uuid},
    "reporting:report": lambda world: {"uuid": world["open_obligation"].uuid},
    "reporting:cancel": lambda world: {"uuid": world["open_obligation"].uuid},
    "reporting:evidence": lambda world: {
        "uuid": world["reported_obligation"].uuid,
        "document": world["reported_obligation"].evidence.get().uuid,
    },
    "compliance:action_plan": lambda world: {"reference": world["plan"].reference},
    "auditpack:detail": lambda world: {"uuid": world["audit_pack"].uuid},
    "auditpack:download": lambda world: {"uuid": world["audit_pack"].uuid, "format": "zip"},
    "compliance:action_plan_pay": lambda world: {"reference": world["plan"].reference},
    "compliance:action_plan_paid": lambda world: {"reference": world["plan"].reference},
    "compliance:action_progress": lambda world: {"reference": world["plan"].reference, "number": 1},
    "compliance:action_evidence": lambda world: {
        "reference": world["plan"].reference,
        "number": 1,
        "uuid": world["action_evidence"].uuid,
    },
    "licensing:request_document": lambda world: {
        "reference": world["request"].reference,
        "uuid": world["request"].documents.get().uuid,
    },
    "compliance:representation": lambda world: {"reference": world["representation"].reference},
    "compliance:representation_evidence": lambda world: {
        "reference": world["representation"].reference,
        "uuid": world["representation_evidence"].uuid,
    },
    "messageboard:message": lambda world: {"pk": world["message"].pk},
    "messageboard:notice": lambda world: {"pk": world["notice"].pk},
    "righttowork:file": lambda world: {"uuid": world["person"].uuid},
    "righttowork:record_check": lambda world: {"uuid": world["person"].uuid},
    "righttowork:evidence": lambda world: {
        "uuid": world["person"].uuid,
        "check": world["rtw_check"].uuid,
        "document": world["rtw_evidence"].uuid,
    },
    "righttowork:training_edit": lambda world: {"uuid": world["training_record"].uuid},
    "api:token_revoke": lambda world: {"uuid": world["api_token"].uuid},
    "webhooks:endpoint": lambda world: {"uuid": world["webhook_endpoint"].uuid},
    "webhooks:rotate": lambda world: {"uuid": world["webhook_endpoint"].uuid},
    "webhooks:switch": lambda world: {"uuid": world["webhook_endpoint"].uuid},
    "webhooks:delete": lambda world: {"uuid": world["webhook_endpoint"].uuid},
    "webhooks:replay": lambda world: {
        "uuid": world["webhook_endpoint"].uuid,
        "delivery": world["webhook_delivery"].uuid,
    },
    "licensing:request_pay": lambda world: {"reference": world["renewal"].reference},
    "licensing:request_paid": lambda world: {"reference": world["renewal"].reference},
    "certificates:allocation_request_pay": lambda world: {"reference": world["priority_request"].reference},
    "certificates:allocation_request_paid": lambda world: {"reference": world["priority_request"].reference},
    "certificates:allocation_request_without_priority": lambda world: {
        "reference": world["priority_request"].reference
    },
}
# Routes whose arguments are not objects (the same for every sponsor): checked like list pages.
FIXED_ARGUMENT_ROUTES: dict[str, dict] = {
    "licensing:replace_key_person": {"role": "key-contact"},
}


def response_text(response) -> str:
    """Everything a response shows: the page, a streamed export, or every file inside a ZIP."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return "".join(archive.read(name).decode() for name in archive.namelist())
    return body.decode()


def sponsor_side_routes():
    return [
        route for route in all_routes() if route.action != Action.PUBLIC and route.action not in HOME_OFFICE_ACTIONS
    ]


@pytest.fixture
def world(sponsor, level_1, level_2):
    """The first sponsor's data with recognisable content: users, audit events, licence, requests."""
    audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1, payload={"marker": "ACME-SECRET"})
    audit.record(actor=level_2, verb=Verb.SIGNED_IN, target=level_2)
    site = work_site_add(sponsor=sponsor, address="Acme Secret Site, Leeds", opened_on=date(2026, 1, 5), actor=level_1)
    request = variation_request_submit(
        sponsor=sponsor,
        actor=level_1,
        kind=SponsorRequest.Kind.LINKED_ENTITIES,
        details="ACME-BRANCH-DETAILS",
        uploads=[SimpleUploadedFile("acme.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    key_contact = sponsor.key_personnel.get(role="key_contact", end_date__isnull=True)
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Zebedee-Secret"), actor=level_1)
    allocation_request = allocation_request_submit(
        sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 3}, justification="ACME-ALLOCATION"
    )
    person = person_register_from_certificate(certificate=certificate, actor=level_1)
    fact_record(person=person, actor=level_1, kind="role_change", start_date=date.today(), new_value="ACME-NEW-ROLE")
    open_absence = fact_record(
        person=person, actor=level_1, kind="absence", start_date=date.today(), authorised=True, pay="full"
    )
    fact_record(
        person=person, actor=level_1, kind="employment_ended", start_date=date.today(), end_reason="resignation"
    )
    open_obligation = person.obligations.get(event="role_change")
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="probe-caseworker@ho.example")
    case_note_add(case=allocation_request, text="ACME-CASE-NOTE on the allocation", actor=caseworker)
    case_note_add(case=request, text="ACME-CASE-NOTE on the variation", actor=caseworker)
    reported_obligation = obligation_report(
        obligation=person.obligations.get(event="employment_ended"),
        actor=level_1,
        report={"reason": "ACME-REPORT-TEXT"},
        uploads=[SimpleUploadedFile("leaver.pdf", b"%PDF-1.4\n%%EOF\n")],
        declaration=True,
    )
    board = message_board_world(sponsor, make_staff_user(role="caseworker", email="poster@ho.example"))
    compliance = compliance_world(sponsor, level_1)
    api_token, _ = api_token_create(
        actor=level_1, user=level_1, name="ACME-API-TOKEN", scope="read", expires_on=date.today() + timedelta(days=9)
    )
    return {
        "api_token": api_token,
        "audit_export": audit_export_ready(level_1),
        **webhooks_world(sponsor, level_1),
        **board,
        **compliance,
        "audit_pack": audit_pack_world(sponsor, level_1),
        "certificate_import": certificate_import_world(sponsor, level_1),
        **right_to_work_world(sponsor, level_1, person),
        **fees_world(sponsor, level_1),
        "person": person,
        "open_absence": open_absence,
        "open_obligation": open_obligation,
        "reported_obligation": reported_obligation,
        "certificate": certificate,
        "draft": draft(sponsor, level_1, family_name="Quixote-Secret"),
        "cas": certificate_save_draft(
            sponsor=sponsor, actor=level_1, data={"family_name": "Ygritte-Secret", "route": "student"}
        ),
        "allocation_request": allocation_request,
        # The "report this" alert the first sponsor's Level 1 user got for the open obligation.
        "alert": Alert.objects.get(sponsor=sponsor, rule="obligation_opened", object_id=open_obligation.pk),
        "sponsor": sponsor,
        "users": [level_1, level_2],
        "work_site": site,
        "request": request,
        "markers": [
            sponsor.name,
            sponsor.licence.number,
            level_1.email,
            level_2.email,
            level_1.user_id,
            level_2.user_id,
            key_contact.email,
            "ACME-SECRET",
            "Acme Secret Site",
            "Zebedee-Secret",
            "Quixote-Secret",
            "Ygritte-Secret",
            "ACME-NEW-ROLE",
            "ACME-REPORT-TEXT",
            "ACME-ALLOCATION",
            "ACME-CASE-NOTE",
            "ACME-API-TOKEN",
            api_token.prefix,
            "ACME-WEBHOOK",
            "acme-secret-hr.example",
            certificate.reference,
            allocation_request.reference,
            request.reference,
            board["message"].subject,
            board["notice"].subject,
            "ACME-DOWNGRADE-REASON",
            "ACME-REQUIRED-ACTION",
            "ACME-REPRESENTATIONS",
            "ACME-RTW-NOTE",
            "ACME-TRAINING-COURSE",
            "ACME-INTAKE",
            "ACME-ROUTE",
            compliance["plan"].reference,
            compliance["representation"].reference,
        ],
    }


def test_every_sponsor_route_with_an_identifier_is_registered():
    registered = OBJECT_ROUTES.keys() | FIXED_ARGUMENT_ROUTES.keys()
    unregistered = [r.name for r in sponsor_side_routes() if r.takes_arguments and r.name not in registered]
    assert unregistered == []


@pytest.mark.parametrize("level", [User.Level.LEVEL_1, User.Level.LEVEL_2])
def test_another_sponsors_user_sees_none_of_the_first_sponsors_data(client, world, other_sponsor, level):
    intruder = make_sponsor_user(sponsor=other_sponsor, level=level, email=f"{level}@intruder.example")
    sign_in(client, intruder)
    checked = 0
    for route in sponsor_side_routes():
        if route.takes_arguments and route.name not in FIXED_ARGUMENT_ROUTES:
            url = reverse(route.name, kwargs=OBJECT_ROUTES[route.name](world))
            # A role refusal (403) comes before any look-up, so it says nothing about the object.
            allowed = {404} if can(intruder, route.action) else {403, 404}
            for method in route.methods:
                response = getattr(client, method)(url)
                assert response.status_code in allowed, f"{method.upper()} {url} answered {response.status_code}"
        else:
            if "get" not in route.methods:
                continue
            response = client.get(reverse(route.name, kwargs=FIXED_ARGUMENT_ROUTES.get(route.name)))
            text = response_text(response)
            leaked = [marker for marker in world["markers"] if marker in text]
            assert leaked == [], f"{route.name} showed {leaked} to another sponsor's user"
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("level", [User.Level.LEVEL_1, User.Level.LEVEL_2])
def test_the_sponsors_own_users_never_see_the_home_offices_notes(client, world, level):
    """Internal notes are the Home Office's: no page of the sponsor's own (the request pages, the
    audit trail and its export included) shows them."""
    user = world["users"][0] if level == User.Level.LEVEL_1 else world["users"][1]
    sign_in(client, user)
    checked = 0
    for route in sponsor_side_routes():
        if "get" not in route.methods:
            continue
        if route.takes_arguments:
            kwargs = FIXED_ARGUMENT_ROUTES.get(route.name) or OBJECT_ROUTES[route.name](world)
        else:
            kwargs = None
        response = client.get(reverse(route.name, kwargs=kwargs))
        if response.status_code != 200:
            continue
        assert "ACME-CASE-NOTE" not in response_text(response), f"{route.name} showed a Home Office note"
        checked += 1
    assert checked >= 10
