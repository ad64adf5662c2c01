"""The audit trail page: who sees what, filters, pagination, CSV export, constant query count."""

import csv
import io

import pytest
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit import services as audit
from sms.audit.models import AuditEvent, Verb
from sms.trail.views.trail import PAGE_SIZE


def rows_of(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


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


def test_the_trail_is_paginated(client, level_1):
    for _ in range(PAGE_SIZE + 5):
        audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    sign_in(client, level_1)
    first = client.get(reverse("audit:trail"))
    assert len(events_on_page(first)) == PAGE_SIZE
    second = client.get(reverse("audit:trail"), {"page": 2})
    assert 0 < len(events_on_page(second)) <= PAGE_SIZE
    assert "Page 2 of 2" in second.content.decode()


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
