"""Background tasks that deliver the outbox (run by `manage.py db_worker`)."""

from django_tasks import task

from sms.notifications import delivery


@task()
def deliver_email(email_id: int) -> None:
    """Try to send one outbox email (the worker runs this after the enqueueing commit)."""
    delivery.email_deliver(email_id=email_id)


@task()
def deliver_outbox() -> None:
    """Send every email that is due: one task for a batch (the daily sweep's digests)."""
    delivery.outbox_retry()
