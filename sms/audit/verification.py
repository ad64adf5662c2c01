"""Check the audit trail: every row against its keyed hash and link, every chain against its signed
head, and every chain against the latest signed checkpoint (and, optionally, a checkpoint kept
outside the database). Then record a new checkpoint.

What each check catches:
- a changed, forged or re-hashed row: its HMAC does not verify without the key;
- a row removed or inserted in the middle: the next row's link does not match;
- rows removed from the end of a chain: the chain is shorter than its signed head;
- a chain removed whole, head included: the checkpoint lists it;
- the latest checkpoints removed as well: only a copy kept elsewhere (``--against``) shows it.
"""

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sms.audit import keys
from sms.audit.chain import (
    GENESIS_HASH,
    checkpoint_message,
    epoch_microseconds,
    event_message,
    head_message,
    sign,
)
from sms.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent

_ROW_COLUMNS = (
    "id",
    "key_id",
    "sponsor_id",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "payload_json",
    "occurred_at",
    "ip_address",
    "previous_hash",
    "hash",
)


@dataclass
class ChainReport:
    """What verification found: how many rows it checked, and the first problem if any."""

    checked: int = 0
    chains: int = 0
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def _chain_of(sponsor_id: int | None) -> str:
    return f"sponsor:{sponsor_id}" if sponsor_id is not None else "home-office"


def _verify_signature(key_id: str, message: bytes, signature: str) -> bool:
    secret = keys.secret_for(key_id)
    return secret is not None and sign(secret, message) == signature


def checkpoint_verify(checkpoint: dict) -> bool:
    """Whether a checkpoint (as stored or as printed) carries a signature made with the audit key."""
    message = checkpoint_message(
        previous_signature=checkpoint["previous_signature"],
        created_us=checkpoint["created_us"],
        chains=checkpoint["chains"],
    )
    return _verify_signature(checkpoint["key_id"], message, checkpoint["signature"])


