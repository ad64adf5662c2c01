"""`manage.py deadline YYYY-MM-DD --working-days N --nation NATION`: print the deadline as an ISO date.

The same function serves every deadline in the system (bank holidays and closure days included).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sms.core.dates import MAX_WORKING_DAYS, Nation
from sms.core.selectors import working_day_deadline


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value} is not a date like 2026-12-24") from None


class Command(BaseCommand):
    help = "Print the Nth working day after a date, for a UK nation."

    def add_arguments(self, parser):
        parser.add_argument("start", type=iso_date, help="The event date, YYYY-MM-DD")
        parser.add_argument("--working-days", type=int, required=True)
        parser.add_argument("--nation", choices=Nation.values, default=Nation.ENGLAND_AND_WALES)

    def handle(self, *args, start: date, working_days: int, nation: str, **options):
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise CommandError(f"--working-days must be between 1 and {MAX_WORKING_DAYS}")
        self.stdout.write(working_day_deadline(start, working_days, nation=nation).isoformat())
