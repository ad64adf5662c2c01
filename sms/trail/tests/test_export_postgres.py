"""On PostgreSQL the database writes the audit CSV (sms.trail.export_pg): byte for byte the file the
Python export writes from the same rows, whatever the rows hold, whatever the filter and time zone."""

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from sms.audit import services as audit
from sms.audit.models import AuditEvent, Verb
from sms.trail import export, export_pg, services
from sms.trail.models import AuditExport
from sms.trail.selectors import audit_event_search
from tests.factories import SponsorFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL writes this export")

ODD_TEXT = [
    "",
    "plain",
    '=HYPERLINK("http://evil")',
    "+44 20 7946 0000",
    "-1",
    "@SUM(A1)",
    "\tTab first",
    "\rCR first",
    "\nLF first",
    "'=already quoted",
    "comma, inside",
    'a "quoted" word',
    "two\nlines",
    "cr\rinside",
    "crlf\r\ninside",
    " leading and trailing space ",
    "\\.",
    "Zoë’s café – £574 ✓ \u2028 😀",
    "\x01 a control character",
    "\x02\x1f\x7f more controls",
]

PAYLOADS = [
    "",
    "{}",
    '{"note":null}',
    '{"note":""}',
    '{"route":"skilled_worker","fee_pence":52500,"skills_charge_pence":100000}',
    '{"fee_pence":-150,"amount_pence":123456789,"n":0,"big":123456789012345678901234567890}',
    '{"kind":"absence","start_date":"2026-03-02","end_date":"2024-02-29","bad":"2026-02-30"}',
    '{"year":"0999-01-01","odd":"٢٠٢٦-٠٣-٠٣","nl":"2026-03-03\\n","zero":"0000-01-01"}',
    '{"on_time":true,"late":false,"ratio":1.5,"huge":1e+20,"neg":-0.0}',
    '{"nan":NaN,"inf":Infinity,"ninf":-Infinity}',
    '{"from":"active","to":"suspended","reason":"Fraud, \\"alleged\\""}',
    '{"route":"skilled_worker","from":"A","to":"B"}',
    '{"from":null,"to":"A"}',
    '{"before":{"name":"Old","email":"a@x"},"after":{"name":"New","email":"a@x","count":1}}',
    '{"before":{"n":1,"flag":true},"after":{"n":true,"flag":1}}',
    '{"before":"Caseworker","after":"Team leader"}',
    '{"internal_target_working_days":{"before":5,"after":3}}',
    '{"name":{"from":null,"to":"Pat Smith"},"role":"authorising_officer"}',
    '{"permission_end":{"from":"2026-01-01","to":"2027-01-01"},"salary_pence":{"from":1000,"to":""}}',
    '{"routes":["skilled_worker","student"],"documents":[],"nested":[["a"],{"kind":"absence"}]}',
    '{"changed":{"job_title":{"from":"A","to":"B"}},"deep":{"a":{"b":{"c":[1,2]}}}}',
    '{"count":3,"number":4}',
    '{"event":"salary_change","verb":"signed_in"}',
    '{"amount":1,"amount_pence":250}',
    '{"Fee":"upper","fee":"lower"," spaced key ":"x","_":"y","":"empty key","ключ":"значение"}',
    '{"status":"lapsed","category":"defined","nation":"all","section":"level_1","size":"small"}',
    '{"note":"line\\nbreak, \\"quote\\", tab\\t, \\u0001 control, \\\\ backslash, é ✓ 😀"}',
    '{"subject":"=cmd|\' /C calc\'!A0","n":"=1+1"}',
    '{ "spaced" : "json" , "n" : 1 }',
    '{"\\u0041scaped":"\\u0042"}',
]

VERBS = [Verb.SIGNED_IN, Verb.ROUTE_RATED, Verb.LICENCE_SUSPENDED, Verb.SETTINGS_CHANGED, "made_up", "=verb", "a:b"]

MOMENTS = [
    datetime(2026, 7, 1, 12, 30, 15, 999999, tzinfo=UTC),  # summer time in London
    datetime(2026, 1, 15, 23, 59, 59, tzinfo=UTC),  # winter, and the next day in some zones
    datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),  # the hour the clocks go forward
    datetime(1973, 1, 1, 0, 0, 0, tzinfo=UTC),
    datetime(1972, 6, 1, 0, 0, 1, tzinfo=UTC),
    datetime(1850, 6, 1, 8, 0, 0, tzinfo=UTC),  # London's offset was -00:01:15
]

IPS = [None, "81.2.0.127", "10.20.0.5", "2001:db8::1", "::ffff:1.2.3.4", "fe80::1:2:3:4"]


