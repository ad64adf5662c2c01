"""Licensing journeys in Chromium with axe on every page: apply, grant, activate, manage the licence;
a revoked sponsor's users cannot sign in."""

import re

from django.core import mail
from django.utils import timezone

from sms.accounts.models import User
from sms.licensing.models import KeyPerson, LicenceApplication, ReportableChange, SponsorRequest
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def continue_(page):
    page.get_by_role("button", name="Continue").click()
    page.check_accessibility()


def fill_person(page, given, family, email):
    page.get_by_label("Given names").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("This person is based in the UK").check()
    page.get_by_label("This person has no unspent convictions for relevant offences").check()
    page.get_by_label("This person is not an undischarged bankrupt").check()


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.check_accessibility()


def test_apply_grant_activate_and_manage_the_licence(page, transactional_db, settings):
    settings.ADDITIONAL_LEVEL_1_AUTO_APPROVE = True
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="amara@ho.example")

    # The public application journey.
    page.goto("/sign-in/")
    page.check_accessibility()
    page.get_by_role("link", name="Apply for a sponsor licence").click()
    page.check_accessibility()
    page.get_by_role("button", name="Start now").click()
    page.check_accessibility()
    continue_(page)  # nothing entered: the error summary names the field
    assert "Enter the organisation's name" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Organisation name").fill("Harbour Care Ltd")
    continue_(page)
    page.get_by_label("Registered office address").fill("1 Quay Street\nHull\nHU1 1AA")
    continue_(page)
    page.get_by_label("Small or charitable").check()
    continue_(page)
    page.get_by_label("Skilled Worker").check()
    continue_(page)
    fill_person(page, "Ada", "Ng", "ada@harbour.example")
    continue_(page)
    page.get_by_label("Ada Ng, the Authorising Officer").check()
    continue_(page)
    page.get_by_label("Someone else").check()
    continue_(page)
    fill_person(page, "Lee", "Fox", "lee@harbour.example")
    continue_(page)
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "accounts.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload file").click()
    page.check_accessibility()
    assert "accounts.pdf" in page.locator("#uploaded-documents").inner_text()
    continue_(page)
    assert "£574 (Worker licence, small or charitable)" in page.locator("#application-fee").inner_text()
    page.get_by_label("I confirm that the information in this application is true").check()
    page.get_by_role("button", name="Accept and pay").click()

    # The sandbox pay page (GOV.UK Pay's stand-in): the card is declined, and nothing is submitted.
    page.wait_for_url("**/payments/sandbox/**")
    page.check_accessibility()
    assert page.get_by_role("heading", name="Pay £574").is_visible()
    page.get_by_role("button", name="Card declined").click()
    page.wait_for_url("**/apply/pay/")
    page.check_accessibility()
    assert "Your payment was not completed (payment failed)" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#application-status").inner_text() == "Waiting for payment"
    waiting = LicenceApplication.objects.get()
    assert waiting.status == LicenceApplication.Status.AWAITING_PAYMENT
    assert not mail.outbox

    # The applicant tries again and pays.
    page.get_by_role("button", name="Pay £574 now").click()
    page.wait_for_url("**/payments/sandbox/**")
    page.check_accessibility()
    page.get_by_role("button", name="Pay £574").click()
    page.wait_for_url("**/apply/submitted/")
    page.check_accessibility()
    reference = page.locator("#application-reference").inner_text()
    paid = LicenceApplication.objects.get(reference=reference)
    assert paid.status == LicenceApplication.Status.SUBMITTED
    assert f"payment reference {paid.payment_reference}" in page.locator("#application-payment").inner_text()

    # The caseworker grants it from the queue.
    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Applications").click()
    page.check_accessibility()
    page.get_by_role("link", name=reference).click()
    page.check_accessibility()
    page.get_by_role("link", name="Grant").click()
    page.check_accessibility()
    # Only Skilled Worker was applied for: no first allocation of CAS or Temporary Worker CoS is offered.
    assert page.get_by_label("First allocation: CAS").count() == 0
    assert page.get_by_label("First allocation: Temporary Worker certificates").count() == 0
    page.get_by_label("First allocation: Worker certificates (undefined CoS)").fill("5")
    page.get_by_role("button", name="Grant licence").click()
    page.check_accessibility()
    assert "granted to Harbour Care Ltd" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # The Level 1 user activates their account from the email and signs in.
    level_1 = User.objects.get(email="lee@harbour.example")
    to_ao = next(m for m in mail.outbox if m.to == ["ada@harbour.example"] and "granted" in m.subject)
    assert level_1.user_id in to_ao.body
    activation = next(m for m in mail.outbox if m.to == [level_1.email])
    page.goto(re.search(r"http://testserver(/activate/\S+)", activation.body).group(1))
    page.check_accessibility()
    page.get_by_label("New password", exact=True).fill("Harbour-Lights-2026")
    page.get_by_label("Confirm new password").fill("Harbour-Lights-2026")
    page.get_by_role("button", name="Create password").click()
    page.check_accessibility()
    sign_in(page, level_1.email, password="Harbour-Lights-2026")
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Licence").click()
    page.check_accessibility()
    assert level_1.sponsor.licence.number == page.locator("#licence-number").inner_text()

    # Adds a Level 2 user.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    page.check_accessibility()
    page.get_by_role("link", name="Add a Level 2 user").click()
    page.check_accessibility()
    page.get_by_label("Given names").fill("Sam")
    page.get_by_label("Family name").fill("Lee")
    page.get_by_label("Email address").fill("sam@harbour.example")
    page.get_by_role("button", name="Add user").click()
    page.check_accessibility()
    # The same words whether or not the address has an account outside the sponsor.
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "We have emailed sam@harbour.example with what Sam needs to do next" in banner
    assert "sam@harbour.example" in page.locator("#access-register").inner_text()

    # Requests an additional Level 1 user (approved at once: active and A-rated).
    page.get_by_role("link", name="Request an additional Level 1 user").click()
    page.check_accessibility()
    page.get_by_label("Given names").fill("Nia")
    page.get_by_label("Family name").fill("Roy")
    page.get_by_label("Email address").fill("nia@harbour.example")
    page.get_by_role("button", name="Send request").click()
    page.check_accessibility()
    assert User.objects.get(email="nia@harbour.example").level == User.Level.LEVEL_1

    # Replaces the Key Contact.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Licence").click()
    page.check_accessibility()
    page.get_by_role("link", name="Replace the Key Contact").click()
    page.check_accessibility()
    fill_person(page, "Nadia", "Ali", "nadia@harbour.example")
    page.get_by_label("Date the change took effect").fill(f"{timezone.localdate():%d/%m/%Y}")
    page.get_by_role("button", name="Save and record the change").click()
    page.check_accessibility()
    assert "Nadia Ali" in page.locator("#key-personnel").inner_text()
    assert (
        KeyPerson.objects.get(sponsor=level_1.sponsor, role="key_contact", end_date__isnull=True).email
        == "nadia@harbour.example"
    )
    assert ReportableChange.objects.filter(sponsor=level_1.sponsor, event="org_key_personnel_change").exists()

    # Requests a variation with evidence, and sees its status.
    page.get_by_role("link", name="Request a change to the licence").click()
    page.check_accessibility()
    page.get_by_label("Add a route").check()
    page.get_by_label("Route (if you are adding or removing one)").select_option(label="Scale-up")
    page.get_by_label("Details of the change").fill("We now qualify as a scale-up business.")
    page.get_by_label("Evidence (optional)").set_input_files(
        files=[{"name": "growth.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send request").click()
    page.check_accessibility()
    assert "Awaiting decision" in page.locator("#request-status").inner_text()
    assert SponsorRequest.objects.get(kind=SponsorRequest.Kind.ADD_ROUTE).documents.count() == 1


def test_a_revoked_sponsors_user_cannot_sign_in(page, transactional_db):
    sponsor = SponsorFactory(name="Borealis Foods Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="l1@borealis.example")
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="sean@ho.example")

    sign_in(page, officer.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sponsors").click()
    page.check_accessibility()
    page.get_by_role("link", name="Borealis Foods Ltd").click()
    page.check_accessibility()
    page.get_by_role("link", name="Revoke licence").click()
    page.check_accessibility()
    page.get_by_label("Reasons").fill("Repeated failure to report absences")
    page.get_by_role("button", name="Revoke licence").click()
    page.check_accessibility()
    assert "Revoked" in page.locator("#licence-status").inner_text()
    sign_out(page)

    sign_in(page, level_1.email)
    page.check_accessibility()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "sponsor licence was revoked" in summary
    assert "no longer sign in" in summary
    assert "/sign-in/" in page.url


def test_the_application_limits_answer_with_clear_pages(page, transactional_db, settings):
    """A document over the application's limit is a field error; a client address over its limit
    of uploads gets the 429 page saying when to try again."""
    settings.APPLICATION_MAX_DOCUMENTS = 1
    settings.APPLICATION_UPLOADS_RATE = "2/h"
    page.goto("/apply/")
    page.check_accessibility()
    page.get_by_role("button", name="Start now").click()
    page.check_accessibility()
    page.goto("/apply/documents/")
    page.check_accessibility()
    for name in ("accounts.pdf", "register.pdf", "extra.pdf"):
        page.get_by_label("Upload a file").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.get_by_role("button", name="Upload file").click()
        page.check_accessibility()
        if name == "register.pdf":
            summary = page.locator(".govuk-error-summary").inner_text()
            assert "An application can have at most 1 document" in summary
    assert page.locator("h1").inner_text() == "You have uploaded documents too many times"
    assert re.search(r"Try again in \d+ (minutes?|hours?)", page.locator("#try-again").inner_text())
    assert LicenceApplication.objects.get().documents.count() == 1
