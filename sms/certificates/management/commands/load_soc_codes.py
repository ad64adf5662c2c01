"""`manage.py load_soc_codes FILE.csv`: load a fuller SOC 2020 occupation table (all rows or none)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sms.certificates.models import Occupation
from sms.certificates.reference_data import SOC_COLUMNS, load_occupations, parse_soc_rows
from sms.licensing.models import Route


class Command(BaseCommand):
    help = f"Load SOC 2020 occupations from a CSV file with the columns: {', '.join(SOC_COLUMNS)}"

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV file, UTF-8")

    def handle(self, *args, path: str, **options):
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                rows = parse_soc_rows(handle, valid_routes=set(Route.values))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except ValidationError as error:
            raise CommandError("Nothing was loaded:\n" + "\n".join(error.messages)) from error
        with transaction.atomic():
            count = load_occupations(Occupation, rows)
        self.stdout.write(f"Loaded {count} occupation rows")
