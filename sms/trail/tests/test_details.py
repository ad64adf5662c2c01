"""Audit details read as people read them, the same on the page and in the CSV export."""

import csv
import io
import json
from datetime import date

from django.urls import reverse
from django.utils import timezone

from sms.accounts.tests.helpers import sign_in
from sms.audit import services as audit
from sms.audit.models import AuditEvent, Verb
from sms.licensing.models import KeyPersonRole
from sms.licensing.services import personnel
from sms.trail.details import details_json, event_details, payload_details, value_text
from tests.factories import suitable_person


def csv_details(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[-1]["Time"] == "End of export"  # the file is complete
    return [json.loads(row["Details"]) if row["Details"] else {} for row in rows[:-1]]


def test_pence_dates_and_codes_read_as_pounds_uk_dates_and_labels(level_1):
    event = audit.record(
        actor=level_1,
        verb=Verb.CERTIFICATE_ASSIGNED,
        payload={"route": "skilled_worker", "fee_pence": 157900, "expires_on": "2026-03-03"},
    )
    assert event_details(event) == [
        ("Route", "Skilled Worker"),
        ("Fee", "£1,579"),
        ("Expires on", "3 March 2026"),
    ]


def test_status_changes_read_before_and_after(level_1):
    event = audit.record(
        actor=level_1, verb=Verb.LICENCE_SUSPENDED, payload={"from": "active", "to": "suspended", "reason": "Visit"}
    )
    assert event_details(event) == [("Status", "Active → Suspended"), ("Reason", "Visit")]


def test_an_address_change_is_recorded_and_shown_before_and_after(client, sponsor, level_1):
    sponsor.registered_address = "1 Old St"
    sponsor.save(update_fields=["registered_address"])
    personnel.organisation_details_change(
        sponsor=sponsor,
        actor=level_1,
        name=sponsor.name,
        registered_address="2 New St",
        trading_address=sponsor.trading_address,
        effective_date=date(2026, 1, 5) if timezone.localdate() >= date(2026, 1, 5) else timezone.localdate(),
    )
    event = AuditEvent.objects.get(verb=Verb.ORGANISATION_DETAILS_CHANGED)
    assert event.payload["registered_address"] == {"from": "1 Old St", "to": "2 New St"}
    sign_in(client, level_1)
    page = client.get(reverse("audit:trail"), {"verb": Verb.ORGANISATION_DETAILS_CHANGED}).content.decode()
    assert "Registered office address: 1 Old St → 2 New St" in page
    assert "registered_address" not in page
    exported = csv_details(client.get(reverse("audit:export"), {"verb": Verb.ORGANISATION_DETAILS_CHANGED}))
    assert exported[0]["Registered office address"] == "1 Old St → 2 New St"


def test_a_key_person_replacement_records_who_was_replaced(sponsor, level_1):
    personnel.key_person_appoint(
        sponsor=sponsor,
        role=KeyPersonRole.KEY_CONTACT,
        person=suitable_person(given="Nadia", email="nadia@acme.example"),
        actor=level_1,
    )
    event = AuditEvent.objects.filter(verb=Verb.KEY_PERSON_APPOINTED).latest("id")
    details = dict(event_details(event))
    assert details["Role"] == "Key Contact"
    assert " → Nadia" in details["Name"]


def test_the_csv_details_column_is_json_with_the_pages_labels(client, level_1):
    audit.record(actor=level_1, verb=Verb.REQUEST_SUBMITTED, payload={"kind": "renewal", "fee_pence": 157900})
    sign_in(client, level_1)
    page = client.get(reverse("audit:trail"), {"verb": Verb.REQUEST_SUBMITTED}).content.decode()
    assert "Fee: £1,579" in page
    exported = csv_details(client.get(reverse("audit:export"), {"verb": Verb.REQUEST_SUBMITTED}))
    assert exported == [{"Kind": "Licence renewal", "Fee": "£1,579"}]


def test_the_details_json_is_what_json_dumps_writes_and_dates_what_strftime_writes():
    """details_json writes the object and the month names itself (it runs for every different
    payload of an export): the same text as json.dumps(..., ensure_ascii=False) and "%B %Y"."""
    payloads = [
        {"note": 'a "quoted", \\ back\\slash\nnew line\ttab \x01 \x1f \x7f é ✓ 😀 \u2028 \u2029'},
        {"route": "skilled_worker", "fee_pence": 157900, "n": 0, "flag": True, "none": None, "empty": ""},
        {"from": "active", "to": "suspended", "count": 1, "number": 2},
        {"before": {"name": "A"}, "after": {"name": 'B "b"'}, "routes": ["student", "x"]},
        {f"day_{month}": f"2026-{month:02d}-{month + 10}" for month in range(1, 13)},
        {"old": "0999-01-31", "leap": "2024-02-29", "not": "2026-02-30"},
    ]
    for payload in payloads:
        text = json.dumps(payload, ensure_ascii=False)
        assert details_json(Verb.LICENCE_SUSPENDED, text) == json.dumps(
            dict(payload_details(Verb.LICENCE_SUSPENDED, payload)), ensure_ascii=False
        )
    for month in range(1, 13):
        day = date(2026, month, month + 10)
        assert value_text("on", day.isoformat()) == f"{day.day} {day:%B %Y}"
    assert value_text("on", "0999-01-31") == "31 January 999"
