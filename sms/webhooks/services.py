"""Webhook endpoints: registered, rotated, disabled and deleted by a Level 1 user of the sponsor;
deliveries sent again. Each change is atomic and audited; each service asks the policy itself."""

import secrets

from django.db import transaction
from django.utils import timezone

from sms.accounts.models import Sponsor, User
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.webhooks.delivery import url_problem
from sms.webhooks.events import subscriptions_changed
from sms.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

# Enough for one system per purpose; more is a sign of a leak or a loop.
MAX_ENDPOINTS = 10
SECRET_MARKER = "whsec_"


def _new_secret() -> str:
    return SECRET_MARKER + secrets.token_urlsafe(32)


def _check(url: str, events: list[str], description: str) -> tuple[str, list[str], str]:
    url = (url or "").strip()
    problem = url_problem(url)
    if problem:
        raise DomainError(problem)
    events = [event for event in EventType.values if event in set(events or [])]
    if not events:
        raise DomainError("Select at least one event")
    description = (description or "").strip()
    if not description:
        raise DomainError("Enter a description")
    return url, events, description


@transaction.atomic
def webhook_endpoint_create(
    *, actor: User | None, sponsor: Sponsor, url: str, events: list[str], description: str
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it and its signing secret (shown once on the answering page)."""
    require(actor, Action.MANAGE_WEBHOOKS, sponsor)
    url, events, description = _check(url, events, description)
    Sponsor.objects.select_for_update().filter(pk=sponsor.pk).first()  # serialise the count below
    if WebhookEndpoint.objects.filter(sponsor=sponsor).count() >= MAX_ENDPOINTS:
        raise DomainError(f"A sponsor can have at most {MAX_ENDPOINTS} webhook endpoints: delete one first")
    secret = _new_secret()
    endpoint = WebhookEndpoint.objects.create(
        sponsor=sponsor, url=url, events=events, description=description, secret=secret, created_by=actor
    )
    audit.record(
        actor=actor,
        verb=Verb.WEBHOOK_ENDPOINT_CREATED,
        target=endpoint,
        sponsor=sponsor,
        payload={"url": url, "events": events, "description": description},
    )
    subscriptions_changed()
    return endpoint, secret


@transaction.atomic
def webhook_secret_rotate(*, actor: User | None, endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new secret (the old one stops signing at once); returns it, shown once."""
    require(actor, Action.MANAGE_WEBHOOKS, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = _new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    audit.record(
        actor=actor, verb=Verb.WEBHOOK_SECRET_ROTATED, target=endpoint, sponsor=endpoint.sponsor,
        payload={"url": endpoint.url},
    )  # fmt: skip
    return endpoint.secret


@transaction.atomic
def webhook_endpoint_switch(*, actor: User | None, endpoint: WebhookEndpoint, enabled: bool) -> WebhookEndpoint:
    """Disable (no new events; pending deliveries fail) or enable the endpoint again."""
    require(actor, Action.MANAGE_WEBHOOKS, endpoint)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.enabled == enabled:
        raise DomainError(f"This endpoint is already {'enabled' if enabled else 'disabled'}")
    endpoint.enabled = enabled
    endpoint.save(update_fields=["enabled"])
    subscriptions_changed()
    audit.record(
        actor=actor,
        verb=Verb.WEBHOOK_ENDPOINT_ENABLED if enabled else Verb.WEBHOOK_ENDPOINT_DISABLED,
        target=endpoint,
        sponsor=endpoint.sponsor,
        payload={"url": endpoint.url},
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: User | None, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries and their log (the audit trail keeps the record)."""
    require(actor, Action.MANAGE_WEBHOOKS, endpoint)
    audit.record(
        actor=actor,
        verb=Verb.WEBHOOK_ENDPOINT_DELETED,
        target=endpoint,
        sponsor=endpoint.sponsor,
        payload={"url": endpoint.url, "description": endpoint.description},
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
    subscriptions_changed()


@transaction.atomic
def webhook_delivery_replay(*, actor: User | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (delivered or failed): back in the queue, due now, with a fresh count of
    attempts; its log keeps the earlier ones. The event's id and body are the same, so a receiver
    that already processed it can tell."""
    require(actor, Action.MANAGE_WEBHOOKS, delivery.endpoint)
    Status = WebhookDelivery.Status
    changed = WebhookDelivery.objects.filter(pk=delivery.pk, status__in=[Status.DELIVERED, Status.FAILED]).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    if not changed:
        raise DomainError("This delivery is already waiting to be sent")
    audit.record(
        actor=actor,
        verb=Verb.WEBHOOK_DELIVERY_REPLAYED,
        target=delivery.endpoint,
        sponsor=delivery.endpoint.sponsor,
        payload={"delivery": str(delivery.uuid), "event": delivery.event.webhook_id},
    )
    from sms.webhooks.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    delivery.refresh_from_db()
    return delivery