def raw_event(**fields) -> AuditEvent:
    """A row as stored, whatever it holds (the export reads columns; it does not check the chain)."""
    event = AuditEvent(
        **{
            "actor_label": "",
            "target_label": "",
            "payload_json": "{}",
            "occurred_at": MOMENTS[0],
            "key_id": "test",
            "previous_hash": "0" * 64,
            "hash": uuid.uuid4().hex * 2,
            **fields,
        }
    )
    event.save(force_insert=True)
    return event


def python_bytes(events) -> bytes:
    return b"".join(export._line(row) for row in export.event_rows(events))


def database_bytes(events) -> bytes:
    return b"".join(export_pg.copy_lines(events))


def assert_same(events):
    expected, written = python_bytes(events), database_bytes(events)
    assert written.count(b"\r\n") >= events.count()
    if written != expected:  # the first line that differs, for the failure message
        for mine, theirs in zip(written.split(b"\r\n"), expected.split(b"\r\n"), strict=False):
            assert mine == theirs
    assert written == expected


@pytest.fixture
def odd_trail(level_1, level_2):
    sponsor = level_1.sponsor
    odd_sponsor = SponsorFactory(name='=Evil, "Ltd"\nsecond line')
    nameless = SponsorFactory(name="")
    sponsors = [sponsor, sponsor, sponsor, None, odd_sponsor, nameless]
    actors = [level_1, level_2, None]
    n = 0
    for payload in PAYLOADS:
        for verb in VERBS:
            raw_event(
                sponsor=sponsors[n % len(sponsors)],
                actor=actors[n % len(actors)],
                actor_label=ODD_TEXT[n % len(ODD_TEXT)],
                target_label=ODD_TEXT[(n * 7 + 3) % len(ODD_TEXT)],
                verb=verb,
                payload_json=payload,
                occurred_at=MOMENTS[n % len(MOMENTS)] - timedelta(seconds=n),
                ip_address=IPS[n % len(IPS)],
            )
            n += 1
    # Real rows, as the services write them.
    audit.record(actor=level_1, verb=Verb.FEE_RATE_ADDED, payload={"fee_pence": 57400, "kind": "cos_worker"})
    audit.record(actor=level_2, verb=Verb.PASSWORD_CHANGED, target=level_2, ip_address="2001:db8::7")
    return AuditEvent.objects.all()


def test_the_database_writes_what_python_writes_for_every_kind_of_row(odd_trail):
    assert AuditEvent.objects.filter(payload_json__contains="NaN").exists()
    assert_same(AuditEvent.objects.all())


