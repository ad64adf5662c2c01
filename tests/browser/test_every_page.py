"""Every page of the service, visited in Chromium by someone allowed to see it, passes axe.

The journeys test what people do; this tour makes sure no page is left out of the accessibility
check. Downloads, the JSON health check and POST-only routes are not pages and are skipped; pages
that redirect (a public step with no draft, say) are checked where they land.
"""

from django.urls import reverse

from sms.accounts.policy import HOME_OFFICE_ACTIONS, Action
from tests.browser.test_journeys import sign_in
from tests.routes import all_routes
from tests.worlds import ARGUMENTS, build_world

NOT_PAGES = {
    "portal:healthz",
    "register:csv",
    "audit:export",
    "audit:home_office_export",
    "certificates:import_template",
    "certificates:import_cas_schema",
    "certificates:cas_export",
    "reporting:facts_template",
    "reporting:evidence",
    "reporting:ho_evidence",
    "licensing:request_document",
    "licensing:ho_application_document",
    "licensing:ho_request_document",
    "compliance:action_evidence",
    "compliance:ho_action_evidence",
    "compliance:ho_representation_evidence",
    "righttowork:evidence",
    "compliance:representation_evidence",
    "auditpack:download",
}
PUBLIC_ARGUMENTS = {
    "accounts:activate": {"uidb64": "MQ", "token": "not-a-real-token"},
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "not-a-real-token"},
    "licensing:apply_step": {"slug": "organisation"},
    "licensing:apply_more_information": {"reference": "ANOTREAL00", "token": "not-a-real-token"},
}


def pages(audience):
    for route in all_routes():
        if route.name in NOT_PAGES or "get" not in route.methods:
            continue
        if route.action == Action.PUBLIC:
            kind = "public"
        elif route.action in HOME_OFFICE_ACTIONS:
            kind = "home_office"
        else:
            kind = "sponsor"
        if kind == audience:
            yield route


def url_for(route, world):
    if not route.takes_arguments:
        return reverse(route.name)
    arguments = PUBLIC_ARGUMENTS.get(route.name) or ARGUMENTS[route.name](world)
    return reverse(route.name, kwargs=arguments)


def tour(page, audience, world) -> int:
    visited = 0
    for route in pages(audience):
        page.goto(url_for(route, world))
        page.check_accessibility()
        assert page.locator("h1").count() >= 1, f"{route.name} has no heading"
        visited += 1
    return visited


def test_every_public_page_passes_axe(page, transactional_db, sponsor, level_1, level_2):
    world = build_world(sponsor, level_1, level_2)
    assert tour(page, "public", world) >= 10


def test_every_sponsor_page_passes_axe(page, transactional_db, sponsor, level_1, level_2):
    world = build_world(sponsor, level_1, level_2)
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert tour(page, "sponsor", world) >= 30


def test_every_home_office_page_passes_axe(page, transactional_db, sponsor, level_1, level_2):
    world = build_world(sponsor, level_1, level_2)
    sign_in(page, world["people"]["administrator"].email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    assert tour(page, "home_office", world) >= 20
