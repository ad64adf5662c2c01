"""Reporting in Chromium with axe on every page: an absence of more than 10 working days opens an
obligation with its deadline, reported on time from a pre-filled form and read back in labels and UK
dates; the permission end date and working pattern are recorded; a report after the deadline is
marked late."""

from datetime import date

from sms.accounts.models import User
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.reporting.models import Obligation
from sms.reporting.services.facts import person_register_from_certificate
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user


def open_menu(page, name):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
    page.check_accessibility()


def test_absence_run_to_an_on_time_report_and_a_late_one(page, transactional_db, time_machine):
    time_machine.move_to("2026-08-03 09:00:00Z", tick=False)  # the certificate is drafted in August
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    give_allocation(sponsor)
    saved = draft(sponsor, level_1, start_date=date(2026, 12, 1), end_date=date(2029, 11, 30))
    time_machine.move_to("2026-11-23 09:00:00Z")  # a Monday; time runs on from here
    certificate = certificate_assign(certificate=saved, actor=level_1)
    person = person_register_from_certificate(certificate=certificate, actor=level_1)

    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    open_menu(page, "Workers")
    page.get_by_role("link", name=person.full_name).click()
    page.check_accessibility()

    # The permission end date and working pattern.
    page.get_by_role("link", name="Change permission end date").click()
    page.check_accessibility()
    page.get_by_label("Permission (visa) end date (optional)").fill("3/3/2027")
    page.get_by_label("Working days a week").select_option("4")
    page.get_by_role("button", name="Save").click()
    page.check_accessibility()
    assert page.locator("#permission-end").inner_text() == "3 March 2027"
    assert page.locator("#working-pattern").inner_text() == "4 days a week"

    # Record an unauthorised absence of eleven working days.
    page.locator("#record-facts").get_by_role("link", name="Absence").click()
    page.check_accessibility()
    page.get_by_label("First day of absence").fill("2/11/2026")
    page.get_by_label("Last day (leave blank if it has not ended)").fill("16/11/2026")
    page.get_by_role("group", name="Did you give permission for the absence?").get_by_label("No").check()
    page.get_by_role("group", name="How was it paid?").get_by_label("Unpaid").check()
    page.get_by_role("button", name="Save").click()
    page.check_accessibility()
    assert "1 reporting obligation opened" in page.locator(".govuk-notification-banner").inner_text()
    assert "report by 27 November 2026" in page.locator("#person-obligations").inner_text()

    # Report it with evidence: on time.
    page.locator("#person-obligations").get_by_role("link").first.click()
    page.check_accessibility()
    assert "27 November 2026" in page.locator("#legal-deadline").inner_text()
    assert "Part 3" in page.locator("#deadline-source").inner_text()
    page.get_by_role("link", name="Report now").click()
    page.check_accessibility()
    # Pre-filled from the absence recorded.
    assert page.get_by_label("First day of absence").input_value() == "02/11/2026"
    assert page.get_by_label("Date they returned (if they have)").input_value() == "17/11/2026"
    page.get_by_label("How you tried to contact them, and when").fill(
        "Phoned on 3, 5 and 9 November; letter sent 10 November"
    )
    page.get_by_label("Evidence (optional)").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_label("I confirm this report is true and complete").check()
    page.get_by_role("button", name="Send report").click()
    page.check_accessibility()
    assert "Reported on time" in page.locator("#obligation-status").inner_text()
    assert page.get_by_role("link", name="letter.pdf").is_visible()
    summary = page.locator("#obligation-summary").inner_text()
    assert "First day of absence" in summary
    assert "2 November 2026" in summary
    assert "Absencestart" not in summary

    # A leaver recorded after the deadline has passed: the report is marked late.
    page.goto(f"/workers/{person.uuid}/")
    page.check_accessibility()
    page.locator("#record-facts").get_by_role("link", name="Employment ended").click()
    page.check_accessibility()
    page.get_by_label("Last day of employment").fill("2/11/2026")
    page.get_by_role("group", name="Why did the employment end?").get_by_label("Resignation").check()
    page.get_by_role("button", name="Save").click()
    page.check_accessibility()
    open_menu(page, "Obligations")
    assert "Overdue" in page.locator("#obligations").inner_text()
    page.get_by_role("link", name="Employment ended").click()
    page.check_accessibility()
    page.get_by_role("link", name="Report now").click()
    page.check_accessibility()
    assert page.get_by_label("Last day of employment").input_value() == "02/11/2026"
    assert page.get_by_label("Why it ended").input_value() == "Resignation"
    page.get_by_label("I confirm this report is true and complete").check()
    page.get_by_role("button", name="Send report").click()
    page.check_accessibility()
    assert "Reported late" in page.locator("#obligation-status").inner_text()
    assert Obligation.objects.get(event="employment_ended").status == Obligation.Status.REPORTED_LATE


def test_a_level_2_user_opens_an_obligation_only_about_their_own_worker(page, transactional_db):
    """Level 2 reports only on certificates they created and assigned: the page offers only those
    people, and not the organisation."""
    sponsor = SponsorFactory(name="Acme Care Ltd")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    level_2 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_2, email="tom@acme.example")
    give_allocation(sponsor)
    mine = certificate_assign(certificate=draft(sponsor, level_2, family_name="Mine"), actor=level_2)
    theirs = certificate_assign(certificate=draft(sponsor, level_1, family_name="Theirs"), actor=level_1)
    own = person_register_from_certificate(certificate=mine, actor=level_2)
    person_register_from_certificate(certificate=theirs, actor=level_1)

    sign_in(page, level_2.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()
    page.goto("/obligations/new/")
    page.check_accessibility()
    options = page.get_by_label("Who it is about").locator("option").all_inner_texts()
    assert options == [own.full_name]
    page.get_by_label("What happened?").select_option("breach_of_conditions")
    page.get_by_label("Date it happened").fill(date.today().strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Open obligation").click()
    page.check_accessibility()
    assert Obligation.objects.filter(person=own, event="breach_of_conditions").exists()
