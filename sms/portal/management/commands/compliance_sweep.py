"""`manage.py compliance_sweep`: the daily sweep. Set-based and idempotent: running it twice changes nothing.

Run it once a day from a scheduler (cron, a systemd timer). Each step is one app's set-based service.
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from sms.alerts.services import alerts_sweep
from sms.certificates.services.allocations import allocations_low_reminders
from sms.certificates.services.bulk import certificate_imports_expire
from sms.certificates.services.certificates import certificates_expire
from sms.licensing.services.licence import licence_expiry_reminders, licences_expire
from sms.payments.services import payments_reconcile
from sms.reporting.services.sweep import obligations_sweep
from sms.trail.services import audit_exports_purge


class Command(BaseCommand):
    help = (
        "Apply the daily compliance sweep: expire licences and certificates, lapse unassigned defined CoS, "
        "confirm unfinished payments with their provider, raise the day's alerts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Sweep as of this date (YYYY-MM-DD)")

    def handle(self, *args, today: date | None = None, **options):
        today = today or timezone.localdate()
        expired = licences_expire(today=today)
        certificates, lapsed = certificates_expire(today=today)
        obligations = obligations_sweep(today=today)
        payments = payments_reconcile()
        opened = sum(count for key, count in obligations.items() if key != "overdue")
        # Reminders on sponsors' message boards, each posted once (per expiry date; per year and category).
        expiring = licence_expiry_reminders(today=today)
        low = allocations_low_reminders(today=today)
        # Alerts to the users each sponsor chose (sms/alerts/rules.py RULES), once each; one digest email per user.
        alerts = alerts_sweep(today=today)
        # Background audit exports past their 7-day download: their files go.
        audit_exports_purge()
        # Background certificate imports abandoned for a day end, and their uploaded files go.
        certificate_imports_expire()
        self.stdout.write(
            f"Sweep for {today.isoformat()}: {expired} licence{'s' if expired != 1 else ''} expired, "
            f"{certificates} certificate{'s' if certificates != 1 else ''} expired, "
            f"{lapsed} defined CoS request{'s' if lapsed != 1 else ''} lapsed, "
            f"{opened} obligation{'s' if opened != 1 else ''} opened, "
            f"{obligations['overdue']} overdue, "
            f"{expiring} licence expiry reminder{'s' if expiring != 1 else ''}, "
            f"{low} allocation running low reminder{'s' if low != 1 else ''}, "
            f"{alerts} alert{'s' if alerts != 1 else ''} raised, "
            f"{payments['checked']} unfinished payment{'s' if payments['checked'] != 1 else ''} checked"
        )
