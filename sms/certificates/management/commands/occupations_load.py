"""`manage.py occupations_load FILE.json`: load a new publication of the Skilled Worker occupation tables.

The file has the shape of ``sms/certificates/data/appendix-skilled-occupations.json``. It is checked
whole first: nothing is loaded unless every occupation is valid. The rules use it from its effective date.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sms.certificates.reference_data import publication_load, publication_parse


class Command(BaseCommand):
    help = "Load a publication of the Skilled Worker occupation tables (JSON), in force from its effective date"

    def add_arguments(self, parser):
        parser.add_argument("path", help="The publication file (JSON)")

    def handle(self, *args, path: str, **options):
        try:
            with open(path, "rb") as handle:
                publication = publication_parse(handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        except ValidationError as error:
            raise CommandError("Nothing was loaded:\n" + "\n".join(error.messages)) from error
        table, changed = publication_load(publication)
        count = table.occupations.count()
        verb = "Loaded" if changed else "Already loaded:"
        self.stdout.write(f"{verb} {count} occupations in force from {table.effective_from:%-d %B %Y}")
