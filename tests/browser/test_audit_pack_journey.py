"""A Level 1 user preparing for a compliance visit produces the audit pack and downloads it, with axe
on every page."""

from sms.accounts.models import User
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def test_level_1_produces_and_downloads_the_audit_pack(page, transactional_db):
    sponsor = SponsorFactory(name="Harbour Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@harbour.example")

    sign_in(page, level_1.email)
    page.check_accessibility()
    page.get_by_role("link", name="Audit trail").first.click()
    page.check_accessibility()
    page.get_by_role("link", name="Produce an audit pack").click()
    page.check_accessibility()
    page.get_by_label("From").fill("31/2/2026")
    page.get_by_role("button", name="Produce the audit pack").click()
    page.check_accessibility()
    assert "From must be a real date" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("From").fill("1/1/2026")
    # The test settings produce the pack inside the request (a worker does it in production), and
    # writing the PDF takes a few seconds on a busy machine.
    page.get_by_role("button", name="Produce the audit pack").click(timeout=90_000)
    page.check_accessibility()
    assert page.locator("#pack-status").inner_text() == "Ready to download"
    assert "1 January 2026 to" in page.locator("h1").inner_text()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Audit pack (PDF").click()
    assert pdf.value.suggested_filename.startswith("audit-pack-2026-01-01-to-")
    with open(pdf.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    page.get_by_role("link", name="Back to audit packs").click()
    page.check_accessibility()
    assert "Ready to download" in page.locator("#audit-packs").inner_text()
