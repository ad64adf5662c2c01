"""Webhook events are written with what happened, once per occurrence, only for the endpoints
subscribed to them, and only the sponsor's own."""

import json
from datetime import date, timedelta

import pytest

from sms.alerts.services import alerts_sweep
from sms.certificates.models import Certificate
from sms.certificates.services.certificates import certificate_withdraw, certificates_expire
from sms.reporting.models import Obligation, SponsoredPerson
from sms.reporting.services import facts
from sms.webhooks.models import EventType, WebhookDelivery, WebhookEvent
from sms.webhooks.services import webhook_endpoint_create, webhook_endpoint_switch

MONDAY = date(2026, 11, 23)


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    return MONDAY


@pytest.fixture
def worker(assign, level_1, today):
    return facts.person_register_from_certificate(certificate=assign(), actor=level_1)


def sent(type_: str) -> list[dict]:
    """The payloads of the events of ``type_``, oldest first."""
    return [
        json.loads(body)
        for body in WebhookEvent.objects.filter(type=type_).order_by("id").values_list("body", flat=True)
    ]


def test_an_obligation_is_sent_when_opened_due_soon_and_overdue_once_each(endpoint_at, worker, level_1, today):
    endpoint, _ = endpoint_at("https://hr.example.com/hook")
    facts.fact_record(person=worker, actor=level_1, kind="role_change", start_date=today, new_value="Lead nurse")
    obligation = Obligation.objects.get(person=worker, event="role_change")
    [opened] = sent(EventType.OBLIGATION_OPENED)
    assert opened["data"]["obligation"]["id"] == str(obligation.uuid)
    assert opened["data"]["obligation"]["legal_deadline"] == obligation.legal_deadline.isoformat()
    assert opened["data"]["worker"]["family_name"] == "Okoro"
    # Nothing the sponsor does not already hold, and no more than names, references and dates.
    assert set(opened["data"]["worker"]) == {
        "id", "given_names", "family_name", "employee_number", "certificate_reference", "permission_end",
    }  # fmt: skip

    for day in (obligation.target_date, obligation.target_date, obligation.legal_deadline + timedelta(days=1)):
        alerts_sweep(today=day)
    alerts_sweep(today=obligation.legal_deadline + timedelta(days=2))  # the sweep is idempotent
    assert len(sent(EventType.OBLIGATION_DUE_SOON)) == 1
    assert len(sent(EventType.OBLIGATION_OVERDUE)) == 1
    # Registered after the certificate was assigned: only the three obligation events.
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 3


def test_permission_ending_is_sent_once_per_band(endpoint_at, worker, today):
    endpoint_at("https://hr.example.com/hook", events=[EventType.PERMISSION_ENDING])
    end = today + timedelta(days=90)
    SponsoredPerson.objects.filter(pk=worker.pk).update(permission_end=end)
    for days_left in range(90, -1, -15):
        alerts_sweep(today=end - timedelta(days=days_left))
        alerts_sweep(today=end - timedelta(days=days_left))
    assert [event["data"]["days_band"] for event in sent(EventType.PERMISSION_ENDING)] == [90, 60, 30]
    assert sent(EventType.PERMISSION_ENDING)[0]["data"]["worker"]["permission_end"] == end.isoformat()
    assert WebhookEvent.objects.exclude(type=EventType.PERMISSION_ENDING).count() == 0  # not subscribed


def test_every_certificate_status_change_is_sent_once(endpoint_at, assign, level_1, today):
    endpoint_at("https://hr.example.com/hook", events=[EventType.CERTIFICATE_STATUS_CHANGED])
    withdrawn = assign("Withdrawn")
    certificate_withdraw(certificate=withdrawn, actor=level_1, reason="The offer was withdrawn")
    lapsing = assign("Lapsing")
    Certificate.objects.filter(pk=lapsing.pk).update(expires_on=today - timedelta(days=1))
    certificates_expire(today=today)
    certificates_expire(today=today)
    changes = [
        (event["data"]["certificate"]["family_name"], event["data"]["certificate"]["previous_status"],
         event["data"]["certificate"]["status"])
        for event in sent(EventType.CERTIFICATE_STATUS_CHANGED)
    ]  # fmt: skip
    assert changes == [
        ("Withdrawn", "draft", "assigned"),
        ("Withdrawn", "assigned", "withdrawn"),
        ("Lapsing", "draft", "assigned"),
        ("Lapsing", "assigned", "expired"),
    ]


def test_nothing_is_written_without_a_subscribed_enabled_endpoint(endpoint_at, assign, level_1):
    endpoint, _ = endpoint_at("https://hr.example.com/hook", events=[EventType.OBLIGATION_OPENED])
    assign("Unsubscribed")
    webhook_endpoint_switch(actor=level_1, endpoint=endpoint, enabled=False)
    endpoint_at("https://other.example.com/hook", events=[EventType.OBLIGATION_OPENED])  # still not certificates
    assign("Disabled")
    assert WebhookEvent.objects.count() == 0


def test_another_sponsors_events_never_reach_an_endpoint(endpoint_at, assign, other_sponsor, other_level_1):
    webhook_endpoint_create(
        actor=other_level_1, sponsor=other_sponsor, url="https://other.example.com/hook",
        events=list(EventType.values), description="Theirs",
    )  # fmt: skip
    mine, _ = endpoint_at("https://hr.example.com/hook")
    assign()
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [mine.pk]
