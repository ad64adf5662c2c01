"""Fees through the payment provider in Chromium with axe on every page (sandbox provider): a
Level 1 user renews the licence (the card is cancelled first, then the fee is paid) and asks for
certificates with the priority service (declined, then sent without the priority service)."""

from datetime import timedelta

from django.utils import timezone

from sms.accounts.models import User
from sms.certificates.models import AllocationRequest
from sms.licensing.models import Licence, SponsorRequest
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def test_renewal_and_priority_service_fees(page, transactional_db, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    sponsor = SponsorFactory(name="Harbour Care Ltd")
    Licence.objects.filter(sponsor=sponsor).update(expiry_date=timezone.localdate() + timedelta(days=40))
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@harbour.example")
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()

    # Renewal: the payer cancels on the pay page; the renewal waits; then they pay.
    page.goto("/licence/")
    page.check_accessibility()
    page.get_by_role("link", name="Apply to renew").click()
    page.check_accessibility()
    assert "You pay it on the next page" in page.locator("main").inner_text()
    page.get_by_label("I confirm the licence details are up to date", exact=False).check()
    page.get_by_role("button", name="Apply and pay").click()
    page.wait_for_url("**/payments/sandbox/**")
    page.check_accessibility()
    page.get_by_role("button", name="Cancel payment").click()
    page.wait_for_url("**/licence/requests/**")
    page.check_accessibility()
    assert "Your payment was not completed (payment cancelled)" in page.locator("main").inner_text()
    assert page.locator("#request-status").inner_text() == "Waiting for payment"
    assert page.locator("#request-fee").inner_text() == "£1,579: not paid"
    renewal = SponsorRequest.objects.get(kind=SponsorRequest.Kind.RENEWAL)
    assert renewal.status == SponsorRequest.Status.AWAITING_PAYMENT
    page.get_by_role("button", name="Pay £1,579 now").click()
    page.wait_for_url("**/payments/sandbox/**")
    page.check_accessibility()
    page.get_by_role("button", name="Pay £1,579").click()
    page.wait_for_url("**/licence/requests/**")
    page.check_accessibility()
    renewal.refresh_from_db()
    assert renewal.status == SponsorRequest.Status.SUBMITTED
    assert f"Payment received: £1,579, reference {renewal.payment_reference}" in page.locator("main").inner_text()
    assert page.locator("#request-status").inner_text() == "Awaiting decision"

    # Priority service: the card is declined; the request waits; it goes without the priority service.
    page.goto("/certificates/allocations/")
    page.check_accessibility()
    page.get_by_role("link", name="Request certificates").click()
    page.check_accessibility()
    page.get_by_label("Allocation increase").check()
    page.get_by_label("Worker CoS (undefined)").fill("4")
    page.get_by_label("Why do you need them?").fill("Four nurses for a new ward")
    page.get_by_label("Use the priority service", exact=False).check()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/payments/sandbox/**")
    page.check_accessibility()
    assert page.get_by_role("heading", name="Pay £350").is_visible()
    page.get_by_role("button", name="Card declined").click()
    page.wait_for_url("**/allocations/requests/**")
    page.check_accessibility()
    assert "Your payment was not completed (payment failed)" in page.locator("main").inner_text()
    assert page.locator("#allocation-request-priority").inner_text() == "Yes, £350: not paid"
    page.get_by_role("button", name="Send without the priority service").click()
    page.wait_for_url("**/allocations/requests/**")
    page.check_accessibility()
    request = AllocationRequest.objects.get()
    assert request.status == AllocationRequest.Status.SUBMITTED
    assert request.priority is False
    assert page.locator("#allocation-request-status").inner_text() == "Awaiting decision"
