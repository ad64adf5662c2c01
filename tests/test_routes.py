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
}


def test_every_route_declares_a_policy_action():
    missing = [route.pattern for route in all_routes() if route.action not in set(Action)]
    assert missing == [], f"Views without a policy action: {missing}"


def test_only_the_listed_routes_are_public():
    public = {route.name for route in all_routes() if route.action == Action.PUBLIC}
    assert public == PUBLIC_ROUTES


def test_public_routes_need_no_sign_in_and_the_rest_do():
    for route in all_routes():
        login_required = getattr(route.callback, "login_required", True)
        assert login_required is (route.action != Action.PUBLIC), route.name


def test_the_resolver_walk_finds_routes_from_every_app():
    names = {route.name.split(":")[0] for route in all_routes()}
    assert {"portal", "accounts", "audit", "licensing", "certificates", "reporting", "messageboard"} <= names
