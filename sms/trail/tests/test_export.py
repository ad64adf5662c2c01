"""The audit CSV export: streamed and marked complete when small; produced by the worker when large;
never a file that looks complete when it is not."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sms.accounts.tests.helpers import sign_in
from sms.audit import services as audit
from sms.audit.models import AuditEvent, Verb
from sms.trail import export
from sms.trail.models import AuditExport


def csv_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


@pytest.fixture
def many_events(level_1):
    audit.record_many(
        [{"actor": level_1, "verb": Verb.FEE_RATE_ADDED, "payload": {"fee_pence": 57400, "n": n}} for n in range(30)]
    )


def test_a_small_export_streams_every_event_with_labels_and_ends_with_the_marker(client, level_1, many_events):
    sign_in(client, level_1)
    response = client.get(reverse("audit:export"))
    assert response.streaming
    rows = csv_of(b"".join(response.streaming_content))
    visible = AuditEvent.objects.filter(sponsor=level_1.sponsor).count()  # the export itself included
    assert rows[0] == export.HEADER
    assert rows[-1] == [export.COMPLETE_MARKER, f"{visible} events"]
    fees = [row for row in rows[1:-1] if row[3] == "Fee added"]
    assert len(fees) == 30
    assert fees[0][5] == '{"Fee": "£574", "N": "29"}'  # newest first; pence as pounds
    assert fees[0][2] == level_1.user_id
    assert fees[0][7] == level_1.sponsor.name


def test_a_stream_that_fails_part_way_ends_with_a_failure_row_not_the_marker(level_1, many_events, monkeypatch):
    real = export.event_lines

    def failing(events):
        for n, line in enumerate(real(events), start=1):
            if n == 10:
                raise RuntimeError("the database went away")
            yield line

    monkeypatch.setattr(export, "event_lines", failing)
    rows = csv_of(b"".join(export.csv_lines(AuditEvent.objects.filter(sponsor=level_1.sponsor))))
    assert rows[-1] == [export.FAILED_MARKER]
    assert not any(row and row[0] == export.COMPLETE_MARKER for row in rows)
    assert len(rows) == 1 + 9 + 1


def test_a_filter_nothing_can_match_exports_a_complete_empty_file(level_1, many_events):
    for events in (AuditEvent.objects.none(), AuditEvent.objects.filter(id__in=[])):
        rows = csv_of(b"".join(export.csv_lines(events)))
        assert rows == [export.HEADER, [export.COMPLETE_MARKER, "0 events"]]


def test_a_large_export_is_produced_by_the_worker_and_downloaded_by_its_requester_only(
    client, level_1, other_level_1, level_2, many_events, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(export, "BACKGROUND_THRESHOLD", 10)
    sign_in(client, level_1)
    # The test settings run tasks at once (the immediate backend), in this process, after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("audit:export"), {"verb": Verb.FEE_RATE_ADDED})
    job = AuditExport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("audit:export_status", args=[job.uuid])
    assert job.status == AuditExport.Status.READY
    assert job.rows_written == 30
    status = client.get(response.url)
    assert "Ready to download" in status.content.decode()
    download = client.get(reverse("audit:export_download", args=[job.uuid]))
    rows = csv_of(b"".join(download.streaming_content))
    assert rows[-1] == [export.COMPLETE_MARKER, "30 events"]
    assert {row[3] for row in rows[1:-1]} == {"Fee added"}
    assert AuditEvent.objects.filter(verb=Verb.AUDIT_EXPORTED, actor=level_1).exists()
    # Nobody else's: not another sponsor's user, not a colleague.
    for other in (other_level_1, level_2):
        client.post(reverse("accounts:sign_out"))
        sign_in(client, other)
        assert client.get(reverse("audit:export_status", args=[job.uuid])).status_code == 404
        assert client.get(reverse("audit:export_download", args=[job.uuid])).status_code == 404
    # Expired: no longer downloadable.
    AuditExport.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.post(reverse("accounts:sign_out"))
    sign_in(client, level_1)
    assert client.get(reverse("audit:export_download", args=[job.uuid])).status_code == 404
    assert "This export has expired" in client.get(reverse("audit:export_status", args=[job.uuid])).content.decode()


def test_a_background_export_that_fails_keeps_no_file_and_says_so(
    client, level_1, many_events, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(export, "BACKGROUND_THRESHOLD", 10)

    def broken(*args, **kwargs):
        yield b"Time\r\n"
        raise RuntimeError("the database went away")

    monkeypatch.setattr(export, "csv_rows_strict", broken)
    sign_in(client, level_1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("audit:export"))
    job = AuditExport.objects.get()
    assert job.status == AuditExport.Status.FAILED
    assert not job.file
    assert client.get(reverse("audit:export_download", args=[job.uuid])).status_code == 404
    assert "could not be finished" in client.get(response.url).content.decode()
