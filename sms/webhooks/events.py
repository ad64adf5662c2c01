"""Webhook events: written in the transaction of what happened, for the endpoints subscribed to them.

Two hook points, no call sprinkled through the services:

- ``alerts_raised`` (``sms.accounts.notices.alerts_raise``): the alert rules already decide when an
  obligation is opened, due soon or overdue and when a permission is ending, each once per object and
  stage; the event follows the alert, so it is once too (the daily sweep stays idempotent).
- ``status_changed`` (``sms.core.lifecycle.transition`` and the certificate expiry sweep): every
  certificate status change.

Set-based: one query for the subscribed endpoints (nothing more when no sponsor concerned has one),
then a fixed number of queries to build the payloads, whatever the number of events.
"""

import json
from collections import defaultdict
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from sms.certificates.models import Certificate
from sms.core.signals import status_changed
from sms.licensing.models import Licence
from sms.notifications.models import Alert
from sms.notifications.signals import alerts_raised
from sms.reporting.models import Obligation, SponsoredPerson
from sms.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent

# Alert rule -> the event it is.
ALERT_EVENTS = {
    "obligation_opened": EventType.OBLIGATION_OPENED,
    "obligation_due_soon": EventType.OBLIGATION_DUE_SOON,
    "obligation_overdue": EventType.OBLIGATION_OVERDUE,
    "permission_ending": EventType.PERMISSION_ENDING,
}


def _day(value):
    return value.isoformat() if value else None


def _person(person: SponsoredPerson | None) -> dict | None:
    """What the sponsor already holds about the person: name, references and dates, nothing else."""
    if person is None:
        return None
    return {
        "id": str(person.uuid),
        "given_names": person.given_names,
        "family_name": person.family_name,
        "employee_number": person.employee_number,
        "certificate_reference": person.certificate.reference if person.certificate_id else None,
        "permission_end": _day(person.permission_end),
    }


def _obligation(obligation: Obligation) -> dict:
    return {
        "obligation": {
            "id": str(obligation.uuid),
            "event": obligation.event,
            "event_name": obligation.get_event_display(),
            "status": obligation.status,
            "trigger_date": _day(obligation.trigger_date),
            "target_date": _day(obligation.target_date),
            "legal_deadline": _day(obligation.legal_deadline),
        },
        "worker": _person(obligation.person),
    }


def _certificate(certificate: Certificate, previous: str) -> dict:
    return {
        "certificate": {
            "id": str(certificate.uuid),
            "reference": certificate.reference,
            "kind": certificate.kind,
            "given_names": certificate.given_names,
            "family_name": certificate.family_name,
            "status": certificate.status,
            "previous_status": previous,
            "expires_on": _day(certificate.expires_on),
        }
    }


SUBSCRIBED_SPONSORS_CACHE_KEY = "webhooks:sponsors-with-endpoints"


def sponsors_with_endpoints() -> frozenset[int]:
    """The sponsors with at least one enabled endpoint, from the cache (shared Redis in production);
    read from the database on a miss. Every change to an endpoint forgets it (``subscriptions_changed``)."""
    cached = cache.get(SUBSCRIBED_SPONSORS_CACHE_KEY)
    if cached is None:
        cached = frozenset(
            WebhookEndpoint.objects.filter(enabled=True).values_list("sponsor_id", flat=True).distinct()
        )
        cache.set(SUBSCRIBED_SPONSORS_CACHE_KEY, cached, timeout=3600)
    return cached


def subscriptions_changed() -> None:
    """Forget the cached sponsors with endpoints, now and again when the change commits (so a reader
    between the two cannot cache the old answer for long)."""
    cache.delete(SUBSCRIBED_SPONSORS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(SUBSCRIBED_SPONSORS_CACHE_KEY))


def _subscriptions(sponsor_ids) -> dict[tuple[int, str], list[int]]:
    """(sponsor, event type) -> the enabled endpoints subscribed to it: one query. ``sponsor_ids`` is a
    subquery, so a national sweep sends no list of sponsors to the database."""
    subscribed = defaultdict(list)
    rows = WebhookEndpoint.objects.filter(sponsor_id__in=sponsor_ids, enabled=True).values_list(
        "pk", "sponsor_id", "events"
    )
    for pk, sponsor_id, events in rows:
        for event in events:
            subscribed[(sponsor_id, event)].append(pk)
    return subscribed


