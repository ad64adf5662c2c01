"""The audit trail page: who sees what, filters, pagination, CSV export, constant query count."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sms.accounts.models import Sponsor
from sms.accounts.tests.helpers import sign_in
from sms.audit import services as audit
from sms.audit.models import AuditEvent, Verb
from sms.trail.export import COMPLETE_MARKER
from sms.trail.views.trail import PAGE_SIZE


def rows_of(response):
    """The export's event rows, header first; its last line must be the end marker (a file cut short has none)."""
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[-1] == [COMPLETE_MARKER, f"{len(rows) - 2} event{'s' if len(rows) != 3 else ''}"]
    return rows[:-1]


def events_on_page(response):
    return list(response.context["page"].object_list)


@pytest.fixture
def trail(level_1, level_2, other_level_1, caseworker):
    audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    audit.record(actor=level_2, verb=Verb.MFA_ENROLLED, target=level_2)
    audit.record(actor=other_level_1, verb=Verb.PASSWORD_CHANGED, target=other_level_1)
    audit.record(actor=caseworker, verb=Verb.PASSWORD_CHANGED, target=caseworker)


def test_level_1_sees_the_whole_sponsors_trail_and_nothing_else(client, trail, level_1):
    sign_in(client, level_1)
    events = events_on_page(client.get(reverse("audit:trail")))
    assert {event.sponsor_id for event in events} == {level_1.sponsor_id}
    assert {Verb.PASSWORD_CHANGED, Verb.MFA_ENROLLED} <= {event.verb for event in events}


def test_level_2_sees_only_their_own_actions(client, trail, level_2):
    sign_in(client, level_2)
    events = events_on_page(client.get(reverse("audit:trail")))
    assert events
    assert {event.actor_id for event in events} == {level_2.pk}


def test_home_office_staff_see_every_sponsor_and_can_narrow_to_one(client, trail, caseworker, level_1, other_level_1):
    sign_in(client, caseworker)
    events = events_on_page(client.get(reverse("audit:home_office_trail")))
    assert {level_1.sponsor_id, other_level_1.sponsor_id, None} <= {event.sponsor_id for event in events}
    narrowed = client.get(reverse("audit:home_office_trail"), {"sponsor": str(level_1.sponsor.uuid)})
    assert {event.sponsor_id for event in events_on_page(narrowed)} == {level_1.sponsor_id}


def test_sponsor_users_cannot_open_the_home_office_trail_nor_staff_the_sponsor_one(client, trail, level_1, caseworker):
    sign_in(client, level_1)
    assert client.get(reverse("audit:home_office_trail")).status_code == 403
    assert client.get(reverse("audit:home_office_export")).status_code == 403
    client.post(reverse("accounts:sign_out"))
    sign_in(client, caseworker)
    assert client.get(reverse("audit:trail")).status_code == 403


def test_filters_by_user_and_event(client, trail, level_1, level_2):
    sign_in(client, level_1)
    by_user = events_on_page(client.get(reverse("audit:trail"), {"user": level_2.user_id}))
    assert {event.actor_id for event in by_user} == {level_2.pk}
    by_verb = events_on_page(client.get(reverse("audit:trail"), {"verb": Verb.PASSWORD_CHANGED}))
    assert {event.verb for event in by_verb} == {Verb.PASSWORD_CHANGED}


def test_filters_by_date(client, level_1, time_machine):
    time_machine.move_to("2026-03-01 12:00:00Z")
    audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    time_machine.move_to("2026-03-10 12:00:00Z")
    audit.record(actor=level_1, verb=Verb.MFA_ENROLLED, target=level_1)
    sign_in(client, level_1)
    events = events_on_page(client.get(reverse("audit:trail"), {"date_from": "5/3/2026", "date_to": "10/3/2026"}))
    assert Verb.MFA_ENROLLED in {event.verb for event in events}
    assert Verb.PASSWORD_CHANGED not in {event.verb for event in events}


def test_level_1_cannot_filter_by_a_user_of_another_sponsor(client, trail, level_1, other_level_1):
    sign_in(client, level_1)
    response = client.get(reverse("audit:trail"), {"user": other_level_1.user_id})
    assert "Select a user from the list" in response.content.decode()
    assert response.context["page"] is None


def test_bad_dates_are_reported_by_field(client, level_1):
    sign_in(client, level_1)
    content = client.get(reverse("audit:trail"), {"date_from": "31/2/2026", "date_to": "1/1/2026"}).content.decode()
    assert "From date must be a real date, like 27/3/2026" in content
    content = client.get(reverse("audit:trail"), {"date_from": "2/1/2026", "date_to": "1/1/2026"}).content.decode()
    assert "To date must be the same as or after the from date" in content


