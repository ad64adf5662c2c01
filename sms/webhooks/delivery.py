"""Delivering webhook events: the outbox claim-once pattern of ``sms.notifications.delivery``.

Never twice at once: a deliverer claims a delivery with one conditional UPDATE (PENDING and due ->
SENDING); the database lets exactly one of two concurrent claims change the row, and only the claimant
posts. 2xx is delivered; anything else (another status, a redirect, a timeout, a refused address) is
retried after WEBHOOK_RETRY_BASE_SECONDS x 2^(attempts - 1) (capped), and FAILED after
WEBHOOK_MAX_ATTEMPTS. Every attempt is logged (time, status code or error, duration).

Signing (documented in the README): ``Webhook-Signature: v1=<hex HMAC-SHA256 of "{timestamp}.{body}">``
keyed with the endpoint's secret, ``Webhook-Timestamp`` in Unix seconds, ``Webhook-Id`` the event id
(the same on every retry and replay, so a receiver can ignore one it has already processed).
"""

import hashlib
import hmac
import ipaddress
import logging
import socket
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from sms.webhooks.models import WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status

INTERRUPTED = "The worker stopped while sending; the receiver may or may not have it. Send it again if needed."
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


class AddressRefused(Exception):
    """The endpoint's address is not one the service may post to (SSRF protection)."""


def signature(secret: str, timestamp: int | str, body: str) -> str:
    """The ``Webhook-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"v1={digest}"


def url_problem(url: str) -> str:
    """Why ``url`` cannot be an endpoint ("" if it can): HTTPS only, except http to 127.0.0.1 or
    localhost where WEBHOOK_ALLOW_LOCAL (DEBUG, the tests); no credentials in it."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "Enter a valid web address"
    if not host:
        return "Enter a valid web address, like https://hr.example.com/webhooks"
    if parts.username or parts.password:
        return "The web address must not contain a user name or password"
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and settings.WEBHOOK_ALLOW_LOCAL and host in LOCAL_HOSTS:
        return ""
    return "The web address must start with https://"


def address_check(url: str) -> None:
    """Refuse (AddressRefused) a host that resolves to a private, loopback, link-local, reserved or
    multicast address, unless WEBHOOK_ALLOW_LOCAL: the service must not be a way into its own network.
    Checked at every attempt, as DNS answers change."""
    problem = url_problem(url)
    if problem:
        raise AddressRefused(problem)
    if settings.WEBHOOK_ALLOW_LOCAL:
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"The host name could not be resolved ({error})") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise AddressRefused(f"The host resolves to a private or reserved address ({address})")


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling each time, capped."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def delivery_claim(delivery_id: int, now: datetime) -> bool:
    """Take the delivery if it is pending and due. True for exactly one of any concurrent claimants."""
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING, next_attempt_at__lte=now).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def post(url: str, body: str, headers: dict) -> int:
    """POST the body; the status code. The transport boundary: short timeout, no redirects followed."""
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: the address checked is the one posted to
        response = session.post(
            url, data=body.encode(), headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False
        )
        response.close()
        return response.status_code


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Post one pending, due delivery; on failure schedule the next attempt (or give up after the last).

    Returns True when delivered. Runs outside any transaction: the claim must be visible to other
    workers before the post.
    """
    now = now or timezone.now()
    if not delivery_claim(delivery_id, now):
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "SponsorManagementSystem-Webhooks/1",
        "Webhook-Id": event.webhook_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(endpoint.secret, timestamp, event.body),
    }
    started = time.monotonic()
    status_code, error = None, ""
    try:
        if not endpoint.enabled:
            raise AddressRefused("The endpoint is disabled")
        address_check(endpoint.url)
        status_code = post(endpoint.url, event.body, headers)
        if not 200 <= status_code < 300:
            error = f"The endpoint answered {status_code}"
    except AddressRefused as refused:
        error = str(refused)
    except requests.Timeout:
        error = f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS:g} seconds"
    except requests.RequestException as failure:
        error = f"Could not connect: {type(failure).__name__}"
    duration = int((time.monotonic() - started) * 1000)
    WebhookAttempt.objects.create(
        delivery=delivery, attempted_at=now, status_code=status_code, error=error[:500], duration_ms=duration
    )
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=Status.DELIVERED, delivered_at=timezone.now(), last_error="", claimed_at=None
        )
        return True
    _failed(delivery, error, now)
    return False


def _failed(delivery: WebhookDelivery, error: str, now: datetime) -> None:
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        logger.warning(
            "Webhook delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error
        )
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
            status=Status.FAILED, last_error=error[:500], claimed_at=None
        )
        return
    next_attempt = now + retry_delay(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=Status.PENDING, last_error=error[:500], claimed_at=None, next_attempt_at=next_attempt
    )
    _schedule(delivery.pk, next_attempt)


def _schedule(delivery_id: int, run_after: datetime) -> None:
    """Ask the worker to try again at ``run_after`` (a backend that cannot wait leaves it to the
    next batch: `deliver_webhooks` picks up every due delivery)."""
    from sms.webhooks.tasks import deliver_webhook

    if deliver_webhook.get_backend().supports_defer:
        deliver_webhook.using(run_after=run_after).enqueue(delivery_id)


def claims_release(now: datetime | None = None) -> int:
    """Mark FAILED the claims older than WEBHOOK_CLAIM_TIMEOUT_SECONDS (a worker died mid-post):
    not posted again automatically; the sponsor sees it in the log and can send it again."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT_SECONDS)
    return WebhookDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.FAILED, last_error=INTERRUPTED, claimed_at=None
    )


def deliveries_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Post the pending deliveries that are due, oldest first. Several deliverers may run this at
    once: each delivery is claimed by one of them. Returns how many this call delivered."""
    now = now or timezone.now()
    claims_release(now)
    due = WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    return sum(delivery_send(delivery_id=pk, now=now) for pk in list(due.values_list("pk", flat=True)[:limit]))
