"""The notifications list with its read state and the header count; the sponsor's alert settings;
the user's own choice of email or in-app only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sms.accounts.notices import alerts_raise
from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.notifications.models import Alert, AlertRecipients, Notification, Topic
from sms.notifications.services import AlertDraft


def raise_alerts(sponsor, count: int, *, start: int = 0, concerns=None) -> list[Alert]:
    alerts_raise(
        [
            AlertDraft(
                sponsor_id=sponsor.pk, topic=Topic.OBLIGATIONS, rule="test", object_id=n,
                subject=f"Report number {n} is due", body="Report it by Friday.", link="/obligations/",
                concerns_user_id=concerns.pk if concerns else None,
            )
            for n in range(start, start + count)
        ]
    )  # fmt: skip
    return list(Alert.objects.filter(sponsor=sponsor, rule="test", object_id__gte=start).order_by("object_id"))


def header_count(response) -> str | None:
    match = re.search(r'id="notifications-count">(\d+)', response.content.decode())
    return match.group(1) if match else None


def test_the_list_shows_the_users_alerts_newest_first_with_the_unread_count_in_the_header(client, sponsor, level_1):
    raise_alerts(sponsor, 3)
    sign_in(client, level_1)
    response = client.get(reverse("alerts:notifications"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("Report number 2 is due") < text.index("Report number 0 is due")
    assert text.count(">New</strong>") == 3
    assert header_count(response) == "3"
    assert "Mark all as read" in text


def test_marking_one_read_lowers_the_count_and_opening_one_goes_to_what_it_is_about(client, sponsor, level_1):
    first, second, _ = raise_alerts(sponsor, 3)
    sign_in(client, level_1)
    response = client.post(reverse("alerts:read", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts:notifications")
    assert header_count(client.get(reverse("alerts:notifications"))) == "2"

    response = client.post(reverse("alerts:read", args=[second.pk]), {"open": "1"})
    assert response["Location"] == "/obligations/"
    assert Notification.objects.filter(user=level_1, read_at__isnull=True).count() == 1


def test_mark_all_as_read_clears_the_count(client, sponsor, level_1):
    raise_alerts(sponsor, 3)
    sign_in(client, level_1)
    client.post(reverse("alerts:read_all"))
    response = client.get(reverse("alerts:notifications"))
    assert header_count(response) is None
    assert ">New</strong>" not in response.content.decode()
    assert "Mark all as read" not in response.content.decode()


def test_a_link_to_another_site_is_not_followed(client, sponsor, level_1):
    alerts_raise(
        [AlertDraft(sponsor_id=sponsor.pk, topic=Topic.DECISIONS, rule="test", object_id=1, subject="S",
                    link="//evil.example/")]
    )  # fmt: skip
    sign_in(client, level_1)
    alert = Alert.objects.get(rule="test")
    response = client.post(reverse("alerts:read", args=[alert.pk]), {"open": "1"})
    assert response["Location"] == reverse("alerts:notifications")


def test_another_users_alert_is_not_found_and_not_marked(client, sponsor, level_1, level_2, other_level_1):
    (alert,) = raise_alerts(sponsor, 1)  # obligations go to Level 1 users; this one concerns nobody else
    assert not Notification.objects.filter(user=level_2).exists()
    sign_in(client, level_2)
    assert client.post(reverse("alerts:read", args=[alert.pk])).status_code == 404
    client.logout()
    sign_in(client, other_level_1)
    assert client.post(reverse("alerts:read", args=[alert.pk])).status_code == 404
    assert "Report number" not in client.get(reverse("alerts:notifications")).content.decode()
    assert Notification.objects.get(alert=alert).read_at is None


def test_an_alert_number_beyond_any_column_is_not_found(client, level_1):
    sign_in(client, level_1)
    assert client.post(reverse("alerts:read", args=[10**30])).status_code == 404


def test_the_list_is_paged_and_its_queries_do_not_grow_with_the_alerts(client, sponsor, level_1):
    raise_alerts(sponsor, 2)
    sign_in(client, level_1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("alerts:notifications"))
    raise_alerts(sponsor, 40, start=100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("alerts:notifications"))
    assert len(many) == len(few)
    assert response.content.decode().count("Mark as read<") == 25
    assert header_count(response) == "42"


def test_the_header_count_costs_one_query_on_every_sponsor_page(client, sponsor, level_1):
    sign_in(client, level_1)
    with CaptureQueriesContext(connection) as none_unread:
        client.get(reverse("portal:licence_summary"))
    raise_alerts(sponsor, 30)
    with CaptureQueriesContext(connection) as thirty_unread:
        response = client.get(reverse("portal:licence_summary"))
    assert header_count(response) == "30"
    assert len(thirty_unread) == len(none_unread)


def test_staff_have_no_notifications_page_and_no_count(client, caseworker):
    sign_in(client, caseworker)
    assert client.get(reverse("alerts:notifications")).status_code == 403
    assert header_count(client.get(reverse("portal:home_office_home"))) is None


# Settings: who is told (Level 1 users only).


def test_a_level_1_user_sees_the_defaults_and_changes_who_is_told(client, sponsor, level_1):
    sign_in(client, level_1)
    response = client.get(reverse("alerts:settings"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial[Topic.DECISIONS] == ["authorising_officer", "level_1"]
    assert form.initial[Topic.OBLIGATIONS] == ["level_1", "creator"]

    data = {topic: ["level_1"] for topic in Topic.values}
    data[Topic.OBLIGATIONS] = ["level_1", "level_2"]
    response = client.post(reverse("alerts:settings"), data)
    assert response.status_code == 302
    assert AlertRecipients.objects.get(sponsor=sponsor, topic=Topic.OBLIGATIONS).recipients == ["level_1", "level_2"]
    event = AuditEvent.objects.filter(verb=Verb.ALERT_RECIPIENTS_CHANGED).get()
    assert event.payload["after"][Topic.OBLIGATIONS] == ["level_1", "level_2"]


def test_a_topic_told_to_nobody_is_refused_with_its_name(client, sponsor, level_1):
    sign_in(client, level_1)
    data = {topic: ["level_1"] for topic in Topic.values}
    del data[Topic.ALLOCATION]
    response = client.post(reverse("alerts:settings"), data)
    assert response.status_code == 200
    assert "Select who is told about allocation running low" in response.content.decode()
    assert not AlertRecipients.objects.exists()


def test_a_level_2_user_cannot_change_who_is_told(client, level_2):
    sign_in(client, level_2)
    assert client.get(reverse("alerts:settings")).status_code == 403


def test_the_new_recipients_are_told_from_then_on(client, sponsor, level_1, level_2):
    sign_in(client, level_1)
    data = {topic: ["level_1", "level_2"] for topic in Topic.values}
    client.post(reverse("alerts:settings"), data)
    raise_alerts(sponsor, 1)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {level_1.pk, level_2.pk}


# Each user's choice: email and in-app, or in-app only.


@pytest.mark.parametrize("user", ["level_1", "level_2"])
def test_a_user_chooses_in_app_only_on_their_account(client, request, user):
    person = request.getfixturevalue(user)
    sign_in(client, person)
    assert "By email and in the service" in client.get(reverse("accounts:account")).content.decode()
    response = client.post(reverse("alerts:preference"), {"by_email": "no"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.alerts_by_email is False
    assert "In the service only" in client.get(reverse("accounts:account")).content.decode()
    assert AuditEvent.objects.filter(verb=Verb.ALERT_PREFERENCE_CHANGED, actor=person).exists()


def test_the_preference_form_says_what_to_choose(client, level_1):
    sign_in(client, level_1)
    response = client.post(reverse("alerts:preference"), {})
    assert "Select how you want to get alerts" in response.content.decode()
