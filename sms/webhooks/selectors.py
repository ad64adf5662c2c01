"""Reads of webhook endpoints and deliveries, scoped to the acting user's sponsor (another
sponsor's endpoint or delivery: 404)."""

from django.db.models import QuerySet
from django.http import Http404

from sms.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints_for(*, user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(sponsor_id=user.sponsor_id)


def endpoint_for(*, user, uuid) -> WebhookEndpoint:
    found = endpoints_for(user=user).filter(uuid=uuid).first()
    if found is None:
        raise Http404
    return found


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's deliveries, newest first, with their attempts (the delivery log)."""
    return endpoint.deliveries.select_related("event").prefetch_related("attempt_log")


def delivery_for(*, user, endpoint: WebhookEndpoint, uuid) -> WebhookDelivery:
    found = (
        WebhookDelivery.objects.filter(endpoint=endpoint, endpoint__sponsor_id=user.sponsor_id, uuid=uuid)
        .select_related("endpoint__sponsor", "event")
        .first()
    )
    if found is None:
        raise Http404
    return found
