"""`manage.py send_outbox`: send every email that is due (run it from cron beside the worker), list
the emails given up on (`--failed`), or re-queue one an operator has checked (`--requeue ID`)."""

from django.core.management.base import BaseCommand, CommandError

from sms.notifications.delivery import email_requeue, emails_failed, outbox_retry


class Command(BaseCommand):
    help = "Send every email in the outbox that is due; list or re-queue failed ones."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="List the emails that failed for good")
        parser.add_argument("--requeue", type=int, metavar="ID", help="Put a failed email back in the queue")

    def handle(self, *args, failed=False, requeue=None, **options):
        if failed:
            rows = list(emails_failed()[:500])
            for email in rows:
                self.stdout.write(
                    f"{email.pk}\t{email.created_at:%Y-%m-%d %H:%M}\t{email.to}\t{email.attempts} attempts\t"
                    f"{email.subject}\t{email.last_error}"
                )
            self.stdout.write(f"{len(rows)} failed email{'s' if len(rows) != 1 else ''}")
            return
        if requeue is not None and not email_requeue(requeue):
            raise CommandError(f"No failed email {requeue}")
        self.stdout.write(f"Sent {outbox_retry()} pending emails")
