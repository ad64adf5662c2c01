"""Background tasks that deliver webhooks (run by `manage.py db_worker`)."""

from django_tasks import task

from sms.webhooks import delivery


@task()
def deliver_webhook(delivery_id: int) -> None:
    """Try one delivery (a retry at its back-off time, or a replay)."""
    delivery.delivery_send(delivery_id=delivery_id)


@task()
def deliver_webhooks() -> None:
    """Post every delivery that is due: one task for the events one transaction wrote."""
    delivery.deliveries_send_due()
