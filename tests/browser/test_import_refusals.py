"""Hostile files in Chromium with axe on every page: each import page refuses a file it cannot use
with the GOV.UK error summary (and the problems table where rows are named), and creates nothing."""

from pathlib import Path

from django.urls import reverse

from sms.accounts.models import User
from sms.certificates.models import Certificate
from sms.reporting.models import Fact
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user

CORPUS = Path(__file__).resolve().parents[1] / "hostile"


def upload(page, url_name: str, name: str, file_format: str = ""):
    page.goto(reverse(url_name))
    page.check_accessibility()
    if file_format:
        page.get_by_label(file_format).check()
    page.locator("input[type=file]").set_input_files(str(CORPUS / name))
    page.get_by_role("button", name="Upload").click()
    page.check_accessibility()
    return page.locator(".govuk-error-summary").inner_text()


def test_hostile_files_are_refused_in_the_error_summary(page, transactional_db, time_machine):
    time_machine.move_to("2026-11-23 09:00:00Z")
    sponsor = SponsorFactory(name="Acme Care Ltd", licence=["skilled_worker", "student"])
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="priya@acme.example")
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()

    cos_csv = "Certificates of Sponsorship (CSV, from the template)"
    summary = upload(page, "certificates:import", "cos_salary_nan.csv", cos_csv)
    assert "1 problem in the file: nothing was created" in summary
    assert (
        "Gross annual salary (£) must be an amount in pounds, like 41700" in page.locator("#file-errors").inner_text()
    )

    # A file that cannot be read at all: its one reason is in the error summary.
    summary = upload(page, "certificates:import", "cos_unclosed_quote.csv", cos_csv)
    assert "The file is not well-formed CSV at line 2: a quoted cell is never closed. Nothing was created." in summary

    summary = upload(page, "certificates:import", "cas_utf16_external_entity.xml", "CAS bulk data transfer (XML)")
    assert "The file must not contain a DOCTYPE or entity declarations. Nothing was created." in summary

    summary = upload(page, "reporting:import_facts", "facts_nul_byte.csv")
    assert "The file must not contain NUL characters (line 2): save it again as CSV (UTF-8). Nothing was recorded." in (
        summary
    )

    summary = upload(page, "reporting:import_facts", "empty.csv")
    assert "The selected file is empty" in summary

    assert not Certificate.objects.exists()
    assert not Fact.objects.exists()
