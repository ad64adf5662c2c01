"""Certificate files at an intake's size (issue 14): each row checked by the certificate page's own
form, built once per file; a file over BACKGROUND_ROWS imported by the background worker, with a
progress page, then the drafts or every problem by row and column; its upload kept only while needed."""

import csv
import io
from datetime import timedelta

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.audit.verification import verify_audit_trail
from sms.certificates.forms import CertificateForm
from sms.certificates.models import Certificate, CertificateImport
from sms.certificates.services import bulk
from sms.certificates.tests.test_bulk import csv_file, good_row
from sms.core.forms import FormRows

START = timezone.localdate() + timedelta(days=30)
VALID = {**bulk._row_data(good_row())[0], "home_address": "1 Acacia Avenue"}

# Rows as a page would post them: every kind of refusal, the same bad values twice (a value's
# judgement is kept for the file: the second must be refused alike), and rows naming only some fields.
ROWS = [
    VALID,
    {**VALID, "date_of_birth": "17th May", "salary_pence": "lots", "route": "astronaut"},
    {**VALID, "date_of_birth": "17th May", "weekly_hours": "NaN", "family_name": ""},
    {**VALID, "passport_issue_date": "2020-02-01", "passport_expiry_date": "2019-02-01"},
    {**VALID, "date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
    {**VALID, "ni_number": "qq 12 34 56 c", "soc_code": " 2134 "},
    {**VALID, "ni_number": "QQ123456Z", "soc_code": "21"},
    {**VALID, "start_date": "2030-01-01", "end_date": "2029-01-01"},
    {**VALID, "family_name": "O" * 151, "given_names": "G" * 151, "job_summary": "J" * 5001},
    {**VALID, "salary_option": "", "is_extension": "on", "switching_from_student": ""},
    {**VALID, "salary_option": "cheap", "allowances_pence": "-1", "weekly_hours": "200"},
    {**VALID, "start_date": "1899-12-31", "passport_issue_date": "31/02/2020"},
    {"family_name": "Chen", "route": "student", "date_of_birth": "2004-02-01", "start_date": START.isoformat()},
    {"family_name": ""},
    VALID,
    {**VALID, "family_name": "O" * 151, "route": "astronaut"},
]


def test_each_row_gets_exactly_the_answer_the_certificate_form_gives():
    """One FormRows runs the whole file; every row's errors and cleaned values are the page's own."""
    rows = FormRows(CertificateForm())
    for data in ROWS:
        page = CertificateForm(data=data)
        page.is_valid()
        cleaned, errors = rows.check(data)
        assert {field: list(messages) for field, messages in errors.items()} == page.errors, data
        assert cleaned == page.cleaned_data, data
    assert any(CertificateForm(data=data).errors for data in ROWS)  # the table does hold refusals


def test_a_form_whose_rules_it_could_not_keep_is_refused():
    class ReferenceForm(forms.ModelForm):
        class Meta:
            model = Certificate
            fields = ["family_name", "reference"]  # a unique field: the form would query for it

    with pytest.raises(TypeError, match="not a form of plain values"):
        FormRows(ReferenceForm())


def intake(rows: int, **overrides) -> list[dict]:
    return [good_row(family_name=f"Intake{n}", passport_number=f"P{n:07d}", **overrides) for n in range(rows)]


@pytest.fixture
def small_threshold(monkeypatch, settings, tmp_path):
    """Files over 3 rows go to the worker; uploads are stored under a folder of this test's own."""
    monkeypatch.setattr(bulk, "BACKGROUND_ROWS", 3)
    settings.MEDIA_ROOT = tmp_path


def stored_uploads() -> list[str]:
    return default_storage.listdir("certificate-imports")[1] if default_storage.exists("certificate-imports") else []


def upload(client, rows, django_capture_on_commit_callbacks, *, run=True):
    """Post a CSV file to the upload page; with ``run``, the worker's task runs as the upload commits."""
    with django_capture_on_commit_callbacks(execute=run):
        return client.post(reverse("certificates:import"), {"file_format": "csv", "upload": csv_file(rows)})


def test_a_large_file_is_imported_by_the_worker_and_its_page_links_to_the_drafts(
    client, sponsor, level_1, small_threshold, django_capture_on_commit_callbacks
):
    sign_in(client, level_1)
    response = upload(client, intake(5), django_capture_on_commit_callbacks)

    job = CertificateImport.objects.get()
    assert response.url == reverse("certificates:import_progress", args=[job.uuid])
    assert (job.status, job.rows, job.rows_checked, job.rows_created) == ("created", 5, 5, 5)
    assert job.requested_by == level_1
    assert job.file_name == "certificates.csv"
    assert not job.file
    assert stored_uploads() == []  # the upload is gone
    drafts = Certificate.objects.filter(sponsor=sponsor, status=Certificate.Status.DRAFT)
    assert sorted(drafts.values_list("family_name", flat=True)) == [f"Intake{n}" for n in range(5)]
    assert set(drafts.values_list("created_by", flat=True)) == {level_1.pk}
    assert AuditEvent.objects.filter(verb=Verb.CERTIFICATE_IMPORT_STARTED, actor=level_1).get().payload == {
        "format": "csv",
        "rows": 5,
        "file": "certificates.csv",
    }
    assert AuditEvent.objects.filter(verb=Verb.CERTIFICATE_DRAFTED, actor=level_1).count() == 5
    assert AuditEvent.objects.get(verb=Verb.CERTIFICATES_IMPORTED).payload == {"format": "csv", "count": 5}

    page = client.get(response.url)
    content = page.content.decode()
    assert "5 draft certificates created" in content
    assert "data-refresh-seconds" not in content
    listed = client.get(page.context["drafts_url"]).content.decode()
    assert all(f"Intake{n}" in listed for n in range(5))
    # The upload page lists it among the large files sent recently.
    assert job.get_absolute_url() in client.get(reverse("certificates:import")).content.decode()


def test_a_large_file_with_problems_creates_nothing_and_its_page_lists_them_by_row_and_column(
    client, sponsor, level_1, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bulk, "PROBLEMS_KEPT", 3)
    sign_in(client, level_1)
    rows = intake(6)
    rows[1]["soc_code"] = "21"
    rows[4].update(route="astronaut", salary_gbp="lots")
    rows[5]["date_of_birth"] = "17th May"
    response = upload(client, rows, django_capture_on_commit_callbacks)

    job = CertificateImport.objects.get()
    assert (job.status, job.rows_checked, job.rows_created, job.problem_count) == ("refused", 6, 0, 4)
    assert job.problems == [
        [3, "soc_code", "SOC 2020 occupation code must be 4 digits, like 2134"],
        [6, "route", "Route must be one of the routes listed, like skilled_worker"],
        [6, "salary_gbp", "Gross annual salary (£) must be an amount in pounds, like 41700"],
    ]
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(verb__in=[Verb.CERTIFICATE_DRAFTED, Verb.CERTIFICATES_IMPORTED]).exists()
    assert AuditEvent.objects.get(verb=Verb.CERTIFICATE_IMPORT_REFUSED).payload == {"rows": 6, "problems": 4}
    assert not job.file
    assert stored_uploads() == []
    content = client.get(response.url).content.decode()
    assert "4 problems in the file: nothing was created" in content
    assert "The first 3 problems are listed below, in row order." in content
    assert "SOC 2020 occupation code must be 4 digits, like 2134" in content


def test_an_import_that_fails_part_way_creates_nothing_and_says_so(
    client, sponsor, level_1, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bulk, "insert_all", broken)
    sign_in(client, level_1)
    response = upload(client, intake(4), django_capture_on_commit_callbacks)

    job = CertificateImport.objects.get()
    assert job.status == CertificateImport.Status.FAILED
    assert not Certificate.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.CERTIFICATE_IMPORT_FAILED).count() == 1
    assert not job.file
    assert stored_uploads() == []
    assert "The import could not be finished" in client.get(response.url).content.decode()