def test_the_trail_pages_older_and_newer_by_time_and_id_without_count_or_offset(client, level_1):
    # One bulk append gives every row the same time: the id settles the order within it.
    audit.record_many([{"actor": level_1, "verb": Verb.FACT_RECORDED, "payload": {"n": n}} for n in range(PAGE_SIZE)])
    for n in range(PAGE_SIZE + 5):
        audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1, payload={"n": n})
    sign_in(client, level_1)
    expected = list(
        AuditEvent.objects.filter(sponsor=level_1.sponsor).order_by("-occurred_at", "-id").values_list("id", flat=True)
    )
    seen, response, pages = [], client.get(reverse("audit:trail")), []
    while True:
        page = response.context["page"]
        pages.append(page)
        seen += [event.pk for event in page.object_list]
        assert len(page.object_list) <= PAGE_SIZE
        if not page.older:
            break
        assert "Older events" in response.content.decode()
        response = client.get(reverse("audit:trail"), {"older": page.older})
    assert seen == expected  # every event once, newest first, across same-time rows
    assert pages[0].newer is None
    assert "Newer events" not in client.get(reverse("audit:trail")).content.decode()
    # Back from the last page: the page before it, exactly.
    back = client.get(reverse("audit:trail"), {"newer": pages[-1].newer})
    assert [event.pk for event in events_on_page(back)] == [event.pk for event in pages[-2].object_list]
    # A page deep in the trail is found by seeking, never by counting or skipping rows.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("audit:trail"), {"older": pages[1].older})
    # (Other reads on the page, such as the header's unread notifications count, are not the trail's.)
    sql = " ".join(query["sql"].upper() for query in queries if "AUDIT_AUDITEVENT" in query["sql"].upper())
    assert "AUDIT_AUDITEVENT" in sql
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql
    # A cursor that is not one of ours is the first page, not an error.
    assert client.get(reverse("audit:trail"), {"older": "x' OR 1=1"}).context["page"].newer is None


def test_query_count_does_not_grow_with_the_trail(client, level_1, django_assert_max_num_queries):
    sign_in(client, level_1)
    for _ in range(5):
        audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("audit:trail"))
    for _ in range(120):
        audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("audit:trail"))


def test_csv_export_has_the_filtered_events_and_neutralises_formulas(client, level_1, level_2):
    audit.record(actor=level_2, verb=Verb.PASSWORD_CHANGED, target=level_2, payload={"note": "x"})
    audit.record(actor=level_1, verb=Verb.MFA_ENROLLED, target=level_1, actor_label='=HYPERLINK("http://evil")')
    sign_in(client, level_1)
    response = client.get(reverse("audit:export"), {"verb": Verb.MFA_ENROLLED})
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0][:4] == ["Time", "User", "User ID", "Event"]
    assert [row[3] for row in rows[1:]] == ["Multi-factor authentication set up"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert AuditEvent.objects.filter(verb=Verb.AUDIT_EXPORTED, actor=level_1).exists()


def test_level_2_export_has_only_their_own_actions(client, trail, level_2):
    sign_in(client, level_2)
    rows = rows_of(client.get(reverse("audit:export")))
    assert {row[2] for row in rows[1:]} == {level_2.user_id}


def test_home_office_finds_a_sponsor_by_name_or_licence_number_without_listing_them(client, trail, caseworker, level_1):
    sign_in(client, caseworker)
    page = client.get(reverse("audit:home_office_trail"))
    html = page.content.decode()
    assert 'type="text" name="sponsor"' in html
    assert "Borealis Foods Ltd</option>" not in html
    number = level_1.sponsor.licence.number
    for text in (number, number.lower(), "acme care", "Acme Care Ltd", str(level_1.sponsor.uuid)):
        narrowed = client.get(reverse("audit:home_office_trail"), {"sponsor": text})
        assert {event.sponsor_id for event in events_on_page(narrowed)} == {level_1.sponsor_id}, text
    missing = client.get(reverse("audit:home_office_trail"), {"sponsor": "No Such Sponsor"})
    assert "No sponsor has that name or licence number" in missing.content.decode()
    assert missing.context["page"] is None


def test_a_name_matching_too_many_sponsors_asks_for_more(client, caseworker):
    Sponsor.objects.bulk_create([Sponsor(name=f"Common Name {n} Ltd") for n in range(21)])
    sign_in(client, caseworker)
    response = client.get(reverse("audit:home_office_trail"), {"sponsor": "common name"})
    assert "More than 20 sponsors match" in response.content.decode()
