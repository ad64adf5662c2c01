"""The message board in Chromium, with axe on every page: a caseworker posts a message targeted by
route and sees its read count; the Level 1 user reads it; a Level 2 user cannot see the board."""

from sms.accounts.models import User
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.check_accessibility()


def test_a_targeted_message_is_read_by_level_1_not_level_2_and_staff_see_the_read_count(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    SponsorFactory(name="Campus College", licence=["student"])
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    level_2 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="sam@acme.example")
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="amara@ho.example")

    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Message board").first.click()
    page.wait_for_url("**/home-office/messages/")
    page.check_accessibility()
    page.get_by_role("link", name="Post a message").click()
    page.check_accessibility()
    page.get_by_role("button", name="Post message").click()
    page.check_accessibility()
    assert "Enter a subject" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Subject").fill("Skilled Worker going rates")
    page.get_by_label("Message", exact=True).fill("New going rates apply from 22 July 2025.")
    page.get_by_label("Skilled Worker", exact=True).check()
    page.get_by_role("button", name="Post message").click()
    page.wait_for_url("**/home-office/messages/")
    page.check_accessibility()
    row = page.locator("#messages tbody tr").first
    assert "Skilled Worker going rates" in row.inner_text()
    assert row.locator("[data-read=sponsors]").inner_text() == "0 of 1"  # the college holds no Skilled Worker route
    assert row.locator("[data-read=users]").inner_text() == "0 of 1"
    sign_out(page)

    sign_in(page, level_2.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert page.get_by_role("link", name="Messages").count() == 0
    refused = page.request.get("/messages/")
    assert refused.status == 403
    assert "Skilled Worker going rates" not in refused.text()
    sign_out(page)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert "1 unread message and notice" in page.locator("#unread-count").inner_text()
    page.get_by_role("link", name="Messages", exact=True).click()
    page.wait_for_url("**/messages/")
    page.check_accessibility()
    entry = page.locator("#board tbody tr").first
    assert "Unread" in entry.inner_text()
    entry.get_by_role("link", name="Skilled Worker going rates").click()
    page.check_accessibility()
    assert "New going rates apply" in page.locator("main").inner_text()
    page.get_by_role("link", name="Back to the message board").click()
    page.check_accessibility()
    assert "Read" in page.locator("#board tbody tr").first.inner_text()
    sign_out(page)

    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.goto("/home-office/messages/")
    page.check_accessibility()
    row = page.locator("#messages tbody tr").first
    assert row.locator("[data-read=sponsors]").inner_text() == "1 of 1"
    assert row.locator("[data-read=users]").inner_text() == "1 of 1"
