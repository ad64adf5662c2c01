"""The cross-sponsor probe: a user of one sponsor never sees another sponsor's data.

For every sponsor-side route (every route that is neither public nor for Home Office staff only):
- a route that takes an object's identifier, given the first sponsor's object, answers 404 to a
  user of another sponsor (add the route to OBJECT_ROUTES to say how to find such an object);
- a route without one shows nothing of the first sponsor's (its name, users, user IDs, events).
Later capabilities extend the probe by adding routes; an unregistered route fails the test.
"""

import pytest
from django.urls import reverse

from sms.accounts.models import User
from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action
from sms.accounts.tests.helpers import sign_in
from sms.audit import services as audit
from sms.audit.models import Verb
from tests.factories import make_sponsor_user
from tests.routes import all_routes

# route name -> function(world) returning the URL kwargs of one of the first sponsor's objects.
OBJECT_ROUTES: dict[str, object] = {}


def sponsor_side_routes():
    return [
        route
        for route in all_routes()
        if route.action != Action.PUBLIC and route.action not in HOME_OFFICE_ACTIONS
    ]


@pytest.fixture
def world(sponsor, level_1, level_2):
    """The first sponsor's data: users and audit events with recognisable content."""
    audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1, payload={"marker": "ACME-SECRET"})
    audit.record(actor=level_2, verb=Verb.SIGNED_IN, target=level_2)
    return {
        "sponsor": sponsor,
        "users": [level_1, level_2],
        "markers": [
            sponsor.name,
            level_1.email,
            level_2.email,
            level_1.user_id,
            level_2.user_id,
            "ACME-SECRET",
        ],
    }


def test_every_sponsor_route_with_an_identifier_is_registered():
    unregistered = [
        r.name for r in sponsor_side_routes() if r.takes_arguments and r.name not in OBJECT_ROUTES
    ]
    assert unregistered == []


@pytest.mark.parametrize("level", [User.Level.LEVEL_1, User.Level.LEVEL_2])
def test_another_sponsors_user_sees_none_of_the_first_sponsors_data(client, world, other_sponsor, level):
    intruder = make_sponsor_user(sponsor=other_sponsor, level=level, email=f"{level}@intruder.example")
    sign_in(client, intruder)
    checked = 0
    for route in sponsor_side_routes():
        if route.takes_arguments:
            url = reverse(route.name, kwargs=OBJECT_ROUTES[route.name](world))
            for method in route.methods:
                response = getattr(client, method)(url)
                assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
        else:
            if "get" not in route.methods:
                continue
            response = client.get(reverse(route.name))
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode()
            leaked = [marker for marker in world["markers"] if marker in text]
            assert leaked == [], f"{route.name} showed {leaked} to another sponsor's user"
        checked += 1
    assert checked >= 4
