"""`manage.py send_webhooks`: post every webhook delivery that is due (run it from cron beside the
worker, as a safety net for a task lost before it ran)."""

from django.core.management.base import BaseCommand

from sms.webhooks.delivery import deliveries_send_due


class Command(BaseCommand):
    help = "Post every webhook delivery that is due."

    def handle(self, *args, **options):
        total = sent = deliveries_send_due()
        while sent:
            sent = deliveries_send_due()
            total += sent
        self.stdout.write(f"Delivered {total} webhooks")
