"""The JSON API's route-wide checks, through tokens (the API's only sign-in): for every endpoint,

- without a token, or with a bad one, a 401 problem;
- the role matrix: each sponsor role's token gets what the policy allows, and a 403 otherwise;
- a read-only token may not POST;
- the cross-sponsor probe: another sponsor's tokens get 404 for every object of the first sponsor,
  and no list shows anything of the first sponsor's.

Each request runs in a transaction that is rolled back, so one case cannot change the next. An
unregistered endpoint with an identifier fails the first test.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.policy import Action, can
from sms.api.tests.helpers import api_client, token_for
from tests.factories import make_sponsor_user
from tests.routes import all_routes
from tests.worlds import build_world

# endpoint -> function(world) giving the URL arguments of one of the world's objects.
API_ARGUMENTS = {
    "api:certificate": lambda w: {"uuid": w["certificate"].uuid},
    "api:certificate_assign": lambda w: {"uuid": w["draft"].uuid},
    "api:certificate_withdraw": lambda w: {"uuid": w["certificate"].uuid},
    "api:certificate_note": lambda w: {"uuid": w["certificate"].uuid},
    "api:worker": lambda w: {"uuid": w["person"].uuid},
    "api:worker_facts": lambda w: {"uuid": w["person"].uuid},
    "api:worker_absence_end": lambda w: {"uuid": w["person"].uuid, "fact": w["open_absence"].uuid},
    "api:obligation": lambda w: {"uuid": w["open_obligation"].uuid},
    "api:obligation_report": lambda w: {"uuid": w["open_obligation"].uuid},
    "api:webhook_delete": lambda w: {"uuid": w["webhook_endpoint"].uuid},
    "api:webhook_deliveries": lambda w: {"uuid": w["webhook_endpoint"].uuid},
}
# endpoint -> the object the policy is asked about (Level 2's own-only rules).
API_OBJECT = {
    "api:certificate_assign": lambda w: w["draft"],
    "api:certificate_withdraw": lambda w: w["certificate"],
    "api:certificate_note": lambda w: w["certificate"],
    "api:worker_facts": lambda w: w["person"],
    "api:worker_absence_end": lambda w: w["person"],
    "api:obligation_report": lambda w: w["open_obligation"],
}


class _Undo(Exception):
    pass


def endpoints():
    return [route for route in all_routes(api=True) if route.is_api and route.action != Action.PUBLIC]


def methods(route) -> list[str]:
    view = route.callback.view_class
    return [method for method in ("get", "post") if hasattr(view, method)]


def url_of(route, world) -> str:
    return reverse(route.name, kwargs=API_ARGUMENTS[route.name](world) if route.takes_arguments else None)


def request(client, method, url):
    """One request, rolled back afterwards."""
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, {}, content_type="application/json")
            raise _Undo
    except _Undo:
        return response


@pytest.fixture
def world(sponsor, level_1, level_2):
    return build_world(sponsor, level_1, level_2)


def test_every_endpoint_with_an_identifier_has_an_example():
    assert [r.name for r in endpoints() if r.takes_arguments and r.name not in API_ARGUMENTS] == []
    assert len(endpoints()) >= 15


def test_without_a_valid_token_every_endpoint_answers_401_with_a_problem(client, world, level_1):
    _, secret = token_for(level_1)
    for credentials in ({}, {"HTTP_AUTHORIZATION": "Bearer sms_0000000000_nope"}, {"HTTP_AUTHORIZATION": secret}):
        for route in endpoints():
            for method in methods(route):
                response = getattr(client, method)(url_of(route, world), **credentials)
                assert response.status_code == 401, f"{method} {route.name}: {response.status_code}"
                assert response["Content-Type"] == "application/problem+json"
                assert response.json()["status"] == 401
                assert response["WWW-Authenticate"].startswith("Bearer")


def test_every_role_gets_exactly_what_the_policy_allows(world):
    checked = 0
    for role in ("level_1", "level_2"):
        person = world["people"][role]
        client = api_client(token_for(person)[1])
        for route in endpoints():
            view = route.callback.view_class()
            for method in methods(route):
                action = view.policy_action_for(method.upper())
                target = API_OBJECT[route.name](world) if route.name in API_OBJECT and method == "post" else None
                response = request(client, method, url_of(route, world))
                where = f"{method.upper()} {route.name} as {role}"
                if can(person, action, target):
                    assert response.status_code not in (401, 403, 404), f"{where}: {response.status_code}"
                    assert response.status_code < 500, f"{where}: {response.status_code}"
                else:
                    assert response.status_code == 403, f"{where}: {response.status_code}"
                    assert response.json()["status"] == 403
                checked += 1
    assert checked >= 40


def test_a_read_only_token_may_read_but_never_post(world, level_1):
    client = api_client(token_for(level_1, scope="read")[1])
    for route in endpoints():
        for method in methods(route):
            response = request(client, method, url_of(route, world))
            if method == "post":
                assert response.status_code == 403, route.name
                assert response.json()["detail"] == "This token is read only"
            else:
                assert response.status_code == 200, route.name


MARKERS = ("Assigned", "Drafted", "Board-Message-Marker", "Board-Notice-Marker")


@pytest.mark.parametrize("level", [User.Level.LEVEL_1, User.Level.LEVEL_2])
def test_another_sponsors_token_finds_none_of_the_first_sponsors_objects(world, other_sponsor, level):
    intruder = make_sponsor_user(sponsor=other_sponsor, level=level, email=f"{level}@intruder.example")
    client = api_client(token_for(intruder)[1])
    markers = [*MARKERS, world["certificate"].reference, str(world["person"].uuid), world["sponsor"].name]
    checked = 0
    for route in endpoints():
        view = route.callback.view_class()
        for method in methods(route):
            response = request(client, method, url_of(route, world))
            if route.takes_arguments:
                allowed = {404} if can(intruder, view.policy_action_for(method.upper())) else {403, 404}
                assert response.status_code in allowed, f"{method} {route.name}: {response.status_code}"
            elif method == "get" and response.status_code == 200:
                text = response.content.decode()
                leaked = [marker for marker in markers if marker in text]
                assert leaked == [], f"{route.name} showed {leaked} to another sponsor's token"
            checked += 1
    assert checked >= 20
