"""Walk every chain of the audit trail and find the first row that does not match its hash."""

from dataclasses import dataclass

from sms.audit.chain import GENESIS_HASH, event_hash, hashed_fields
from sms.audit.models import AuditEvent


@dataclass(frozen=True)
class ChainReport:
    """What verification found: how many rows it checked, and the first broken one if any."""

    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_audit_trail(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every row's hash and link, chain by chain, in id order, streaming the rows.

    A changed field breaks that row's own hash; a deleted or inserted row breaks the next row's link.
    """
    last_hash: dict[int | None, str] = {}
    checked = 0
    rows = AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size)
    for row in rows:
        expected_previous = last_hash.get(row.sponsor_id, GENESIS_HASH)
        if row.previous_hash != expected_previous:
            return ChainReport(checked, row.id, "its link to the previous row does not match")
        if row.hash != event_hash(previous_hash=row.previous_hash, fields=hashed_fields(row)):
            return ChainReport(checked, row.id, "its content does not match its hash")
        last_hash[row.sponsor_id] = row.hash
        checked += 1
    return ChainReport(checked)
