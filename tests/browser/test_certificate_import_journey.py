"""A large certificate file in Chromium, with axe on every page: the upload goes to the background
worker; its progress page shows the rows checked and updates itself while the worker runs, then
shows the drafts created, or every problem by row and column."""

import csv
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import User
from sms.certificates.models import Certificate, CertificateImport
from sms.certificates.services import bulk
from tests.browser.test_journeys import sign_in
from tests.factories import SponsorFactory, make_sponsor_user

START = timezone.localdate() + timedelta(days=30)


def write_file(path, rows: int, **overrides) -> str:
    example = dict(zip(*list(csv.reader(bulk.csv_template().splitlines()))[:2], strict=True))
    example.update(start_date=START.isoformat(), end_date=(START + timedelta(days=1000)).isoformat(), **overrides)
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(example)
        for n in range(rows):
            writer.writerow({**example, "family_name": f"Intake{n}", "passport_number": f"P{n:07d}"}.values())
    return str(path)


def upload(page, path: str):
    page.goto(reverse("certificates:import"))
    page.check_accessibility()
    page.get_by_label("Certificates of Sponsorship (CSV, from the template)").check()
    page.locator("input[type=file]").set_input_files(path)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/certificates/import/*/")
    page.check_accessibility()


def test_a_large_file_is_followed_on_its_progress_page(page, transactional_db, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "BACKGROUND_ROWS", 5)
    sponsor = SponsorFactory(name="Harbour University")
    level_1 = make_sponsor_user(sponsor=sponsor, level=User.Level.LEVEL_1, email="intake@harbour.example")
    sign_in(page, level_1.email)
    page.wait_for_url("**/sponsor/")
    page.check_accessibility()

    # The test settings run the worker's task as the upload commits, so the outcome is there at once.
    upload(page, write_file(tmp_path / "intake.csv", 12))
    assert page.locator("h1").inner_text() == "Draft certificates created"
    assert page.locator("#rows-checked").inner_text() == "12 of 12"
    assert "12 draft certificates created" in page.locator(".govuk-panel").inner_text()
    page.get_by_role("link", name="View the drafts").click()
    page.check_accessibility()
    assert page.get_by_role("link", name="Intake11").count() == 1

    upload(page, write_file(tmp_path / "wrong.csv", 8, soc_code="21"))
    assert page.locator("h1").inner_text() == "Your file was not imported"
    assert "8 problems in the file: nothing was created" in page.locator(".govuk-error-summary").inner_text()
    problems = page.locator("#file-errors tbody tr")
    assert problems.count() == 8
    assert problems.first.inner_text().split("\t") == [
        "2",
        "soc_code",
        "SOC 2020 occupation code must be 4 digits, like 2134",
    ]
    assert Certificate.objects.filter(sponsor=sponsor).count() == 12

    # While the worker is still checking, the page says how far it has got and keeps itself up to date.
    job = CertificateImport.objects.create(
        sponsor=sponsor, requested_by=level_1, status=CertificateImport.Status.CHECKING, file_name="big.csv", rows=9000
    )
    CertificateImport.objects.filter(pk=job.pk).update(rows_checked=3000)
    page.goto(reverse("certificates:import_progress", args=[job.uuid]))
    page.check_accessibility()
    assert page.locator("h1").inner_text() == "Checking your file"
    assert page.locator("#rows-checked").inner_text() == "3,000 of 9,000"
    CertificateImport.objects.filter(pk=job.pk).update(rows_checked=6000)
    page.locator("#rows-checked", has_text="6,000 of 9,000").wait_for()
    page.check_accessibility()
    CertificateImport.objects.filter(pk=job.pk).update(
        status=CertificateImport.Status.CREATED, rows_checked=9000, rows_created=9000, finished_at=timezone.now()
    )
    page.get_by_role("heading", name="Draft certificates created", exact=True).wait_for()
    page.check_accessibility()
    assert page.locator("#rows-created").inner_text() == "9,000"
