"""`manage.py send_outbox`: retry every email still waiting in the outbox (run it from cron)."""

from django.core.management.base import BaseCommand

from sms.notifications.delivery import outbox_retry


class Command(BaseCommand):
    help = "Send every pending email in the outbox."

    def handle(self, *args, **options):
        self.stdout.write(f"Sent {outbox_retry()} pending emails")
