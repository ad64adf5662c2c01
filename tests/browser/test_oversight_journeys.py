"""Browser journeys: the public register, a compliance visit planned and recorded, reference data."""

from datetime import date, timedelta

from sms.accounts.models import User
from sms.core.models import FeeRate
from sms.licensing.models import LicenceRoute, Rating
from sms.visits.models import ComplianceVisit
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_staff_user


def test_anyone_searches_the_register_and_filters_by_rating(page, transactional_db):
    SponsorFactory(name="Harbour Care Ltd")
    borealis = SponsorFactory(name="Borealis Foods Ltd")
    LicenceRoute.objects.filter(licence=borealis.licence).update(rating=Rating.B)
    page.goto("/register-of-licensed-sponsors/")
    page.check_accessibility()
    assert page.get_by_role("link", name="Download the whole register (CSV)").is_visible()
    page.get_by_label("Organisation name").fill("harbour")
    page.get_by_role("button", name="Search").click()
    page.check_accessibility()
    table = page.locator("#register").inner_text()
    assert "Harbour Care Ltd" in table
    assert "Borealis Foods Ltd" not in table
    page.get_by_label("Organisation name").fill("")
    page.get_by_label("Rating").select_option(label="B-rating")
    page.get_by_role("button", name="Search").click()
    page.check_accessibility()
    assert "Worker (B rating)" in page.locator("#register").inner_text()
    assert "Harbour Care Ltd" not in page.locator("#register").inner_text()


def test_a_compliance_officer_plans_and_records_a_visit(page, transactional_db):
    sponsor = SponsorFactory(name="Harbour Care Ltd")
    officer = make_staff_user(role=User.StaffRole.COMPLIANCE_OFFICER, email="officer@ho.example")
    sign_in(page, officer.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.goto(f"/home-office/sponsors/{sponsor.uuid}/visits/")
    page.check_accessibility()
    page.get_by_role("link", name="Plan a visit").click()
    page.check_accessibility()
    page.get_by_role("button", name="Plan visit").click()
    page.check_accessibility()
    assert "Enter the date of the visit" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Date of the visit").fill(date.today().strftime("%d/%m/%Y"))
    page.get_by_label("No, an unannounced visit").check()
    page.get_by_label("Compliance officer").select_option(label=f"{officer.full_name} ({officer.user_id})")
    page.get_by_role("button", name="Plan visit").click()
    page.check_accessibility()
    assert "Visit planned" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("link", name="Record the visit").click()
    page.check_accessibility()
    page.get_by_label("Findings").fill("Right to work checks missing for two workers")
    page.get_by_label("Route downgraded: action plan").check()
    page.get_by_label("Linked actions (optional)").fill("Action plan for Skilled Worker")
    page.get_by_role("button", name="Record visit").click()
    page.check_accessibility()
    assert "Route downgraded: action plan" in page.locator("#visit").inner_text()
    assert ComplianceVisit.objects.get().status == ComplianceVisit.Status.COMPLETED
    page.get_by_role("link", name="Visits", exact=True).click()
    page.check_accessibility()
    assert "Harbour Care Ltd" in page.locator("#visits").inner_text()


def test_an_administrator_adds_next_years_fee(page, transactional_db):
    admin = make_staff_user(role=User.StaffRole.ADMINISTRATOR, email="admin@ho.example")
    next_year = date.today() + timedelta(days=365)
    sign_in(page, admin.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    page.get_by_role("link", name="Reference data").click()
    page.check_accessibility()
    page.get_by_role("link", name="Fees and charges").click()
    page.check_accessibility()
    page.get_by_label("Fee", exact=True).select_option(label="Priority service for an allocation request")
    page.get_by_label("Amount").fill("250")
    page.get_by_label("Takes effect from").fill(next_year.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Add fee").click()
    page.check_accessibility()
    assert "added" in page.locator(".govuk-notification-banner").inner_text()
    assert FeeRate.objects.filter(kind="allocation_priority", effective_from=next_year, amount_pence=25_000).exists()
