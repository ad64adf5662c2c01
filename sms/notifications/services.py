"""Writing to the email outbox."""

from django.db import transaction

from sms.notifications.models import OutboundEmail
from sms.notifications.tasks import deliver_email


def email_enqueue(*, to: str, subject: str, body: str) -> OutboundEmail:
    """Store an email and send it once the current transaction commits.

    If the transaction rolls back, nothing is stored and nothing is sent.
    """
    email = OutboundEmail.objects.create(to=to, subject=subject, body=body)
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email
