"""The keyed hash chain over audit rows: pure functions, so the writer and the verifier agree.

Each row's hash is HMAC-SHA256 over the previous row's hash in the same chain and the row's own
content, keyed with a secret that is not in the database (``settings.AUDIT_KEYS``, see
``sms.audit.keys``). Anyone with database access can change rows, but without the key they cannot
recompute a hash that verifies: a forged, rewritten or re-hashed row shows.

The message is a sequence of length-prefixed text fields (``<characters>:<text>``) in a fixed order,
so it has one reading and can also be built by SQL from the stored columns.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

GENESIS_HASH = "0" * 64
FORMAT = "sms-audit-v1"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def chain_key(sponsor_id: int | None) -> str:
    """Each sponsor has its own chain; Home Office events (no sponsor) share one."""
    return f"sponsor:{sponsor_id}" if sponsor_id is not None else "home-office"


def canonical_payload(payload: dict | None) -> str:
    """The text form of an event's details as stored and hashed: keys in the order given (the order the
    trail shows them), no spaces, UTF-8 kept."""
    return json.dumps(payload or {}, separators=(",", ":"), ensure_ascii=False, default=str)


def epoch_microseconds(moment: datetime) -> int:
    """A timestamp as whole microseconds since 1970 (UTC): exact on every database backend."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _field(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"{len(text)}:{text}"


def event_message(*, previous_hash: str, fields: dict[str, Any]) -> bytes:
    """What an event's hash covers, as bytes."""
    parts = [FORMAT, previous_hash] + [fields[name] for name in HASHED_FIELDS]
    return "".join(_field(part) for part in parts).encode("utf-8")


HASHED_FIELDS = (
    "key_id",
    "sponsor_id",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "payload_json",
    "occurred_us",
    "ip_address",
)


def hashed_fields(row: Any) -> dict[str, Any]:
    """The content a row's hash covers, read the same way from a new or a stored row."""
    return {
        "key_id": row.key_id,
        "sponsor_id": row.sponsor_id,
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "verb": row.verb,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "target_label": row.target_label,
        "payload_json": row.payload_json,
        "occurred_us": epoch_microseconds(row.occurred_at),
        "ip_address": row.ip_address,
    }


def sign(key: bytes, message: bytes) -> str:
    """HMAC-SHA256 of `message` under `key`, as 64 hex characters."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def event_hash(*, key: bytes, previous_hash: str, fields: dict[str, Any]) -> str:
    return sign(key, event_message(previous_hash=previous_hash, fields=fields))


# HMAC (RFC 2104) is sha256((key ^ opad) || sha256((key ^ ipad) || message)) with the key padded to
# SHA-256's 64-byte block. Given the two padded keys, a database with a plain sha256() (PostgreSQL
# 11+) computes the same HMAC as ``sign`` without ever holding the key itself.
_BLOCK_SIZE = 64


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 under `key`."""
    if len(key) > _BLOCK_SIZE:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK_SIZE, b"\0")
    return bytes(byte ^ 0x36 for byte in key), bytes(byte ^ 0x5C for byte in key)


# Each hashed field as PostgreSQL `<length>:<text>`, read from the stored row `e` as ``hashed_fields``
# reads it in Python (a missing value is the empty string; the time as whole microseconds).
#
# Built for speed over millions of rows (issue 14), on one rule: the SQL may only ever differ from
# Python by producing a *different* message, and a different message gives a different HMAC, so the
# row is reported and checked again in Python (``verification``), which decides. A shortcut can then
# cost time on an odd row but never pass a row that Python would fail. Hence:
# - ``octet_length`` (read from the value's header) rather than ``length`` (which counts characters
#   one by one) for the fields that are ASCII in every row the service writes: hashes, key ids,
#   verbs, type names, identifiers, numbers and IP addresses;
# - the time as 16 digits (microseconds from September 2001 to the year 2286), computed from two
#   float parts that are exact integers (whole seconds; the second's microseconds) with the session
#   in UTC (``verification`` sets it), not through numeric arithmetic;
# - ``||`` rather than concat(), whose variadic arguments go through each type's output function.
_SQL_FIELD = {
    "previous_hash": "octet_length(e.previous_hash) || ':' || e.previous_hash",
    "key_id": "octet_length(e.key_id) || ':' || e.key_id",
    "sponsor_id": "coalesce(octet_length(e.sponsor_id::text) || ':' || e.sponsor_id, '0:')",
    "actor_id": "coalesce(octet_length(e.actor_id::text) || ':' || e.actor_id, '0:')",
    "actor_label": "length(e.actor_label) || ':' || e.actor_label",
    "verb": "octet_length(e.verb) || ':' || e.verb",
    "target_type": "octet_length(e.target_type) || ':' || e.target_type",
    "target_id": "octet_length(e.target_id) || ':' || e.target_id",
    "target_label": "length(e.target_label) || ':' || e.target_label",
    "payload_json": "length(e.payload_json) || ':' || e.payload_json",
    "occurred_us": "'16:' || (date_part('epoch', date_trunc('second', e.occurred_at))::bigint * 1000000"
    " + mod(date_part('microseconds', e.occurred_at)::bigint, 1000000))",
    "ip_address": "coalesce(octet_length(host(e.ip_address)) || ':' || host(e.ip_address), '0:')",
}


def event_message_sql() -> str:
    """PostgreSQL: the expression for ``event_message`` of the stored row `e` (as UTF-8 bytea), for a
    session in UTC. Every row the service writes gives exactly Python's message (see _SQL_FIELD)."""
    parts = [f"'{len(FORMAT)}:{FORMAT}'", _SQL_FIELD["previous_hash"]] + [_SQL_FIELD[name] for name in HASHED_FIELDS]
    return f"convert_to({' || '.join(parts)}, 'UTF8')"


def event_hash_sql(*, message: str, ipad: str, opad: str) -> str:
    """PostgreSQL: HMAC-SHA256 as hex, from the message expression and the padded keys' expressions."""
    return f"encode(sha256({opad} || sha256({ipad} || {message})), 'hex')"


def head_message(*, chain: str, length: int, head_id: int, head_hash: str) -> bytes:
    """What a chain head's signature covers: how long the chain is and where it ends."""
    return "".join(_field(part) for part in (FORMAT, "head", chain, length, head_id, head_hash)).encode("utf-8")


def checkpoint_message(*, previous_signature: str, created_us: int, chains: dict[str, list]) -> bytes:
    """What a checkpoint's signature covers: every chain's length, last row and hash at that time."""
    body = json.dumps(chains, sort_keys=True, separators=(",", ":"))
    return "".join(_field(part) for part in (FORMAT, "checkpoint", previous_signature, created_us, body)).encode(
        "utf-8"
    )