def test_while_queued_the_page_shows_the_rows_checked_and_only_the_sponsors_users_see_it(
    client, sponsor, level_1, level_2, other_level_1, small_threshold, django_capture_on_commit_callbacks
):
    sign_in(client, level_1)
    response = upload(client, intake(4), django_capture_on_commit_callbacks, run=False)
    job = CertificateImport.objects.get()
    assert job.status == CertificateImport.Status.QUEUED
    assert len(stored_uploads()) == 1
    assert not Certificate.objects.exists()

    content = client.get(response.url).content.decode()
    assert "Checking your file" in content
    assert 'data-refresh-seconds="3"' in content
    assert "0 of 4" in content
    assert f'href="{response.url}"' in content  # "Check again", without JavaScript
    client.force_login(level_2)
    assert client.get(response.url).status_code == 200
    client.force_login(other_level_1)
    assert client.get(response.url).status_code == 404

    done = bulk.certificate_import_run(import_id=job.pk)
    assert done.status == CertificateImport.Status.CREATED
    # Taken once: running the task again changes nothing.
    assert bulk.certificate_import_run(import_id=job.pk).status == CertificateImport.Status.CREATED
    assert Certificate.objects.count() == 4


def test_a_requester_who_may_no_longer_create_certificates_gets_nothing_created(
    client, sponsor, level_1, small_threshold, django_capture_on_commit_callbacks
):
    sign_in(client, level_1)
    upload(client, intake(4), django_capture_on_commit_callbacks, run=False)
    level_1.is_active = False
    level_1.save(update_fields=["is_active"])

    job = bulk.certificate_import_run(import_id=CertificateImport.objects.get().pk)

    assert job.status == CertificateImport.Status.REFUSED
    assert job.problems == [[None, "", "The person who sent the file may no longer create certificates"]]
    assert not Certificate.objects.exists()