def events_record(items: list[tuple[int, str, str, dict]], subscribed: dict) -> int:
    """Write (sponsor, type, key, data) events and a pending delivery to each subscribed endpoint,
    and ask the worker to deliver them once the transaction commits. An event whose key was
    recorded before is not recorded (nor delivered) again. Returns how many events were new."""
    if not items:
        return 0
    now = timezone.now()
    numbers = dict(
        Licence.objects.filter(sponsor_id__in={item[0] for item in items}).values_list("sponsor_id", "number")
    )
    events = []
    for sponsor_id, type_, key, data in items:
        event_id = uuid4()
        body = {
            "id": f"evt_{event_id.hex}",
            "type": type_,
            "created": now.isoformat(),
            "sponsor": {"licence_number": numbers.get(sponsor_id)},
            "data": data,
        }
        events.append(
            WebhookEvent(
                sponsor_id=sponsor_id, uuid=event_id, type=type_, key=key[:120], created_at=now,
                body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
            )
        )  # fmt: skip
    WebhookEvent.objects.bulk_create(events, ignore_conflicts=True, batch_size=2000)
    # Only the rows this call inserted (an event already recorded keeps its first deliveries).
    new = list(
        WebhookEvent.objects.filter(uuid__in=[event.uuid for event in events]).values_list("pk", "sponsor_id", "type")
    )
    deliveries = [
        WebhookDelivery(endpoint_id=endpoint_id, event_id=pk, next_attempt_at=now, created_at=now)
        for pk, sponsor_id, type_ in new
        for endpoint_id in subscribed.get((sponsor_id, type_), ())
    ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=2000)
    if deliveries:
        from sms.webhooks.tasks import deliver_webhooks

        transaction.on_commit(lambda: deliver_webhooks.enqueue())
    return len(new)


@receiver(alerts_raised, sender=Alert)
def alerts_to_events(sender, alerts, **kwargs):
    """Obligation opened, due soon, overdue; permission ending: from the alerts just raised."""
    wanted = [alert for alert in alerts if alert.rule in ALERT_EVENTS]
    if not wanted:
        return
    # The alerts of one call share a batch: their sponsors as a subquery.
    batch = {alert.batch for alert in wanted}
    subscribed = _subscriptions(Alert.objects.filter(batch__in=batch, rule__in=list(ALERT_EVENTS)).values("sponsor_id"))
    wanted = [alert for alert in wanted if (alert.sponsor_id, ALERT_EVENTS[alert.rule]) in subscribed]
    if not wanted:
        return
    obligation_ids = [alert.object_id for alert in wanted if alert.rule.startswith("obligation_")]
    person_ids = [alert.object_id for alert in wanted if alert.rule == "permission_ending"]
    obligations = Obligation.objects.select_related("person__certificate").in_bulk(obligation_ids)
    people = SponsoredPerson.objects.select_related("certificate").in_bulk(person_ids)
    items = []
    for alert in wanted:
        type_ = ALERT_EVENTS[alert.rule]
        if alert.rule == "permission_ending":
            person = people.get(alert.object_id)
            if person is None:
                continue
            data = {"worker": _person(person), "days_band": int(alert.stage) if alert.stage.isdigit() else None}
        else:
            obligation = obligations.get(alert.object_id)
            if obligation is None:
                continue
            data = _obligation(obligation)
        items.append((alert.sponsor_id, type_, f"{type_}:{alert.object_id}:{alert.stage}", data))
    events_record(items, subscribed)


@receiver(status_changed, sender=Certificate)
def certificate_status_to_events(sender, pks, previous, status, sponsor_ids=None, **kwargs):
    """Every certificate status change, to the endpoints subscribed to it. A single change names its
    sponsor: most sponsors have no endpoint, which the cached list of subscribed sponsors answers
    without a statement (an assignment stays within its 12)."""
    if sponsor_ids is not None and not (set(sponsor_ids) & sponsors_with_endpoints()):
        return
    subscribed = _subscriptions(Certificate.objects.filter(pk__in=pks).values("sponsor_id"))
    if not any(type_ == EventType.CERTIFICATE_STATUS_CHANGED for _, type_ in subscribed):
        return
    certificates = Certificate.objects.filter(
        pk__in=pks,
        sponsor_id__in={sponsor for sponsor, type_ in subscribed if type_ == EventType.CERTIFICATE_STATUS_CHANGED},
    )
    type_ = EventType.CERTIFICATE_STATUS_CHANGED
    events_record(
        [
            (certificate.sponsor_id, type_, f"{type_}:{certificate.pk}:{status}", _certificate(certificate, previous))
            for certificate in certificates
        ],
        subscribed,
    )
