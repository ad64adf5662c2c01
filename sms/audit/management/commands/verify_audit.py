"""`manage.py verify_audit`: check the audit trail, then record and print a signed checkpoint.

Exits 1 naming the first problem. Keep the printed checkpoint (or ``--checkpoint-file``) somewhere
the database's administrators cannot write, and pass it back with ``--against`` to prove that
nothing it covered has gone since (docs/operations.md).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sms.audit.verification import checkpoint_as_dict, checkpoint_record, verify_audit_trail


class Command(BaseCommand):
    help = "Check the audit trail's keyed hash chains, heads and checkpoints; record a new checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--against", type=Path, help="a checkpoint file kept elsewhere to compare with")
        parser.add_argument("--checkpoint-file", type=Path, help="write the new checkpoint here as JSON")
        parser.add_argument("--no-checkpoint", action="store_true", help="check only; record nothing")

    def handle(self, *args, against=None, checkpoint_file=None, no_checkpoint=False, **options):
        expected = None
        if against is not None:
            try:
                expected = json.loads(against.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read the checkpoint file {against}: {error}", returncode=2) from error
        report = verify_audit_trail(against=expected)
        if not report.ok:
            where = f" at row {report.broken_id}" if report.broken_id is not None else ""
            raise CommandError(
                f"Audit trail broken{where}: {report.reason} ({report.checked} rows before it verified)",
                returncode=1,
            )
        self.stdout.write(f"OK: {report.checked} audit events verified")
        if no_checkpoint:
            return
        checkpoint = checkpoint_as_dict(checkpoint_record())
        line = json.dumps(checkpoint, sort_keys=True, separators=(",", ":"))
        if checkpoint_file is not None:
            checkpoint_file.write_text(line + "\n", encoding="utf-8")
        self.stdout.write(
            f"Checkpoint {checkpoint['id']}: {len(checkpoint['chains'])} chains, {checkpoint['total_rows']} rows, "
            f"signature {checkpoint['signature']}"
        )
