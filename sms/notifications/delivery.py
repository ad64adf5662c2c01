"""Delivering outbox emails: used by the background task and the retry command."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sms.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)


def email_deliver(*, email_id: int) -> bool:
    """Send a pending email; on failure count the attempt and leave it for the retry sweep.

    Returns True when the email went. A row locked by another worker is left to it.
    """
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        try:
            send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
        except Exception as error:  # noqa: BLE001 - any transport failure is retried later
            logger.warning("Email %s failed (attempt %s): %s", email.pk, email.attempts, error)
            email.last_error = str(error)[:2000]
            if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            return False
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return True


def outbox_retry() -> int:
    """Send every email still pending (the retry path); returns how many went."""
    pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).values_list("pk", flat=True)
    return sum(email_deliver(email_id=pk) for pk in list(pending))
