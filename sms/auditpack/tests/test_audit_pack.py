"""The audit pack: its contents match the records, both files open, and only the sponsor's Level 1
users may produce or download it."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent
from sms.auditpack import services
from sms.auditpack.models import AuditPack
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.core.exceptions import DomainError
from sms.dashboard.services import monthly_review_complete
from sms.reporting.models import Fact, Obligation
from sms.reporting.services import facts, obligations
from sms.righttowork.services import rtw_check_record, training_record_add


@pytest.fixture
def records(sponsor, level_1, level_2, time_machine):
    """A worker who left (reported on time) and one absence still to report."""
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    give_allocation(sponsor)
    time_machine.move_to("2026-08-03 10:00:00Z", tick=False)
    first = draft(sponsor, level_2, family_name="Okafor", given_names="Ada", start_date=date(2026, 9, 1))
    second = draft(sponsor, level_2, family_name="Brennan", given_names="Liam", start_date=date(2026, 9, 1))
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    ada = facts.person_register_from_certificate(certificate=certificate_assign(certificate=first, actor=level_2),
                                                 actor=level_2)  # fmt: skip
    liam = facts.person_register_from_certificate(certificate=certificate_assign(certificate=second, actor=level_2),
                                                  actor=level_2)  # fmt: skip
    facts.fact_record(person=ada, actor=level_1, kind=Fact.Kind.EMPLOYMENT_ENDED, start_date=date(2026, 11, 20),
                      end_reason="resignation")  # fmt: skip
    obligations.obligation_report(obligation=Obligation.objects.get(person=ada), actor=level_1,
                                  report={"reason": "Resigned"}, uploads=[], declaration=True)  # fmt: skip
    rtw_check_record(
        person=liam, actor=level_1, checked_on=date(2026, 8, 28), method="online", share_code="W12 345 678",
        result="time_limited", checked_by=level_1, permission_end=date(2027, 6, 30),
        uploads=[SimpleUploadedFile("share-code.pdf", b"%PDF-1.4\n%%EOF\n")],
    )  # fmt: skip
    training_record_add(sponsor=sponsor, actor=level_1, course="Sponsor duties refresher", taken_on=date(2026, 3, 2),
                        user=level_1)  # fmt: skip
    monthly_review_complete(sponsor=sponsor, actor=level_1, notes="All in order", checks={
        "key_personnel_current": True, "reports_checked": True, "allocation_sufficient": True, "messages_read": True,
    })  # fmt: skip
    facts.fact_record(person=liam, actor=level_1, kind=Fact.Kind.ABSENCE, start_date=date(2026, 11, 2),
                      end_date=date(2026, 11, 18), authorised=False, pay="unpaid")  # fmt: skip
    return {"ada": ada, "liam": liam}


@pytest.fixture
def produce(level_1, django_capture_on_commit_callbacks):
    """Ask for a pack; the test settings run the background task at once, when the request commits."""

    def produce_pack():
        with django_capture_on_commit_callbacks(execute=True):
            pack = services.audit_pack_request(
                sponsor=level_1.sponsor,
                actor=level_1, period_start=date(2026, 1, 1), period_end=date(2026, 11, 23)
            )
        pack.refresh_from_db()
        return pack

    return produce_pack


def csv_of(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    file = next(entry for entry in archive.namelist() if entry.endswith(f"-{name}.csv"))
    return list(csv.reader(io.StringIO(archive.read(file).decode())))


def test_the_csv_files_hold_exactly_the_sponsors_records(records, sponsor, produce, other_level_1, level_1):
    pack = produce()
    assert (pack.status, pack.progress) == (AuditPack.Status.READY, 100)
    archive = zipfile.ZipFile(pack.zip_file.open("rb"))
    workers = csv_of(archive, "worker_register")
    assert workers[0][:3] == ["Name", "Type", "Status"]
    assert sorted(row[0] for row in workers[1:]) == ["Ada Okafor", "Liam Brennan"]
    assert {row[0]: row[2] for row in workers[1:]}["Ada Okafor"] == "Left"
    reports = csv_of(archive, "reports")
    assert [(row[1], row[6]) for row in reports[1:]] == [("Ada Okafor", "Reported on time")]
    still_open = csv_of(archive, "open_obligations")
    assert [row[1] for row in still_open[1:]] == ["Liam Brennan"]
    certificates = csv_of(archive, "certificates")
    assert len(certificates) == 3
    assert {row[4] for row in certificates[1:]} == {"Assigned"}
    trail = csv_of(archive, "audit_trail")
    in_period = AuditEvent.objects.filter(sponsor=sponsor).exclude(verb="audit_pack_ready")  # written after
    assert len(trail) - 1 == in_period.count()
    assert "Certificate assigned" in {row[2] for row in trail[1:]}
    checks = csv_of(archive, "right_to_work")
    assert [(row[0], row[1], row[3], row[6], row[7]) for row in checks[1:]] == [
        ("Liam Brennan", "28 August 2026", "W12 345 678", "30 June 2027", "Yes")
    ]
    training = csv_of(archive, "training")
    assert [(row[2], row[3], row[4]) for row in training[1:]] == [
        ("Sponsor duties refresher", "2 March 2026", "2 March 2027")
    ]
    reviews = csv_of(archive, "monthly_reviews")
    assert [(row[0], row[2], row[6]) for row in reviews[1:]] == [("23 November 2026", "Yes", "All in order")]
    access = csv_of(archive, "access_register")
    assert level_1.email in {row[1] for row in access[1:]}
    assert other_level_1.email not in archive.read(next(n for n in archive.namelist() if "access" in n)).decode()
    assert "README.txt" in archive.namelist()


def test_the_pdf_has_contents_and_every_page_is_identified_and_numbered(records, sponsor, produce):
    pack = produce()
    reader = PdfReader(pack.pdf_file.open("rb"))
    pages = [page.extract_text() for page in reader.pages]
    assert "Contents" in pages[0]
    assert "Worker register" in pages[0]
    total = len(pages)
    assert total > 5  # each section starts a page
    for number, text in enumerate(pages, start=1):
        assert sponsor.name in text
        assert sponsor.licence.number in text
        assert f"Page {number} of {total}" in text
        assert "Produced 23 November 2026" in text
    everything = "\n".join(pages)
    assert "Ada Okafor" in everything
    assert "Reported on time" in everything


def test_a_failure_is_shown_as_failed_never_ready(records, produce, monkeypatch):
    def broken(contents):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render_pdf", broken)
    pack = produce()
    assert pack.status == AuditPack.Status.FAILED
    assert not pack.pdf_file
    assert not pack.zip_file
    assert "could not be produced" in pack.error


def test_a_level_2_user_may_not_produce_the_pack(level_2):
    with pytest.raises(PermissionDenied):
        services.audit_pack_request(
            sponsor=level_2.sponsor, actor=level_2, period_start=date(2026, 1, 1), period_end=date(2026, 11, 1)
        )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 5, 1), date(2026, 4, 1), "must be the same as or after its start"),
        (date(2026, 5, 1), date(2099, 1, 1), "must be today or in the past"),
        (date(2010, 1, 1), date(2026, 1, 1), "at most 6 years"),
    ],
)
def test_an_impossible_period_is_refused(level_1, start, end, message):
    with pytest.raises(DomainError, match=message):
        services.audit_pack_request(sponsor=level_1.sponsor, actor=level_1, period_start=start, period_end=end)


def test_the_default_period_is_the_last_twelve_months():
    assert services.default_period(date(2026, 11, 23)) == (date(2025, 11, 24), date(2026, 11, 23))
    assert services.default_period(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))


def test_the_pages_ask_show_progress_and_download_and_another_sponsor_gets_404(
    client, records, level_1, other_level_1, django_capture_on_commit_callbacks
):
    sign_in(client, level_1)
    page = client.get(reverse("auditpack:index")).content.decode()
    assert 'value="24/11/2025"' in page
    assert "Produce the audit pack" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("auditpack:index"), {"period_start": "1/1/2026", "period_end": "23/11/2026"}
        )
    pack = AuditPack.objects.get()
    assert response.url == reverse("auditpack:detail", args=[pack.uuid])
    detail = client.get(response.url).content.decode()
    assert "Ready to download" in detail
    assert "1 January 2026 to 23 November 2026" in detail
    pdf = client.get(reverse("auditpack:download", args=[pack.uuid, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert 'filename="audit-pack-2026-01-01-to-2026-11-23.pdf"' in pdf["Content-Disposition"]
    assert AuditEvent.objects.filter(verb="audit_pack_downloaded", actor=level_1).count() == 1
    client.post(reverse("accounts:sign_out"))
    sign_in(client, other_level_1)
    assert client.get(reverse("auditpack:detail", args=[pack.uuid])).status_code == 404
    assert client.get(reverse("auditpack:download", args=[pack.uuid, "zip"])).status_code == 404


def test_a_pack_being_produced_shows_its_progress(client, level_1):
    pack = AuditPack.objects.create(
        sponsor=level_1.sponsor, requested_by=level_1, period_start=date(2026, 1, 1), period_end=date(2026, 2, 1),
        status=AuditPack.Status.BUILDING, progress=40, stage="Collecting: Worker register",
    )  # fmt: skip
    sign_in(client, level_1)
    page = client.get(reverse("auditpack:detail", args=[pack.uuid])).content.decode()
    assert "40% done: collecting: worker register" in page
    assert "Check again" in page
    assert client.get(reverse("auditpack:download", args=[pack.uuid, "pdf"])).status_code == 404


def test_the_audit_trail_names_a_pack_with_uk_dates(level_1):
    """The pack's label is what the audit trail shows: "1 January 2026", never "2026-01-01"."""
    pack = AuditPack(sponsor=level_1.sponsor, requested_by=level_1, period_start=date(2026, 1, 1),
                     period_end=date(2026, 2, 1))  # fmt: skip
    assert str(pack) == "Audit pack 1 January 2026 to 1 February 2026 (Waiting to start)"
