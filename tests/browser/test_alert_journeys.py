"""Alerts in Chromium, with axe on every page: a Level 1 user sees the unread count in the header,
reads the notifications, marks them read, changes who is told and chooses in-app only."""

from datetime import date, timedelta

from sms.accounts.models import User
from sms.alerts.services import alerts_sweep
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.notifications.models import AlertRecipients
from sms.reporting.models import SponsoredPerson
from sms.reporting.services.facts import person_register_from_certificate
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def test_a_level_1_user_reads_alerts_and_sets_who_is_told(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    give_allocation(sponsor)
    certificate = certificate_assign(certificate=draft(sponsor, level_1, family_name="Okoro"), actor=level_1)
    person = person_register_from_certificate(certificate=certificate, actor=level_1)
    SponsoredPerson.objects.filter(pk=person.pk).update(permission_end=date.today() + timedelta(days=25))
    alerts_sweep()

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    assert " ".join(page.locator("#notifications-count").text_content().split()) == "1 unread"
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_url("**/notifications/")
    page.check_accessibility()
    assert "Okoro's permission ends on" in page.locator("main").inner_text()
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_url("**/notifications/")
    page.check_accessibility()
    assert page.locator("#notifications-count").count() == 0
    assert "1 notification marked as read" in page.locator(".govuk-notification-banner").inner_text()

    page.goto("/licence/")
    page.check_accessibility()
    page.get_by_role("link", name="Change alert settings").click()
    page.wait_for_url("**/licence/alert-settings/")
    page.check_accessibility()
    page.get_by_role("group", name="Allocation running low").get_by_label("All Level 1 users").uncheck()
    page.get_by_role("button", name="Save alert settings").click()
    page.check_accessibility()
    assert "Select who is told about allocation running low" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_role("group", name="Allocation running low").get_by_label("All Level 2 users").check()
    page.get_by_role("button", name="Save alert settings").click()
    page.wait_for_url("**/licence/alert-settings/")
    page.check_accessibility()
    assert AlertRecipients.objects.get(sponsor=sponsor, topic="allocation").recipients == ["level_2"]

    page.get_by_role("link", name="Your account").click()
    page.wait_for_url("**/account/")
    page.check_accessibility()
    page.get_by_role("link", name="Change how you get alerts").click()
    page.wait_for_url("**/account/alerts/")
    page.check_accessibility()
    page.get_by_label("In the service only").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/account/")
    page.check_accessibility()
    assert "In the service only" in page.locator("main").inner_text()
