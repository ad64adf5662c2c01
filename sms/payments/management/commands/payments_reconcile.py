"""Re-check unfinished payments with their provider (payers who never came back)."""

from django.core.management.base import BaseCommand

from sms.payments.services import payments_reconcile


class Command(BaseCommand):
    help = "Confirm every unfinished payment with its provider, by reference"

    def handle(self, *args, **options):
        counts = payments_reconcile()
        self.stdout.write(
            f"Checked {counts['checked']} unfinished payments: {counts['finished']} finished, "
            f"{counts['unreachable']} could not be checked"
        )
