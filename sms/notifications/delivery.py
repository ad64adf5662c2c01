"""Delivering outbox emails: used by the background tasks and the `send_outbox` command.

Never twice: a deliverer claims a row with one conditional UPDATE (PENDING and due -> SENDING); the
database lets exactly one of two concurrent claims change the row, and only the claimant sends.
Retried with exponential back-off: a failed send goes back to PENDING with ``next_attempt_at``
EMAIL_RETRY_BASE_SECONDS x 2^(attempts - 1) later (capped), and is FAILED after EMAIL_MAX_ATTEMPTS.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from sms.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status

# Said of a claim whose worker stopped mid-send: the email may or may not have gone, so it is not
# sent again automatically (that could send it twice); an operator checks and re-queues it.
INTERRUPTED = "The worker stopped while sending this email; it may not have been sent. Check before re-sending."


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling each time, capped."""
    seconds = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_SECONDS))


def email_claim(email_id: int, now: datetime) -> bool:
    """Take the email for sending if it is pending and due. True for exactly one of any concurrent claimants."""
    return bool(
        OutboundEmail.objects.filter(pk=email_id, status=Status.PENDING, next_attempt_at__lte=now).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def email_deliver(*, email_id: int, now: datetime | None = None) -> bool:
    """Send one pending, due email; on failure schedule the next attempt (or give up after the last).

    Returns True when the email went. An email another worker claimed, or not yet due, is left alone.
    Runs outside any transaction: the claim must be visible to other workers before the send.
    """
    now = now or timezone.now()
    if not email_claim(email_id, now):
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    except Exception as error:  # noqa: BLE001 - any transport failure is retried later
        _failed(email, error, now)
        return False
    OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="", claimed_at=None
    )
    return True


def _failed(email: OutboundEmail, error: Exception, now: datetime) -> None:
    message = str(error)[:2000] or type(error).__name__
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        # Permanent: an operator sees it (`send_outbox --failed`, the log at ERROR).
        logger.error(
            "Email %s to %s failed for good after %s attempts: %s", email.pk, email.to, email.attempts, message
        )
        OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
            status=Status.FAILED, last_error=message, claimed_at=None
        )
        return
    next_attempt = now + retry_delay(email.attempts)
    logger.warning(
        "Email %s failed (attempt %s), next attempt at %s: %s", email.pk, email.attempts, next_attempt, message
    )
    OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.PENDING, last_error=message, claimed_at=None, next_attempt_at=next_attempt
    )
    _schedule(email.pk, next_attempt)


def _schedule(email_id: int, run_after: datetime) -> None:
    """Ask the background worker to try again at ``run_after`` (the database backend can wait;
    a backend that cannot leaves it to `send_outbox`)."""
    from sms.notifications.tasks import deliver_email

    if deliver_email.get_backend().supports_defer:
        deliver_email.using(run_after=run_after).enqueue(email_id)


def claims_release(now: datetime | None = None) -> int:
    """Mark FAILED the claims older than EMAIL_CLAIM_TIMEOUT_SECONDS (a worker died mid-send)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.EMAIL_CLAIM_TIMEOUT_SECONDS)
    return OutboundEmail.objects.filter(status=Status.SENDING, claimed_at__lt=stale).update(
        status=Status.FAILED, last_error=INTERRUPTED, claimed_at=None
    )


def outbox_deliver_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Send the pending emails that are due, oldest first (the batch task and the retry path).

    Several deliverers may run this at once: each row is claimed by one of them. Returns how many
    this call sent.
    """
    now = now or timezone.now()
    claims_release(now)
    due = OutboundEmail.objects.filter(status=Status.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    return sum(email_deliver(email_id=pk, now=now) for pk in list(due.values_list("pk", flat=True)[:limit]))


def outbox_retry(*, now: datetime | None = None) -> int:
    """Send every email that is due (the `send_outbox` command); returns how many went."""
    sent = total = outbox_deliver_due(now=now)
    while sent:
        sent = outbox_deliver_due(now=now)
        total += sent
    return total


def emails_failed():
    """The emails given up on, newest first: what an operator must look at."""
    return OutboundEmail.objects.filter(status=Status.FAILED).order_by("-created_at")


def email_requeue(email_id: int) -> bool:
    """Put a failed email back in the queue (an operator, after checking it was not sent)."""
    return bool(
        OutboundEmail.objects.filter(pk=email_id, status=Status.FAILED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
    )