@pytest.mark.parametrize("zone", ["Europe/London", "UTC", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"])
def test_the_time_is_in_the_current_time_zone_as_python_writes_it(odd_trail, zone):
    with timezone.override(zone):
        assert_same(AuditEvent.objects.all())


def test_every_filter_of_the_trail_gives_the_same_file(odd_trail, level_1, level_2, caseworker):
    searches = [
        (level_1, {}),
        (level_1, {"verb": Verb.ROUTE_RATED}),
        (level_1, {"user": level_2.user_id}),
        (level_1, {"date_from": "2026-01-16", "date_to": "2026-07-01"}),
        (level_2, {}),
        (caseworker, {}),
        (caseworker, {"sponsor": level_1.sponsor.name, "verb": Verb.SETTINGS_CHANGED}),
        (caseworker, {"user": level_1.user_id}),
    ]
    for user, data in searches:
        search = audit_event_search(user=user, data=data)
        assert not data or search.is_valid(), search.form.errors
        assert search.qs.exists(), data
        assert_same(search.qs)


def test_the_streamed_export_uses_the_database_and_python_only_for_the_details(odd_trail, level_1, monkeypatch):
    events = audit_event_search(user=level_1, data={}).qs
    expected = b"".join(export.csv_lines(events))

    def refused(events):
        raise AssertionError("rows read into Python")

    monkeypatch.setattr(export, "event_rows", refused)
    assert export.writes_in_database(events)
    assert b"".join(export.csv_lines(events)) == expected
    rows = list(csv.reader(io.StringIO(expected.decode(), newline="")))
    assert rows[0] == export.HEADER
    assert rows[-1] == [export.COMPLETE_MARKER, f"{events.count()} events"]


def test_a_payload_seen_again_is_rendered_once(level_1, monkeypatch):
    for n in range(5):
        audit.record(actor=level_1, verb=Verb.FEE_RATE_ADDED, payload={"fee_pence": 57400, "kind": "cos_worker"})
        audit.record(actor=level_1, verb=Verb.ROUTE_RATED, payload={"from": "x", "to": "y", "n": n % 2})
    calls = []
    real = export_pg.details_json

    def counted(verb, payload_json):
        calls.append((verb, payload_json))
        return real(verb, payload_json)

    monkeypatch.setattr(export_pg, "details_json", counted)
    events = AuditEvent.objects.filter(verb__in=[Verb.FEE_RATE_ADDED, Verb.ROUTE_RATED])
    lines = database_bytes(events).split(b"\r\n")
    assert len(lines) == 11  # ten rows, then nothing after the last CRLF
    assert len(calls) == len(set(calls)) == 3
    details = [row[5] for row in csv.reader(io.StringIO(b"\r\n".join(lines).decode(), newline=""))]
    assert details.count('{"Rating": "x → y", "N": "0"}') == 3
    assert details.count('{"Rating": "x → y", "N": "1"}') == 2
    assert len(set(details)) == 3  # and five times the fee's


def settings_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone'), current_setting('jit')")
        return cursor.fetchone()


def test_a_failure_part_way_ends_the_stream_with_the_failure_row_and_leaves_the_connection_usable(level_1, monkeypatch):
    audit.record_many([{"actor": level_1, "verb": Verb.FEE_RATE_ADDED, "payload": {"n": n}} for n in range(30)])
    stored = AuditEvent.objects.count()
    before = settings_now()
    real = export_pg.details_json

    def failing(verb, payload_json):
        if json.loads(payload_json).get("n") == 20:
            raise RuntimeError("a payload that cannot be read")
        return real(verb, payload_json)

    monkeypatch.setattr(export_pg, "details_json", failing)
    rows = list(csv.reader(io.StringIO(b"".join(export.csv_lines(AuditEvent.objects.all())).decode())))
    assert rows[-1] == [export.FAILED_MARKER]
    assert len(rows) == 1 + 9 + 1  # newest first: n = 29 down to 21, then the failure
    assert AuditEvent.objects.count() == stored  # the connection still answers
    assert settings_now() == before


def test_a_download_abandoned_part_way_stops_the_copy_and_leaves_the_connection_as_it_was(level_1, monkeypatch):
    audit.record_many([{"actor": level_1, "verb": Verb.SIGNED_IN} for _ in range(50)])
    stored = AuditEvent.objects.count()
    monkeypatch.setattr(export, "CHUNK_BYTES", 1)
    before = settings_now()
    lines = export.csv_lines(AuditEvent.objects.all())
    assert next(lines).startswith(b"Time,")
    assert next(lines).count(b"\r\n") == 1
    lines.close()  # the client went away
    assert AuditEvent.objects.count() == stored
    assert settings_now() == before
    assert b"".join(export.csv_lines(AuditEvent.objects.all())).count(b"\r\n") == stored + 2
    assert settings_now() == before


@pytest.mark.django_db(transaction=True)
def test_a_background_export_shows_its_progress_while_the_database_writes_it(level_1, monkeypatch):
    audit.record_many([{"actor": level_1, "verb": Verb.FACT_RECORDED, "payload": {"n": n}} for n in range(40)])
    monkeypatch.setattr(export, "CHUNK_BYTES", 1)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(services.transaction, "on_commit", lambda callback: None)  # run it here instead
    job = services.audit_export_request(actor=level_1, sponsor=level_1.sponsor, filters={})
    seen = []
    onlooker = connections.create_connection("default")
    real = export.csv_rows_strict

    def watched(events, counter):
        for chunk in real(events, counter):
            with onlooker.cursor() as cursor:  # as the status page would, while COPY holds the connection
                cursor.execute("SELECT rows_written FROM trail_auditexport WHERE id = %s", [job.pk])
                seen.append(cursor.fetchone()[0])
            yield chunk

    monkeypatch.setattr(export, "csv_rows_strict", watched)
    try:
        services.audit_export_produce(export_id=job.pk)
    finally:
        onlooker.close()
    job.refresh_from_db()
    assert job.status == AuditExport.Status.READY
    assert job.rows_written == AuditEvent.objects.filter(sponsor=level_1.sponsor).count() > 40
    assert sorted(set(seen) - {0})[:4] == [10, 20, 30, 40]  # counted while it ran
    with job.file.open("rb") as stored:
        content = stored.read()
    job.file.delete(save=False)
    assert content == b"".join(export.csv_lines(AuditEvent.objects.filter(sponsor=level_1.sponsor)))


def test_a_payload_holding_a_raw_control_character_fails_the_export_as_python_does(level_1):
    raw_event(sponsor=level_1.sponsor, verb=Verb.NOTICE_READ, payload_json='{"note":"a\x01b"}')
    events = AuditEvent.objects.filter(sponsor=level_1.sponsor)
    with pytest.raises(json.JSONDecodeError, match="control character"):
        python_bytes(events)
    rows = list(csv.reader(io.StringIO(b"".join(export.csv_lines(events)).decode(), newline="")))
    assert rows[-1] == [export.FAILED_MARKER]
