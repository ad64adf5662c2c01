"""Secure by default: every view declares the policy action it performs."""

from sms.accounts.policy import Action
from tests.routes import all_routes

# Public pages are a deliberate choice: adding one means adding it here.
PUBLIC_ROUTES = {
    "portal:healthz",
    # The sandbox payment provider's pay page, reached by its unguessable payment link (like GOV.UK Pay's).
    "payments:sandbox_pay",
    "portal:accessibility",
    "portal:cookies",
    "portal:privacy",
    "accounts:sign_in",
    "accounts:signed_out",
    "accounts:activate",
    "accounts:activation_done",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_confirm",
    "accounts:password_reset_done",
    "licensing:apply_start",
    "licensing:apply_step",
    "licensing:apply_documents",
    "licensing:apply_check",
    "licensing:apply_pay",
    "licensing:apply_payment_return",
    "licensing:apply_submitted",
    "licensing:apply_more_information",
    "register:register",
    "register:csv",
    # The API's description (an OpenAPI document and the page listing its endpoints), and the
    # problem answer for an address under /api/ that names no endpoint.
    "api:docs",
    "api:schema",
    "api:not_found",
}


def test_every_route_declares_a_policy_action():
    missing = [route.pattern for route in all_routes(api=True) if route.action not in set(Action)]
    assert missing == [], f"Views without a policy action: {missing}"


def test_only_the_listed_routes_are_public():
    public = {route.name for route in all_routes(api=True) if route.action == Action.PUBLIC}
    assert public == PUBLIC_ROUTES


def test_public_routes_need_no_sign_in_and_the_rest_do():
    for route in all_routes():
        login_required = getattr(route.callback, "login_required", True)
        assert login_required is (route.action != Action.PUBLIC), route.name


def test_api_endpoints_are_signed_in_by_a_token_not_a_session():
    """The sign-in redirect does not apply to the API: a request without a valid token is a 401
    (tests/test_api_routes.py), and a session alone signs nothing in."""
    endpoints = [route for route in all_routes(api=True) if route.is_api]
    assert len(endpoints) >= 15
    for route in endpoints:
        assert getattr(route.callback, "login_required", True) is False, route.name


def test_the_resolver_walk_finds_routes_from_every_app():
    names = {route.name.split(":")[0] for route in all_routes(api=True)}
    assert {"portal", "accounts", "audit", "licensing", "certificates", "reporting", "messageboard", "api"} <= names
