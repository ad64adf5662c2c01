"""The hash chain over audit rows: pure functions, so the writer and the verifier agree."""

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def chain_key(sponsor_id: int | None) -> str:
    """Each sponsor has its own chain; Home Office events (no sponsor) share one."""
    return f"sponsor:{sponsor_id}" if sponsor_id is not None else "home-office"


def event_hash(*, previous_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous row's hash and this row's content, canonically serialised."""
    canonical = json.dumps(
        {"previous_hash": previous_hash, **fields},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hashed_fields(row: Any) -> dict[str, Any]:
    """The content a row's hash covers, read the same way from a new or a stored row."""
    return {
        "sponsor_id": row.sponsor_id,
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "verb": row.verb,
        "target_type": row.target_type,
        "target_id": row.target_id,
        "target_label": row.target_label,
        "payload": row.payload,
        # Microsecond ISO format survives the round trip through every database backend.
        "occurred_at": row.occurred_at.isoformat(timespec="microseconds"),
        "ip_address": row.ip_address,
    }
