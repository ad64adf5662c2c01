"""API tokens in Chromium, with axe on every page: a Level 1 user creates a token (refused first
for a missing name), sees it once, uses it, and revokes it; the token then stops working."""

from datetime import date, timedelta

from sms.accounts.models import User
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def test_a_level_1_user_creates_uses_and_revokes_an_api_token(page, transactional_db, live_server):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.get_by_role("link", name="Users").first.click()
    page.check_accessibility()
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/api-tokens/")
    page.check_accessibility()
    page.get_by_role("link", name="Create an API token").click()
    page.check_accessibility()
    page.get_by_role("button", name="Create token").click()
    page.check_accessibility()
    assert "Enter a name for the token" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Name").fill("Payroll export")
    page.get_by_label("Read and write").check()
    page.get_by_label("Expiry date").fill((date.today() + timedelta(days=90)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Create token").click()
    page.check_accessibility()
    secret = page.locator("#api-token").inner_text().strip()
    assert secret.startswith("sms_")

    answer = page.request.get(f"{live_server.url}/api/v1/licence/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200

    page.get_by_role("link", name="Back to API tokens").click()
    page.check_accessibility()
    # The page that showed the token is not kept: going back cannot show it again.
    page.get_by_role("link", name="API", exact=True).click()
    page.wait_for_url("**/api/v1/docs/")
    page.check_accessibility()
    assert "Worker facts" in page.locator("main").inner_text()
    page.goto("/api-tokens/")
    page.check_accessibility()
    assert "Payroll export" in page.locator("#api-tokens").inner_text()
    assert secret not in page.content()
    page.get_by_role("link", name="Revoke Payroll export").click()
    page.check_accessibility()
    page.get_by_role("button", name="Revoke token").click()
    page.wait_for_url("**/api-tokens/")
    page.check_accessibility()
    assert "Revoked" in page.locator("#api-tokens").inner_text()
    refused = page.request.get(f"{live_server.url}/api/v1/licence/", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
