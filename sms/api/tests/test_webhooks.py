"""Webhook endpoints through the API: registered (the secret in that answer only), listed with their
deliveries, deleted; refused fields as problem details; a Level 2 user's token is refused."""

from django.urls import reverse

from sms.api.tests.helpers import api
from sms.audit.models import AuditEvent, Verb
from sms.certificates.services.certificates import certificate_assign
from sms.certificates.tests.factories import draft, give_allocation
from sms.webhooks.models import WebhookEndpoint


def test_an_hr_system_registers_an_endpoint_sees_its_deliveries_and_deletes_it(sponsor, level_1):
    client = api(level_1)
    answer = client.post(
        reverse("api:webhooks"),
        {"description": "HR system", "url": "https://hr.example.com/hook", "events": ["certificate.status_changed"]},
        content_type="application/json",
    )
    assert answer.status_code == 201
    endpoint = WebhookEndpoint.objects.get()
    assert answer.json()["secret"] == endpoint.secret
    listed = client.get(reverse("api:webhooks")).json()
    assert [row["id"] for row in listed] == [str(endpoint.uuid)]
    assert "secret" not in listed[0]

    give_allocation(sponsor)
    certificate_assign(certificate=draft(sponsor, level_1), actor=level_1)
    [delivery] = client.get(reverse("api:webhook_deliveries", args=[endpoint.uuid])).json()["results"]
    assert delivery["event_type"] == "certificate.status_changed"
    assert delivery["status"] == "pending"

    assert client.post(reverse("api:webhook_delete", args=[endpoint.uuid])).status_code == 204
    assert not WebhookEndpoint.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.WEBHOOK_ENDPOINT_DELETED).exists()


def test_a_bad_endpoint_is_refused_field_by_field(level_1):
    answer = api(level_1).post(
        reverse("api:webhooks"),
        {"description": "HR", "url": "http://hr.example.com/hook", "events": ["nothing"]},
        content_type="application/json",
    )
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert errors["url"] == ["The web address must start with https://"]
    assert "events" in errors
    assert not WebhookEndpoint.objects.exists()


def test_a_level_2_users_token_may_not_manage_webhooks(level_2):
    assert api(level_2).get(reverse("api:webhooks")).status_code == 403