def test_an_import_no_worker_finished_within_a_day_ends_and_its_upload_goes(
    client, sponsor, level_1, small_threshold, django_capture_on_commit_callbacks
):
    sign_in(client, level_1)
    upload(client, intake(4), django_capture_on_commit_callbacks, run=False)
    job = CertificateImport.objects.get()
    stored = job.file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert bulk.certificate_imports_expire(now=timezone.now() + timedelta(hours=23)) == 0
        assert bulk.certificate_imports_expire(now=timezone.now() + timedelta(days=1, minutes=1)) == 1

    job.refresh_from_db()
    assert job.status == CertificateImport.Status.FAILED
    assert not job.file
    assert not default_storage.exists(stored)
    assert bulk.certificate_import_run(import_id=job.pk).status == CertificateImport.Status.FAILED


def test_a_university_intake_imports_correctly_through_the_worker(sponsor, level_1, django_capture_on_commit_callbacks):
    """10,000 rows on PostgreSQL (fewer on SQLite, for time): every draft as its row says, every one
    audited, and the audit trail still verifies. Its speed is measured by the benchmark."""
    count = 10_000 if connection.vendor == "postgresql" else 2_500
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[column for column, *_ in bulk.CSV_COLUMNS])
    writer.writeheader()
    for n in range(count):
        writer.writerow(good_row(family_name=f"Intake{n}", passport_number=f"P{n:07d}", weekly_hours=str(30 + n % 8)))
    upload = csv_file([])
    upload.file = io.BytesIO(out.getvalue().encode())
    upload.size = len(out.getvalue().encode())

    with django_capture_on_commit_callbacks(execute=True):
        job = bulk.certificates_import_csv(sponsor=sponsor, actor=level_1, upload=upload)

    job.refresh_from_db()
    assert (job.status, job.rows, job.rows_checked, job.rows_created) == ("created", count, count, count)
    drafts = Certificate.objects.filter(sponsor=sponsor).order_by("id")
    assert drafts.count() == count
    first, last = drafts.first(), drafts.last()
    assert (first.family_name, first.passport_number, first.weekly_hours, first.salary_pence) == (
        "Intake0",
        "P0000000",
        30,
        5600000,
    )
    assert (last.family_name, last.weekly_hours, last.kind, last.status) == (
        f"Intake{count - 1}",
        30 + (count - 1) % 8,
        "cos",
        "draft",
    )
    assert (last.start_date, last.route, last.created_by_id) == (START, "skilled_worker", level_1.pk)
    assert len(set(drafts.values_list("uuid", flat=True))) == count
    drafted = AuditEvent.objects.filter(verb=Verb.CERTIFICATE_DRAFTED, sponsor=sponsor)
    assert drafted.count() == count
    assert set(drafted.values_list("target_id", flat=True)) == {str(pk) for pk in drafts.values_list("pk", flat=True)}
    assert verify_audit_trail().ok
