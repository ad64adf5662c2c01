"""Webhooks in Chromium, with axe on every page: a Level 1 user registers an endpoint (refused first
for a plain http address and no events), sees the secret once, an event is delivered to a receiver
on 127.0.0.1, and the user sees it in the delivery log and sends it again."""

from sms.accounts.models import User
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.webhooks.tests.receiver import receiver
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def test_a_level_1_user_registers_an_endpoint_and_sees_its_delivery_log(page, transactional_db, live_server):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    give_allocation(sponsor)

    with receiver([200]) as (url, received):
        sign_in(page, level_1.email)
        page.wait_for_url("**/sponsor/")
        page.check_accessibility()
        page.get_by_role("link", name="Users").first.click()
        page.check_accessibility()
        page.get_by_role("link", name="Webhooks").click()
        page.wait_for_url("**/webhooks/")
        page.check_accessibility()
        page.get_by_role("link", name="Register a webhook endpoint").click()
        page.check_accessibility()
        page.get_by_label("Description").fill("HR system")
        page.get_by_label("Web address (URL)").fill("http://hr.example.com/hook")
        page.get_by_role("button", name="Register endpoint").click()
        page.check_accessibility()
        errors = page.locator(".govuk-error-summary").inner_text()
        assert "The web address must start with https://" in errors
        assert "Select at least one event" in errors
        page.get_by_label("Web address (URL)").fill(url)
        page.get_by_label("A certificate's status changed").check()
        page.get_by_role("button", name="Register endpoint").click()
        page.check_accessibility()
        secret = page.locator("#webhook-secret").inner_text().strip()
        assert secret.startswith("whsec_")

        certificate_assign(certificate=draft(sponsor, level_1, family_name="Okoro"), actor=level_1)
        assert len(received) == 1

        page.get_by_role("link", name="Go to the endpoint and its delivery log").click()
        page.check_accessibility()
        assert secret not in page.content()
        log = page.locator(".govuk-summary-card").inner_text()
        assert "Delivered" in log
        assert "answered 200" in log
        page.get_by_role("button", name="Send again").click()
        page.check_accessibility()
        assert "The delivery will be sent again" in page.locator(".govuk-notification-banner").inner_text()
        assert page.locator(".govuk-summary-card").inner_text().count("answered 200") == 2
        assert len(received) == 2
        assert received[0][1] == received[1][1]

        page.get_by_role("link", name="Rotate the signing secret").click()
        page.check_accessibility()
        page.get_by_role("button", name="Rotate secret").click()
        page.check_accessibility()
        assert page.locator("#webhook-secret").inner_text().strip() not in ("", secret)
        page.get_by_role("link", name="Go to the endpoint and its delivery log").click()
        page.check_accessibility()
        page.get_by_role("button", name="Disable endpoint").click()
        page.check_accessibility()
        assert page.locator("#endpoint-status").inner_text().startswith("Disabled")
        page.get_by_role("link", name="Delete endpoint").click()
        page.check_accessibility()
        page.get_by_role("button", name="Delete endpoint").click()
        page.wait_for_url("**/webhooks/")
        page.check_accessibility()
        assert "There are no webhook endpoints yet" in page.locator("main").inner_text()
