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


# Each hashed field as PostgreSQL text, read from the stored row `e` exactly as ``hashed_fields``
# reads it in Python (a missing value is the empty string; the time as whole microseconds).
_SQL_FIELD_TEXT = {
    "key_id": "e.key_id",
    "sponsor_id": "coalesce(e.sponsor_id::text, '')",
    "actor_id": "coalesce(e.actor_id::text, '')",
    "actor_label": "e.actor_label",
    "verb": "e.verb",
    "target_type": "e.target_type",
    "target_id": "e.target_id",
    "target_label": "e.target_label",
    "payload_json": "e.payload_json",
    "occurred_us": "(extract(epoch from e.occurred_at) * 1000000)::bigint::text",
    "ip_address": "coalesce(host(e.ip_address), '')",
}


def event_message_sql() -> str:
    """PostgreSQL: the expression for ``event_message`` of the stored row `e` (as UTF-8 bytea).

    One concat() call rather than a chain of ||: the same text, with fewer steps per row.
    """
    texts = ["e.previous_hash"] + [_SQL_FIELD_TEXT[name] for name in HASHED_FIELDS]
    parts = [f"'{len(FORMAT)}:{FORMAT}'"] + [f"length({text}), ':', {text}" for text in texts]
    return f"convert_to(concat({', '.join(parts)}), 'UTF8')"


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