def checkpoint_as_dict(checkpoint: AuditCheckpoint) -> dict:
    """The checkpoint in the form ``verify_audit --checkpoint-file`` writes and ``--against`` reads."""
    return {
        "id": checkpoint.pk,
        "created_us": epoch_microseconds(checkpoint.created_at),
        "total_rows": checkpoint.total_rows,
        "chains": checkpoint.chains,
        "previous_signature": checkpoint.previous_signature,
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def _stored_checkpoints_problem() -> tuple[dict | None, str]:
    """The latest stored checkpoint, after checking every checkpoint's signature and link."""
    previous_signature = GENESIS_HASH
    latest = None
    for checkpoint in AuditCheckpoint.objects.order_by("id").iterator():
        as_dict = checkpoint_as_dict(checkpoint)
        if checkpoint.previous_signature != previous_signature:
            return None, f"checkpoint {checkpoint.pk} does not follow the checkpoint before it"
        if not checkpoint_verify(as_dict):
            return None, f"checkpoint {checkpoint.pk} is not signed with the audit key"
        previous_signature = checkpoint.signature
        latest = as_dict
    return latest, ""


def verify_audit_trail(*, against: dict | None = None, batch_size: int = 5000) -> ChainReport:
    """Walk every row in id order (streamed), then compare each chain with its head and checkpoints."""
    report = ChainReport()
    latest, problem = _stored_checkpoints_problem()
    if problem:
        report.reason = problem
        return report
    if against is not None and not checkpoint_verify(against):
        report.reason = "the checkpoint given to compare with is not signed with the audit key"
        return report
    # Each checkpoint names, per chain, the row at which the chain had a given length and hash.
    sources = (("the latest checkpoint", latest), ("the checkpoint given", against))
    pending: dict[tuple[str, str], tuple] = {
        (source, chain): tuple(values) for source, cp in sources if cp for chain, values in cp["chains"].items()
    }
    waiting_at: dict[tuple[str, int], list] = {}
    for (source, chain), values in pending.items():
        waiting_at.setdefault((chain, values[1]), []).append((source, chain))

    last_hash: dict[str, str] = {}
    length: dict[str, int] = {}
    secrets: dict[str, bytes | None] = {}
    rows = AuditEvent.objects.order_by("id").values_list(*_ROW_COLUMNS).iterator(chunk_size=batch_size)
    for row in rows:
        fields = dict(zip(_ROW_COLUMNS, row, strict=True))
        row_id, chain = fields["id"], _chain_of(fields["sponsor_id"])
        if fields["previous_hash"] != last_hash.get(chain, GENESIS_HASH):
            return _broken(report, row_id, "its link to the previous row does not match")
        key_id = fields["key_id"]
        if key_id not in secrets:
            secrets[key_id] = keys.secret_for(key_id)
        if secrets[key_id] is None:
            return _broken(report, row_id, f"it names a signing key this installation does not hold ({key_id!r})")
        fields["occurred_us"] = epoch_microseconds(fields["occurred_at"])
        message = event_message(previous_hash=fields["previous_hash"], fields=fields)
        if sign(secrets[key_id], message) != fields["hash"]:
            return _broken(report, row_id, "its content does not match its hash")
        last_hash[chain] = fields["hash"]
        length[chain] = length.get(chain, 0) + 1
        report.checked += 1
        for expected in waiting_at.pop((chain, row_id), ()):
            expected_length, _, expected_hash = pending.pop(expected)
            if (length[chain], fields["hash"]) != (expected_length, expected_hash):
                return _broken(report, row_id, f"{chain} does not match {expected[0]} at this row")

    if pending:
        source, chain = next(iter(pending))
        report.reason = f"rows of {chain} recorded by {source} are missing"
        return report
    report.chains = len(length)
    return _heads_problem(report, length, last_hash)


def _broken(report: ChainReport, row_id: int, reason: str) -> ChainReport:
    report.broken_id = row_id
    report.reason = reason
    return report


def _heads_problem(report: ChainReport, length: dict[str, int], last_hash: dict[str, str]) -> ChainReport:
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    headless = sorted(set(length) - set(heads))
    if headless:
        report.reason = f"{headless[0]} has no head: its record of length was removed"
        return report
    for chain, head in heads.items():
        if head.length == 0:
            continue
        message = head_message(chain=chain, length=head.length, head_id=head.head_id, head_hash=head.head_hash)
        if not _verify_signature(head.key_id, message, head.signature):
            report.reason = f"the head of {chain} is not signed with the audit key"
            return report
        if length.get(chain, 0) != head.length or last_hash.get(chain) != head.head_hash:
            report.reason = (
                f"{chain} has {length.get(chain, 0)} rows but its head records {head.length} ending at row "
                f"{head.head_id}: rows were removed or added"
            )
            return report
    return report


@transaction.atomic
def checkpoint_record() -> AuditCheckpoint:
    """Sign every chain's current head into a new checkpoint, linked to the one before."""
    key_id, secret = keys.current()
    heads = AuditChainHead.objects.select_for_update().filter(length__gt=0).order_by("chain")
    chains = {head.chain: [head.length, head.head_id, head.head_hash] for head in heads}
    previous = AuditCheckpoint.objects.order_by("-id").values_list("signature", flat=True).first()
    created_at = timezone.now()
    previous_signature = previous or GENESIS_HASH
    signature = sign(
        secret,
        checkpoint_message(
            previous_signature=previous_signature, created_us=epoch_microseconds(created_at), chains=chains
        ),
    )
    checkpoint = AuditCheckpoint(
        created_at=created_at,
        total_rows=sum(values[0] for values in chains.values()),
        chains_json=json.dumps(chains, sort_keys=True, separators=(",", ":")),
        previous_signature=previous_signature,
        key_id=key_id,
        signature=signature,
    )
    checkpoint.save(force_insert=True)
    return checkpoint
