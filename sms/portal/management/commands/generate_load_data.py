"""`manage.py generate_load_data`: the benchmark's data (issue 14) on an empty, migrated database.

The defaults are the national population: one sponsor of 50,000 workers, one of 1,000 to compare
its pages with, and 120,000 sponsors of skewed sizes with 184,000 more workers. ``--small`` makes a
population that takes seconds (the tests use it). See ``sms.portal.loaddata``.
"""

import time
from dataclasses import replace

from django.core.management.base import BaseCommand, CommandError

from sms.portal.loaddata import DEFAULT_PASSWORD, SMALL, Sizes, generate


class Command(BaseCommand):
    help = "Fill an empty, migrated database with a large sponsor and a national population, in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="A small population for tests (seconds)")
        parser.add_argument("--sponsors", type=int, help="National sponsors besides the large and medium one")
        parser.add_argument("--national-workers", type=int, help="Workers across the national sponsors")
        parser.add_argument("--national-audit", type=int, help="Audit rows across the national sponsors")
        parser.add_argument("--large-workers", type=int, help="Workers of the very large sponsor")
        parser.add_argument("--medium-workers", type=int, help="Workers of the sponsor its pages are compared with")
        parser.add_argument("--seed", type=int, help="Random seed (the same seed gives the same data)")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password of the accounts that sign in")

    def handle(self, *args, small=False, password=DEFAULT_PASSWORD, **options):
        sizes = SMALL if small else Sizes()
        chosen = {
            name: options[name]
            for name in ("sponsors", "national_workers", "national_audit", "large_workers", "medium_workers", "seed")
            if options.get(name) is not None
        }
        if any(value < 0 for value in chosen.values()):
            raise CommandError("Sizes cannot be negative")
        sizes = replace(sizes, **chosen)
        started = time.monotonic()
        try:
            counts = generate(sizes, password=password, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {time.monotonic() - started:.1f} s"))
