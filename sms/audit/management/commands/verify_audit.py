"""`manage.py verify_audit`: prints OK with the row count, or the first broken row and exits 1."""

from django.core.management.base import BaseCommand, CommandError

from sms.audit.verification import verify_audit_trail


class Command(BaseCommand):
    help = "Check the audit trail's hash chains and report the first broken row."

    def handle(self, *args, **options):
        report = verify_audit_trail()
        if not report.ok:
            raise CommandError(
                f"Audit trail broken at row {report.broken_id}: {report.reason} "
                f"({report.checked} rows before it verified)",
                returncode=1,
            )
        self.stdout.write(f"OK: {report.checked} audit events verified")
