"""Right-to-work checks and training in Chromium, with axe on every page: a Level 1 user records a
worker's permission dates, then a right-to-work check with evidence, and sees the follow-up date on
the worker's compliance file; then records training for a key person and sees it listed."""

import os
from datetime import date
from pathlib import Path

from sms.accounts.models import User
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.services.facts import person_register_from_certificate
from sms.righttowork.models import RightToWorkCheck
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user

PDF = b"%PDF-1.4\n%%EOF\n"
# Set SCREENSHOTS=/some/dir to keep full-page screenshots of each step (for reviewing the pages).
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")


def shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_a_level_1_user_records_a_right_to_work_check_and_sees_the_follow_up(page, transactional_db, time_machine):
    time_machine.move_to("2026-11-23 09:00:00Z")
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    give_allocation(sponsor)
    certificate = certificate_assign(
        certificate=draft(sponsor, level_1, start_date=date(2026, 12, 1), end_date=date(2029, 11, 30)), actor=level_1
    )
    person = person_register_from_certificate(certificate=certificate, actor=level_1)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Workers").click()
    page.check_accessibility()
    page.get_by_role("link", name="Right-to-work follow-up checks due").click()
    page.check_accessibility()
    shot(page, "01-follow-ups")
    assert person.full_name in page.locator("#unchecked").inner_text()
    page.locator("#unchecked").get_by_role("link", name=person.full_name).click()
    page.check_accessibility()
    shot(page, "02-file-empty")
    assert "No right-to-work check recorded" in page.locator("#rtw-status").inner_text()

    page.get_by_role("button", name="Record a right-to-work check").click()
    page.check_accessibility()
    shot(page, "03-check-form")
    page.get_by_label("Date of the check").fill("20/11/2026")
    page.get_by_role("group", name="How did you check?").get_by_label("Online check with a share code").check()
    page.get_by_label("Share code (for an online check)").fill("R12 3AB 45C")
    page.get_by_role("group", name="What did the check show?").get_by_label("Time-limited right to work").check()
    page.get_by_role("button", name="Save the check").click()
    page.check_accessibility()
    shot(page, "04-check-errors")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "A right to work share code starts with W" in summary
    assert "Enter the date the worker's permission ends" in summary
    assert "Upload the evidence of the check" in summary

    page.get_by_label("Share code (for an online check)").fill("W12 3AB 45C")
    page.get_by_label("Permission (visa) end date (for time-limited permission)").fill("30/11/2029")
    page.get_by_label("Evidence of the check").set_input_files(
        files=[{"name": "online-check.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Save the check").click()
    page.check_accessibility()
    shot(page, "05-file-with-check")
    assert "Follow-up check due by 30 November 2029" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#follow-up-date").inner_text() == "30 November 2029"
    assert page.locator("#file-permission-end").inner_text() == "30 November 2029"
    checks = page.locator("#rtw-checks").inner_text()
    assert "W12 3AB 45C" in checks
    assert "online-check.pdf" in checks
    assert RightToWorkCheck.objects.get().follow_up_on == date(2029, 11, 30)

    # The permission end date moves: so does the follow-up.
    page.locator("#permission").get_by_role("link", name="Change permission end date").click()
    page.check_accessibility()
    shot(page, "06-permission-form")
    page.get_by_label("Permission (visa) valid from (optional)").fill("1/12/2026")
    page.get_by_label("Permission (visa) end date (optional)").fill("31/1/2030")
    page.get_by_role("button", name="Save").click()
    page.check_accessibility()
    page.get_by_role("link", name=f"View the compliance file of {person.full_name}").click()
    page.check_accessibility()
    assert page.locator("#follow-up-date").inner_text() == "31 January 2030"

    # Training for the Authorising Officer.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    page.check_accessibility()
    page.get_by_role("link", name="Training records of key personnel and users").click()
    page.check_accessibility()
    page.get_by_role("button", name="Record training").click()
    page.check_accessibility()
    shot(page, "07-training-form")
    ao = sponsor.key_personnel.get(role="authorising_officer", end_date__isnull=True)
    page.get_by_label("Who took the training?").select_option(f"key:{ao.pk}")
    page.get_by_label("Course").fill("Sponsor duties for Authorising Officers")
    page.get_by_label("Date taken").fill("10/11/2025")
    page.get_by_role("button", name="Save").click()
    page.check_accessibility()
    shot(page, "08-training-list")
    table = page.locator("#training").inner_text()
    assert "Sponsor duties for Authorising Officers" in table
    assert "Overdue" in table
