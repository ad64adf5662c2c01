"""`manage.py compliance_sweep`: the daily sweep (``sms.portal.sweep.daily_sweep``). Set-based and
idempotent: running it twice changes nothing.

Run it once a day from a scheduler (cron, a systemd timer).
"""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from sms.portal.sweep import daily_sweep


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


class Command(BaseCommand):
    help = (
        "Apply the daily compliance sweep: expire licences and certificates, lapse unassigned defined CoS, "
        "confirm unfinished payments with their provider, raise the day's alerts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Sweep as of this date (YYYY-MM-DD)")

    def handle(self, *args, today: date | None = None, **options):
        today = today or timezone.localdate()
        done = daily_sweep(today=today)
        self.stdout.write(
            f"Sweep for {today.isoformat()}: {_count(done['licences_expired'], 'licence')} expired, "
            f"{_count(done['certificates_expired'], 'certificate')} expired, "
            f"{_count(done['requests_lapsed'], 'defined CoS request')} lapsed, "
            f"{_count(done['obligations_opened'], 'obligation')} opened, "
            f"{done['obligations_overdue']} overdue, "
            f"{_count(done['expiry_reminders'], 'licence expiry reminder')}, "
            f"{_count(done['allocation_reminders'], 'allocation running low reminder')}, "
            f"{_count(done['alerts'], 'alert')} raised, "
            f"{_count(done['payments_checked'], 'unfinished payment')} checked"
        )
