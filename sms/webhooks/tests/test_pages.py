"""The webhook pages: register (secret shown once), rotate, disable and enable, delete; each change
audited; a Level 2 user is refused; another sponsor's endpoint is a 404."""

import pytest
from django.urls import reverse

from sms.accounts.tests.helpers import sign_in
from sms.audit.models import AuditEvent, Verb
from sms.webhooks.models import EventType, WebhookEndpoint
from sms.webhooks.services import MAX_ENDPOINTS


@pytest.fixture
def signed_in(client, level_1):
    sign_in(client, level_1)
    return client


def register(client, **data):
    return client.post(
        reverse("webhooks:create"),
        {"description": "HR system", "url": "https://hr.example.com/hook", "events": [EventType.OBLIGATION_OPENED],
         **data},
    )  # fmt: skip


def test_registering_shows_the_secret_once_and_audits_it(signed_in):
    answer = register(signed_in)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in answer.content.decode()
    assert endpoint.events == [EventType.OBLIGATION_OPENED]
    page = signed_in.get(reverse("webhooks:endpoint", args=[endpoint.uuid])).content.decode()
    assert endpoint.secret not in page
    assert "A report is due (obligation opened)" in page
    event = AuditEvent.objects.get(verb=Verb.WEBHOOK_ENDPOINT_CREATED)
    assert endpoint.secret not in str(event.payload)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"url": "http://hr.example.com/hook"}, "The web address must start with https://"),
        ({"url": "javascript:alert(1)"}, "Enter a valid web address"),
        ({"url": "ftp://hr.example.com/hook"}, "The web address must start with https://"),
        ({"url": "https://"}, "Enter a valid web address"),
        ({"events": []}, "Select at least one event"),
        ({"events": ["everything"]}, "Select a valid choice"),
        ({"description": ""}, "Enter a description"),
    ],
)
def test_a_bad_registration_is_refused_with_its_reason(signed_in, data, error):
    answer = register(signed_in, **data)
    assert answer.status_code == 200
    assert error in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_sponsor_has_at_most_a_few_endpoints(signed_in):
    for _ in range(MAX_ENDPOINTS):
        register(signed_in)
    assert "at most" in register(signed_in).content.decode()
    assert WebhookEndpoint.objects.count() == MAX_ENDPOINTS


def test_rotate_disable_enable_and_delete_are_each_audited(signed_in):
    register(signed_in)
    endpoint = WebhookEndpoint.objects.get()
    old = endpoint.secret
    answer = signed_in.post(reverse("webhooks:rotate", args=[endpoint.uuid]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in answer.content.decode()
    signed_in.post(reverse("webhooks:switch", args=[endpoint.uuid]))
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    signed_in.post(reverse("webhooks:switch", args=[endpoint.uuid]))
    endpoint.refresh_from_db()
    assert endpoint.enabled is True
    assert signed_in.post(reverse("webhooks:delete", args=[endpoint.uuid])).status_code == 302
    assert not WebhookEndpoint.objects.exists()
    assert list(
        AuditEvent.objects.filter(verb__startswith="webhook_").order_by("id").values_list("verb", flat=True)
    ) == [
        Verb.WEBHOOK_ENDPOINT_CREATED,
        Verb.WEBHOOK_SECRET_ROTATED,
        Verb.WEBHOOK_ENDPOINT_DISABLED,
        Verb.WEBHOOK_ENDPOINT_ENABLED,
        Verb.WEBHOOK_ENDPOINT_DELETED,
    ]


def test_a_level_2_user_may_not_manage_webhooks(client, level_2):
    sign_in(client, level_2)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert register(client).status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_another_sponsors_endpoint_is_not_found(signed_in, other_level_1, client):
    register(signed_in)
    endpoint = WebhookEndpoint.objects.get()
    client.logout()
    sign_in(client, other_level_1)
    assert client.get(reverse("webhooks:endpoint", args=[endpoint.uuid])).status_code == 404
    assert client.post(reverse("webhooks:delete", args=[endpoint.uuid])).status_code == 404
    assert WebhookEndpoint.objects.exists()
