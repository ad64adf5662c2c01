"""Certificate journeys in Chromium with axe on every page: draft, come back, assign; a failing
salary; withdraw; an allocation increase decided by a caseworker; a defined CoS."""

import re
from datetime import timedelta

from django.utils import timezone

from sms.accounts.models import User
from sms.certificates.models import AllocationRequest, Certificate
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user, make_staff_user


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.check_accessibility()


def open_menu(page, name):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
    page.check_accessibility()


def fill_worker(page, *, salary="55000"):
    start = timezone.localdate() + timedelta(days=30)
    end = start.replace(year=start.year + 3) - timedelta(days=1)
    page.get_by_label("Given names").fill("Ada")
    page.get_by_label("Nationality").fill("Nigerian")
    page.get_by_label("Date of birth").fill("17/5/1990")
    page.get_by_label("Passport number").fill("A12345678")
    page.get_by_label("Job title (or course title for a CAS)").fill("Software developer")
    page.get_by_label("SOC 2020 occupation code").fill("2134")
    page.get_by_label("Job summary").fill("Builds the care-planning software")
    page.get_by_label("Gross annual salary (£)").fill(salary)
    page.get_by_label("Weekly working hours").fill("37.5")
    page.get_by_label("Start date").fill(f"{start:%d/%m/%Y}")
    page.get_by_label("End date").fill(f"{end:%d/%m/%Y}")
    page.get_by_label("Main work address").fill("12 Mill Lane, Leeds")


