"""Casework in Chromium with axe on every page: a caseworker finds an allocation request in the
workspace, takes it, adds an internal note and decides it; the staff view of the sponsor."""

from sms.accounts.models import User
from sms.certificates.services.allocations import allocation_request_submit
from sms.certificates.tests.factories import give_allocation
from tests.browser.test_certificate_journeys import open_menu, sign_out
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user


def test_a_caseworker_takes_notes_and_decides_an_allocation_request(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="amara@ho.example")
    give_allocation(sponsor)
    request = allocation_request_submit(
        sponsor=sponsor, actor=level_1, kind="increase", requested={"worker": 8}, justification="New product team"
    )

    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    open_menu(page, "Casework")
    assert "1" in page.locator('[data-queue="allocation_requests"]').inner_text()
    page.get_by_label("Search").fill(sponsor.licence.number)
    page.get_by_role("button", name="Show cases").click()
    page.check_accessibility()
    page.get_by_role("link", name=request.reference).click()
    page.check_accessibility()
    assert "Not assigned to anyone" in page.locator("#case-owner").inner_text()
    assert "Skilled Worker" in page.locator("#route-ratings").inner_text()

    page.get_by_role("button", name="Take this case").click()
    page.check_accessibility()
    assert "(you)" in page.locator("#case-owner").inner_text()
    page.get_by_label("Add a note").fill("Forecast shows they run out in March")
    page.get_by_role("button", name="Add note").click()
    page.check_accessibility()
    assert "Forecast shows they run out in March" in page.locator("#case-notes").inner_text()

    page.get_by_label("Worker CoS (undefined) to grant (requested 8)").fill("5")
    page.get_by_label("Reasons (needed when granting less than requested)").fill("Five now; ask again in March")
    page.get_by_role("button", name="Save decision").click()
    page.check_accessibility()
    open_menu(page, "Casework")
    assert "No cases match" in page.content()

    # The staff view of the sponsor carries the note; the sponsor never sees it.
    page.goto(f"/home-office/casework/sponsors/{sponsor.uuid}/notes/")
    page.check_accessibility()
    assert "Forecast shows they run out in March" in page.locator("#sponsor-notes").inner_text()
    page.goto(f"/home-office/casework/sponsors/{sponsor.uuid}/")
    page.check_accessibility()
    page.get_by_role("link", name="People and users").click()
    page.check_accessibility()
    page.get_by_role("link", name="Certificates").last.click()
    page.check_accessibility()
    sign_out(page)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto(f"/certificates/allocations/requests/{request.reference}/")
    page.check_accessibility()
    assert "Partly granted" in page.locator("#allocation-request-status").inner_text()
    assert "Forecast shows" not in page.content()
