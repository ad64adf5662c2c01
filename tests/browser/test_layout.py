"""The layout in Chromium: narrow screens, landmarks, and focus after a failed submit."""

from django.urls import reverse

from sms.certificates.tests.factories import draft
from tests.browser.test_journeys import sign_in
from tests.worlds import build_world

NARROW = {"width": 320, "height": 640}


def test_at_320_pixels_wide_the_page_never_scrolls_sideways(page, transactional_db, sponsor, level_1, level_2):
    build_world(sponsor, level_1, level_2)  # a certificate, a worker, users and audit events of every kind
    for number in range(3):
        draft(sponsor, level_1, family_name=f"Featherstonehaugh-Cholmondeley {number}")
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.set_viewport_size(NARROW)
    for name in ("certificates:list", "licensing:access_register", "audit:trail", "reporting:register"):
        page.goto(reverse(name))
        page.check_accessibility()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{name} is {width}px wide"
        region = page.locator("div.app-table-scroll").first
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-label")


def test_the_phase_banner_and_back_link_sit_inside_landmarks(page, transactional_db, level_1):
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto(reverse("certificates:import"))
    page.check_accessibility()
    in_landmark = "e => !!e.closest('header, main, nav, footer, aside, [role=region]')"
    assert page.locator(".govuk-phase-banner").evaluate(in_landmark)
    assert page.locator(".govuk-back-link").evaluate(in_landmark)
    results = page.evaluate("async () => await axe.run(document, {runOnly: {type: 'rule', values: ['region']}})")
    assert results["violations"] == []


def test_after_the_skip_link_a_failed_submit_focuses_the_error_summary(page, transactional_db, level_1):
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto(reverse("certificates:create"))
    page.check_accessibility()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    assert "#" not in page.url
    page.wait_for_function("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert "Enter the worker's family name" in page.locator(".govuk-error-summary").inner_text()
