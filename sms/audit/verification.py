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

from django.db import connection, transaction
from django.utils import timezone

from sms.audit import keys
from sms.audit.chain import (
    GENESIS_HASH,
    checkpoint_message,
    epoch_microseconds,
    event_hash_sql,
    event_message,
    event_message_sql,
    head_message,
    hmac_pads,
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
    """Check every row in id order, then compare each chain with its head and checkpoints.

    On PostgreSQL the rows are checked inside the database (``_notable_rows_in_database``): only the
    rows that fail, that a checkpoint names, or that end a chain come back. Elsewhere every row is
    streamed and checked here (``_notable_rows_in_python``). Both give the same answers.
    """
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
    secrets = _Secrets()
    if connection.vendor == "postgresql":
        notable = _notable_rows_in_database(secrets, {row_id for _, row_id in waiting_at})
    else:
        notable = _notable_rows_in_python(secrets, batch_size)
    for row_id, chain, position, row_hash, problem in notable:
        if problem:
            return _broken(report, row_id, problem)
        if position is None:
            continue  # a row rechecked in Python and found sound, in the middle of its chain
        length[chain] = position
        last_hash[chain] = row_hash
        for expected in waiting_at.pop((chain, row_id), ()):
            expected_length, _, expected_hash = pending.pop(expected)
            if (position, row_hash) != (expected_length, expected_hash):
                return _broken(report, row_id, f"{chain} does not match {expected[0]} at this row")

    report.checked = sum(length.values())
    if pending:
        source, chain = next(iter(pending))
        report.reason = f"rows of {chain} recorded by {source} are missing"
        return report
    report.chains = len(length)
    return _heads_problem(report, length, last_hash)


class _Secrets(dict):
    """The secret each key id names (None when this installation does not hold it), looked up once."""

    def __missing__(self, key_id: str) -> bytes | None:
        self[key_id] = keys.secret_for(key_id)
        return self[key_id]


def _row_problem(fields: dict, expected_link: str, secrets: _Secrets) -> str:
    """Why one stored row does not verify, or "" if it does."""
    if fields["previous_hash"] != expected_link:
        return "its link to the previous row does not match"
    secret = secrets[fields["key_id"]]
    if secret is None:
        return f"it names a signing key this installation does not hold ({fields['key_id']!r})"
    fields = {**fields, "occurred_us": epoch_microseconds(fields["occurred_at"])}
    if sign(secret, event_message(previous_hash=fields["previous_hash"], fields=fields)) != fields["hash"]:
        return "its content does not match its hash"
    return ""


def _notable_rows_in_python(secrets: _Secrets, batch_size: int):
    """Every row in id order as (id, chain, position in its chain, hash, problem), checked here."""
    last_hash: dict[str, str] = {}
    length: dict[str, int] = {}
    rows = AuditEvent.objects.order_by("id").values_list(*_ROW_COLUMNS).iterator(chunk_size=batch_size)
    for row in rows:
        fields = dict(zip(_ROW_COLUMNS, row, strict=True))
        chain = _chain_of(fields["sponsor_id"])
        problem = _row_problem(fields, last_hash.get(chain, GENESIS_HASH), secrets)
        length[chain] = length.get(chain, 0) + 1
        last_hash[chain] = fields["hash"]
        yield fields["id"], chain, length[chain], fields["hash"], problem


def _notable_rows_in_database(secrets: _Secrets, checkpoint_ids: set[int]):
    """The rows PostgreSQL finds broken, the rows a checkpoint names and the last row of each chain,
    in id order, as (id, chain, position in its chain, hash, problem).

    One statement, so one consistent view. Its first part recomputes every row's HMAC with
    ``sha256()`` from the padded keys passed as parameters (chain.hmac_pads: the key itself never
    reaches the database) and keeps only the rows that differ; it has no ordering, so PostgreSQL can
    share it among parallel workers. Its second part compares each row's link with the previous
    row's stored hash in its chain (a window over the narrow columns). Only the exceptions, the
    chains' ends and the checkpoints' rows come back.
    A row the database finds wrong is checked again in Python, so a difference in how the two read a
    value could only cost time, never raise a false alarm.
    """
    pads = {key_id: hmac_pads(secret) for key_id, secret in keys.held().items()}
    # Each row's padded keys by its key id (a CASE, not a join: the scan stays a plain parallel scan).
    by_key = "CASE e.key_id " + " ".join(["WHEN %s THEN %s::bytea"] * len(pads)) + " END"
    digest = event_hash_sql(message=event_message_sql(), ipad=by_key, opad=by_key)
    # Only fixed fragments and placeholders are formatted into the statement: values are parameters.
    sql = f"""
        WITH unverified AS (
            SELECT e.id, e.sponsor_id, e.hash, e.key_id, e.key_id = ANY(%s) AS key_held
            FROM audit_auditevent e
            WHERE NOT e.key_id = ANY(%s) OR {digest} <> e.hash
        ),
        linked AS (
            SELECT w.id, w.sponsor_id, w.hash, w.link_ok, w.position
            FROM (
                SELECT e.id, e.sponsor_id, e.hash,
                       e.previous_hash = coalesce(lag(e.hash) OVER chain, %s) AS link_ok,
                       row_number() OVER chain AS position,
                       lead(e.id) OVER chain IS NULL AS is_last
                FROM audit_auditevent e
                WINDOW chain AS (PARTITION BY e.sponsor_id ORDER BY e.id)
            ) w
            -- The checkpoints' rows as a joined set (hashed), not "= ANY(array)": a checkpoint names
            -- a row in every chain, and a 120,000-element array compared with each of millions of
            -- rows would take hours.
            LEFT JOIN (SELECT DISTINCT unnest(%s::bigint[]) AS id) named ON named.id = w.id
            WHERE NOT w.link_ok OR w.is_last OR named.id IS NOT NULL
        )
        -- Both sides are the exceptions only (a few rows per chain), so joining them is cheap. A row
        -- only in "unverified" has no position: it is neither a chain's end nor a checkpoint's row.
        SELECT coalesce(l.id, u.id), coalesce(l.sponsor_id, u.sponsor_id), coalesce(l.hash, u.hash),
               coalesce(l.link_ok, true), l.position, u.key_id, u.key_held
        FROM linked l FULL JOIN unverified u ON u.id = l.id
        ORDER BY 1
    """  # noqa: S608
    held = list(pads)  # a row naming any other key is reported as such
    # event_hash_sql puts the outer key first, then the inner one.
    outer = [value for key_id, (_, opad_key) in pads.items() for value in (key_id, opad_key)]
    inner = [value for key_id, (ipad_key, _) in pads.items() for value in (key_id, ipad_key)]
    params = [held, held, *outer, *inner, GENESIS_HASH, sorted(checkpoint_ids)]
    with transaction.atomic(), connection.cursor() as cursor:
        # Memory for the window's sort, so it does not spill to disk (each parallel worker sorts its share).
        cursor.execute("SET LOCAL work_mem = '512MB'")
        # The message's time is read in UTC (chain._SQL_FIELD).
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0.0001")
        cursor.execute(sql, params)
        found = cursor.fetchall()
    for row_id, sponsor_id, row_hash, link_ok, position, key_id, key_held in found:
        problem = ""
        if not link_ok:
            problem = "its link to the previous row does not match"
        elif key_held is not None:
            if not key_held:
                problem = f"it names a signing key this installation does not hold ({key_id!r})"
            else:
                stored = AuditEvent.objects.values_list(*_ROW_COLUMNS).get(id=row_id)
                fields = dict(zip(_ROW_COLUMNS, stored, strict=True))
                problem = _row_problem(fields, fields["previous_hash"], secrets)
        yield row_id, _chain_of(sponsor_id), position, row_hash, problem


def _broken(report: ChainReport, row_id: int, reason: str) -> ChainReport:
    # Every row before the first broken one (in id order) verified.
    report.checked = AuditEvent.objects.filter(id__lt=row_id).count()
    report.broken_id = row_id
    report.reason = reason
    return report


def _heads_problem(report: ChainReport, length: dict[str, int], last_hash: dict[str, str]) -> ChainReport:
    # Plain tuples, not model objects: a national trail has a head per sponsor (120,000).
    columns = ("chain", "length", "head_id", "head_hash", "key_id", "signature")
    heads = {row[0]: row for row in AuditChainHead.objects.values_list(*columns).iterator(chunk_size=20000)}
    headless = sorted(set(length) - set(heads))
    if headless:
        report.reason = f"{headless[0]} has no head: its record of length was removed"
        return report
    secrets = _Secrets()
    for chain, (_, head_length, head_id, head_hash, key_id, signature) in heads.items():
        if head_length == 0:
            continue
        message = head_message(chain=chain, length=head_length, head_id=head_id, head_hash=head_hash)
        secret = secrets[key_id]
        if secret is None or sign(secret, message) != signature:
            report.reason = f"the head of {chain} is not signed with the audit key"
            return report
        if length.get(chain, 0) != head_length or last_hash.get(chain) != head_hash:
            report.reason = (
                f"{chain} has {length.get(chain, 0)} rows but its head records {head_length} ending at row "
                f"{head_id}: rows were removed or added"
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
