"""Compliance in Chromium with axe on every page: a compliance officer downgrades a route to B with
required actions; the Level 1 user sees why, pays the action plan fee (sandbox provider: a declined
card first, then paid), records progress with evidence; the officer restores the A rating."""

from pathlib import Path

from sms.accounts.models import User
from sms.compliance.models import ActionPlan
from sms.licensing.models import Rating
from tests.browser.test_journeys import sign_in
from tests.browser.test_licensing_journeys import sign_out
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_downgrade_pay_complete_and_restore(page, transactional_db, settings, tmp_path: Path):
    settings.PAYMENT_PROVIDER = "sandbox"
    sponsor = SponsorFactory(name="Harbour Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@harbour.example")
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="cora@ho.example")
    evidence = tmp_path / "training-record.pdf"
    evidence.write_bytes(PDF)

    # The compliance officer downgrades the Skilled Worker route.
    sign_in(page, officer.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Sponsors").first.click()
    page.check_accessibility()
    page.get_by_role("link", name="Harbour Care Ltd").click()
    page.check_accessibility()
    page.get_by_role("link", name="Change rating for Skilled Worker").click()
    page.check_accessibility()
    page.get_by_label("B-rating").check()
    page.get_by_label("Reasons").fill("Right to work checks missing for 3 workers")
    page.get_by_role("button", name="Save rating").click()
    page.check_accessibility()
    assert "Enter the actions the sponsor must take" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Required actions (for a downgrade to B)").fill("Complete right to work checks\nTrain HR staff")
    page.get_by_role("button", name="Save rating").click()
    page.check_accessibility()
    plan = ActionPlan.objects.get(sponsor=sponsor)
    sign_out(page)

    # The Level 1 user sees why, and pays: the card is declined, then the fee is paid.
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/licence/")
    page.check_accessibility()
    assert "Right to work checks missing for 3 workers" in page.locator("main").inner_text()
    page.get_by_role("link", name=f"Action plan {plan.reference}").click()
    page.check_accessibility()
    page.get_by_role("button", name="Pay £1,579 now").click()
    page.check_accessibility()
    page.get_by_role("button", name="Card declined").click()
    page.check_accessibility()
    assert "Your payment was not completed" in page.locator("main").inner_text()
    assert "not paid, due by" in page.locator("#plan-fee").inner_text()
    page.get_by_role("button", name="Pay £1,579 now").click()
    page.check_accessibility()
    page.get_by_role("button", name="Pay £1,579").click()
    page.check_accessibility()
    assert "Payment received" in page.locator("main").inner_text()
    assert "In progress" in page.locator("#plan-status").inner_text()

    for number in (1, 2):
        page.get_by_role("link", name=f"Record progress on action {number}").click()
        page.check_accessibility()
        page.get_by_role("radio", name="Done").check()
        page.get_by_label("What have you done?").fill("Completed and recorded")
        page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
        page.get_by_role("button", name="Save progress").click()
        page.check_accessibility()
    assert page.locator("#plan-actions").inner_text().count("training-record.pdf") == 2
    sign_out(page)

    # The officer reviews the plan and restores the A rating.
    sign_in(page, officer.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Action plans").first.click()
    page.check_accessibility()
    assert "2 of 2" in page.locator("#action-plans").inner_text()
    page.get_by_role("link", name=plan.reference).click()
    page.check_accessibility()
    assert page.locator("#plan-actions").inner_text().count("training-record.pdf") == 2
    page.get_by_role("link", name="Review the plan").click()
    page.check_accessibility()
    page.get_by_label("Restore the A rating").check()
    page.get_by_label("Reasons").fill("Every action completed with evidence")
    page.get_by_role("button", name="Save decision").click()
    page.check_accessibility()
    assert "Completed: A rating restored" in page.locator("#plan-status").inner_text()
    assert sponsor.licence.routes.get().rating == Rating.A