def test_draft_come_back_assign_and_withdraw(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_2 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="tom@acme.example")
    give_allocation(sponsor, number=2)

    sign_in(page, level_2.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    open_menu(page, "Certificates")
    page.get_by_role("link", name="Create a certificate").click()
    page.check_accessibility()
    page.get_by_label("Family name").fill("Okoro")
    page.get_by_role("button", name="Save draft").click()
    page.check_accessibility()
    assert "Draft saved for Okoro" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    # Come back later: the draft is still there.
    sign_in(page, level_2.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    open_menu(page, "Certificates")
    page.get_by_role("link", name="Draft for Okoro").click()
    page.check_accessibility()
    assert "Enter the worker's given names" in page.locator("#assignment-problems").inner_text()
    page.get_by_role("link", name="Change the details").click()
    page.check_accessibility()
    fill_worker(page, salary="40000")
    page.get_by_label("Route", exact=True).select_option(label="Skilled Worker")
    page.get_by_role("button", name="Save and check answers").click()
    page.check_accessibility()
    problems = page.locator("#assignment-problems").inner_text()
    assert "Salary must be at least £54,700 for this occupation (the going rate for 2134)" in problems
    assert page.get_by_role("button", name=re.compile("^Accept and assign")).count() == 0

    page.get_by_role("link", name="Change the details").click()
    page.check_accessibility()
    # A new entrant is held to the new entrant rate (GBP 38,300 for 2134), so GBP 40,000 passes.
    page.get_by_label("New entrant (under 26, studying, training or postdoctoral)").check()
    page.get_by_role("button", name="Save and check answers").click()
    page.check_accessibility()
    assert page.locator("#assignment-problems").count() == 0
    job = page.get_by_role("heading", name="Job").locator("xpath=following-sibling::dl[1]")
    assert "New entrant" in job.inner_text()
    assert "£4,485" in page.locator("#certificate-costs").inner_text()
    page.get_by_role("button", name=re.compile("^Accept and assign")).click()
    page.check_accessibility()
    certificate = Certificate.objects.get(family_name="Okoro")
    assert certificate.status == Certificate.Status.ASSIGNED
    assert certificate.reference in page.locator("h1").inner_text()

    page.get_by_role("link", name="Withdraw this certificate").click()
    page.check_accessibility()
    page.get_by_label("Why are you withdrawing it?").fill("The offer was declined")
    page.get_by_role("button", name="Withdraw certificate").click()
    page.check_accessibility()
    assert "Withdrawn" in page.locator("#certificate-status").inner_text()


def test_allocation_increase_decided_by_a_caseworker(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="amara@ho.example")

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/certificates/allocations/")
    page.check_accessibility()
    page.get_by_role("link", name="Request certificates").click()
    page.check_accessibility()
    page.get_by_label("Allocation increase").check()
    # Only the categories of the routes the licence holds (Skilled Worker): no CAS, no Temporary Worker CoS.
    assert page.get_by_label("CAS").count() == 0
    assert page.get_by_label("Temporary Worker CoS").count() == 0
    page.get_by_label("Worker CoS (undefined)").fill("8")
    page.get_by_label("Why do you need them?").fill("Eight developers for the new product team")
    page.get_by_role("button", name="Send request").click()
    page.check_accessibility()
    reference = AllocationRequest.objects.get().reference
    assert "Awaiting decision" in page.locator("#allocation-request-status").inner_text()
    sign_out(page)

    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    open_menu(page, "Certificate requests")
    page.get_by_role("link", name=reference).click()
    page.check_accessibility()
    page.get_by_label("Worker CoS (undefined) to grant (requested 8)").fill("5")
    page.get_by_label("Reasons (needed when granting less than requested)").fill("Five now; ask again in March")
    page.get_by_role("button", name="Save decision").click()
    page.check_accessibility()
    sign_out(page)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto(f"/certificates/allocations/requests/{reference}/")
    page.check_accessibility()
    assert "Partly granted" in page.locator("#allocation-request-status").inner_text()
    assert "Five now" in page.locator("#allocation-request-granted").inner_text()
    open_menu(page, "Licence")
    assert "5" in page.locator("#allocations-table").inner_text()


def test_allocation_forecast_and_no_priority_service_for_cas(page, transactional_db):
    """The forecast stops at the allocation's end; a student sponsor is told why there is no priority service."""
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    allocation = give_allocation(sponsor, number=300)
    certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/certificates/allocations/")
    page.check_accessibility()
    ends = f"{allocation.year_end.day} {allocation.year_end:%B %Y}"
    assert f"Will last until the allocation ends on {ends}" in page.locator("#allocations-table").inner_text()
    sign_out(page)

    college = SponsorFactory(name="Harbour College", licence=["student"])
    registrar = make_sponsor_user(sponsor=college, level=User.Level.LEVEL_1, email="registrar@harbour.example")
    sign_in(page, registrar.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/certificates/allocations/request/")
    page.check_accessibility()
    assert "The priority service is not available for CAS" in page.locator(".govuk-warning-text").inner_text()
    assert page.get_by_label("Use the priority service", exact=False).count() == 0
    assert page.get_by_label("Worker CoS (undefined)").count() == 0


def test_request_and_assign_a_defined_cos(page, transactional_db):
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    caseworker = make_staff_user(role=User.StaffRole.CASEWORKER, email="amara@ho.example")

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    open_menu(page, "Certificates")
    page.get_by_role("link", name="Request a defined CoS").click()
    page.check_accessibility()
    page.get_by_label("Family name").fill("Mensah")
    fill_worker(page)
    page.get_by_role("button", name="Send request").click()
    page.check_accessibility()
    assert "awaiting decision" in page.locator("#certificate-status").locator("..").inner_text()
    sign_out(page)

    sign_in(page, caseworker.email)
    page.wait_for_url("**/home-office/")
    page.check_accessibility()
    open_menu(page, "Certificate requests")
    page.locator("#defined-queue").get_by_role("link").first.click()
    page.check_accessibility()
    page.get_by_role("button", name="Grant").click()
    page.check_accessibility()
    sign_out(page)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/certificates/allocations/")
    page.check_accessibility()
    page.locator("#defined-requests").get_by_role("link").first.click()
    page.check_accessibility()
    page.get_by_role("button", name=re.compile("^Accept and assign")).click()
    page.check_accessibility()
    certificate = Certificate.objects.get(family_name="Mensah")
    assert certificate.status == Certificate.Status.ASSIGNED
    assert certificate.sponsorship == Certificate.Sponsorship.DEFINED
