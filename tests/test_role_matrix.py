"""The role matrix through the pages: for every route and every role, the policy's answer is what
the page does. A refused role gets 403; an allowed one gets exactly the status in ``STATUS``: 200 for
a page, and for a form posted empty (it is shown again with its errors), unless listed there (a
302 for a button that does its work and redirects, or a page that sends the person on).

Each request runs in a transaction that is rolled back, so one case's effects (a deactivated user,
a granted request) cannot change the next.
"""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from sms.accounts.policy import Action, can
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft
from sms.reporting.models import Obligation
from sms.reporting.services.facts import person_register_from_certificate
from tests.routes import all_routes
from tests.worlds import ARGUMENTS, OBJECT_OF_ROUTE, build_world

# (method, route) -> the status every allowed role gets, where it is not 200.
STATUS = {
    ("get", "portal:home"): 302,  # sends each person to their side's home page
    ("get", "accounts:recovery_codes"): 302,  # no authenticator app set up yet: to set-up
    ("post", "accounts:recovery_codes"): 302,
    ("post", "accounts:sign_out"): 302,
    ("post", "accounts:unlock_account"): 302,
    ("post", "licensing:deactivate_user"): 302,
    ("post", "licensing:reactivate_user"): 302,
    ("post", "licensing:resend_activation"): 302,
    ("post", "accounts:reactivate_account"): 302,
    ("post", "accounts:deactivate_account"): 302,
    ("post", "accounts:resend_activation_account"): 302,
    ("post", "licensing:request_withdraw"): 302,
    ("post", "licensing:ho_request_grant"): 302,
    ("post", "certificates:withdraw_allocation_request"): 302,
    ("post", "certificates:assign"): 302,
    ("post", "certificates:add_note"): 302,
    ("post", "reporting:register_certificate"): 302,
    ("post", "portal:closure_day_remove"): 302,
    ("post", "casework:sponsor_user_action"): 302,
    ("post", "compliance:action_plan_pay"): 302,  # back to the plan (already paid) or on to the provider
    ("get", "compliance:action_plan_paid"): 302,  # back to the plan with the provider's answer
    ("post", "api:token_revoke"): 302,
    ("post", "webhooks:switch"): 302,
    ("post", "webhooks:delete"): 302,
    ("post", "webhooks:replay"): 302,
    ("post", "licensing:request_pay"): 302,  # on to the provider (or back to the renewal)
    ("get", "licensing:request_paid"): 302,  # back to the renewal with the provider's answer
    ("post", "certificates:allocation_request_pay"): 302,
    ("get", "certificates:allocation_request_paid"): 302,
    ("post", "certificates:allocation_request_without_priority"): 302,
    ("post", "alerts:read"): 302,  # back to the notifications
    ("post", "alerts:read_all"): 302,
}


class _Undo(Exception):
    pass


@pytest.fixture
def world(sponsor, level_1, level_2):
    return build_world(sponsor, level_1, level_2)


def checked_routes():
    return [route for route in all_routes() if route.action != Action.PUBLIC]


def test_every_route_with_arguments_has_an_example():
    missing = [route.name for route in checked_routes() if route.takes_arguments and route.name not in ARGUMENTS]
    assert missing == []


def test_every_role_gets_exactly_what_the_policy_allows(client, world):
    checked = 0
    for route in checked_routes():
        url = reverse(route.name, kwargs=ARGUMENTS[route.name](world) if route.takes_arguments else None)
        for method in route.methods:
            for role, person in world["people"].items():
                try:
                    with transaction.atomic():
                        client.force_login(person)
                        response = getattr(client, method)(url)
                        client.logout()
                        raise _Undo
                except _Undo:
                    pass
                target = OBJECT_OF_ROUTE[route.name](world) if route.name in OBJECT_OF_ROUTE else None
                allowed = can(person, route.action, target)
                where = f"{method.upper()} {url} as {role}"
                if allowed:
                    expected = STATUS.get((method, route.name), 200)
                    assert response.status_code == expected, f"{where} answered {response.status_code}, not {expected}"
                else:
                    assert response.status_code == 403, f"{where} answered {response.status_code}, not 403"
                checked += 1
    assert checked > 300


def test_level_2_reports_only_about_certificates_they_created_and_assigned(client, world, sponsor, level_2):
    """The own-only rule with the object, through the pages: the world's worker has a certificate a
    Level 1 user created and assigned; ``own`` one that the Level 2 user created and assigned."""
    own_certificate = certificate_assign(certificate=draft(sponsor, level_2, family_name="Own"), actor=level_2)
    own = person_register_from_certificate(certificate=own_certificate, actor=level_2)
    theirs = world["person"]
    client.force_login(level_2)
    for name in ("reporting:record_fact", "reporting:person_details"):
        kwargs = {"uuid": own.uuid, **({"kind": "absence"} if name == "reporting:record_fact" else {})}
        assert client.post(reverse(name, kwargs=kwargs)).status_code == 200
        assert client.post(reverse(name, kwargs={**kwargs, "uuid": theirs.uuid})).status_code == 403

    page = reverse("reporting:open_obligation")
    choices = client.get(page).context["form"].fields["person"].choices
    assert [label for _, label in choices] == [own.full_name]
    data = {"event": "breach_of_conditions", "trigger_date": date.today().strftime("%d/%m/%Y"), "details": ""}
    before = Obligation.objects.count()
    assert "Select a valid choice" in client.post(page, {**data, "person": str(theirs.uuid)}).content.decode()
    assert "Select who it is about" in client.post(page, {**data, "person": ""}).content.decode()
    assert Obligation.objects.count() == before
    assert client.post(page, {**data, "person": str(own.uuid)}).status_code == 302
    assert Obligation.objects.filter(person=own, event="breach_of_conditions").exists()
