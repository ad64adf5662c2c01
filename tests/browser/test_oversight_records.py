"""The records added for Home Office oversight, in Chromium with axe on every page: the staff view
of a sponsor's visits and action plans; staff changing and withdrawing a message; the sponsor's
list of action plans and its own representations with their evidence."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sms.accounts.models import User
from sms.compliance import services as compliance
from sms.licensing.models import Rating
from sms.licensing.services.licence import licence_suspend
from sms.messageboard.services import message_post
from sms.visits.services import visit_plan
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user

PDF = b"%PDF-1.4\n%%EOF\n"


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.check_accessibility()


def test_staff_see_visits_and_plans_and_change_then_withdraw_a_message(page, transactional_db):
    sponsor = SponsorFactory(name="Riverside Logistics Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="dan@riverside.example")
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="sean@ho.example")
    visit_plan(
        actor=officer,
        sponsor=sponsor,
        visit_date=timezone.localdate() + timedelta(days=14),
        announced=True,
        officer=officer,
    )
    compliance.route_rate(
        licence_route=sponsor.licence.routes.get(),
        rating=Rating.B,
        actor=officer,
        reason="Late reports",
        required_actions="Train HR staff",
    )
    message_post(actor=officer, subject="Allocation year", body="Check it.", publish_on=timezone.localdate())

    sign_in(page, officer.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.goto(f"/home-office/casework/sponsors/{sponsor.uuid}/")
    page.check_accessibility()
    page.get_by_role("link", name="Compliance visits").first.click()
    page.check_accessibility()
    assert "Planned" in page.locator("#sponsor-visits").inner_text()
    page.locator("#sponsor-visits a").first.click()
    page.check_accessibility()
    page.go_back()
    page.check_accessibility()
    page.get_by_role("link", name="Action plans", exact=True).last.click()
    page.check_accessibility()
    assert "Waiting for payment" in page.locator("#sponsor-action-plans").inner_text()

    page.goto("/home-office/messages/")
    page.check_accessibility()
    page.get_by_role("link", name="Change Allocation year").click()
    page.check_accessibility()
    page.get_by_label("Subject").fill("Allocation year ends soon")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**/home-office/messages/")
    page.check_accessibility()
    assert "Allocation year ends soon" in page.locator("#messages").inner_text()
    page.get_by_role("link", name="Withdraw Allocation year ends soon").click()
    page.check_accessibility()
    page.get_by_role("button", name="Withdraw message").click()
    page.check_accessibility()
    assert "Enter why you are withdrawing the message" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why are you withdrawing it?").fill("Sent in error")
    page.get_by_role("button", name="Withdraw message").click()
    page.wait_for_url("**/home-office/messages/")
    page.check_accessibility()
    assert "Withdrawn" in page.locator("#messages").inner_text()
    sign_out(page)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/messages/")
    page.check_accessibility()
    assert "Allocation year" not in page.locator("main").inner_text()


def test_a_sponsor_lists_its_plans_and_downloads_its_representations_evidence(page, transactional_db):
    sponsor = SponsorFactory(name="Harbourside Hotels Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="elena@harbourside.example")
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="sean@ho.example")
    compliance.route_rate(
        licence_route=sponsor.licence.routes.get(),
        rating=Rating.B,
        actor=officer,
        reason="Late reports",
        required_actions="Train HR staff",
    )
    licence_suspend(licence=sponsor.licence, actor=officer, reason="Missing right to work checks")
    sponsor.refresh_from_db()
    representation = compliance.representations_submit(
        sponsor=sponsor,
        actor=level_1,
        text="Checks now complete",
        uploads=[SimpleUploadedFile("checks.pdf", PDF)],
    )

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/licence/")
    page.check_accessibility()
    page.get_by_role("link", name="Action plans and representations").click()
    page.check_accessibility()
    assert "Waiting for payment" in page.locator("#action-plans").inner_text()
    page.get_by_role("link", name=f"Representations {representation.reference}").click()
    page.check_accessibility()
    with page.expect_download() as download:
        page.get_by_role("link", name="checks.pdf").click()
    assert download.value.suggested_filename == "checks.pdf"
