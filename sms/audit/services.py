"""The entry points that write the audit trail: ``audit.record(actor=, verb=, target=, payload=)``, and
``audit.record_many([...])`` for set-based operations.

Import as ``from sms.audit import services as audit``.
"""

import ipaddress
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sms.audit import keys
from sms.audit.chain import GENESIS_HASH, canonical_payload, chain_key, event_hash, hashed_fields, head_message, sign
from sms.audit.context import current_api_token, current_ip
from sms.audit.models import AuditChainHead, AuditEvent, Verb
from sms.core.inserts import insert_all

_UNSET = object()


def _chain_heads_locked(chains: set[str]) -> dict[str, AuditChainHead]:
    """The chains' heads, locked for this transaction: writers of one chain take turns, so each row
    links to the true previous row. (SQLite allows one writer at a time anyway.) Locked in chain
    order, so writers of overlapping sets of chains cannot deadlock."""

    def locked() -> dict[str, AuditChainHead]:
        heads = AuditChainHead.objects.select_for_update().filter(chain__in=chains).order_by("chain")
        return {head.chain: head for head in heads}

    heads = locked()
    if len(heads) < len(chains):
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, length=0, head_id=0, head_hash=GENESIS_HASH) for chain in chains - set(heads)],
            ignore_conflicts=True,
        )
        heads = locked()
    return heads


def _normalised_ip(value: str | None) -> str | None:
    # The database stores addresses in their normal form; hash the same text it will give back.
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record(
    *,
    actor: Any,
    verb: Verb,
    target: Any = None,
    payload: dict | None = None,
    sponsor: Any = _UNSET,
    ip_address: str | None | object = _UNSET,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, in the caller's transaction.

    The sponsor defaults to the actor's (Home Office staff write to the Home Office chain), or the
    target's own sponsor when it has one. The IP address defaults to the current request's; a
    request made with an API token adds the token to the payload (``api_token``).
    """
    entry = {"actor": actor, "verb": verb, "target": target, "payload": payload, "actor_label": actor_label}
    if sponsor is not _UNSET:
        entry["sponsor"] = sponsor
    if ip_address is not _UNSET:
        entry["ip_address"] = ip_address
    return record_many([entry])[0]


def record_many(entries: Iterable[dict[str, Any]]) -> list[AuditEvent]:
    """Append many events at once, in the caller's transaction: for set-based work (imports, the
    daily sweep) that would otherwise take a chain lock and three statements per row.

    Each entry holds ``record``'s keyword arguments (``actor`` and ``verb`` required). The events
    keep the order given within each chain. Each chain's head is locked once (all heads in one
    statement, in a fixed order so two bulk writers cannot deadlock), the rows go in together
    (``sms.core.inserts.insert_all``: COPY on PostgreSQL) with their chained hashes worked out
    beforehand (a row's hash does not cover its id), and the heads move on in one UPDATE. Single
    ``record`` calls on the same chains wait for the lock, so the two interleave without a break.
    """
    key_id, secret = keys.current()
    now = timezone.now()
    request_ip = current_ip.get()
    via_token = current_api_token.get()
    events = [
        _new_event(entry, key_id=key_id, now=now, request_ip=request_ip, via_token=via_token) for entry in entries
    ]
    if not events:
        return []
    with transaction.atomic():
        heads = _chain_heads_locked({chain_key(event.sponsor_id) for event in events})
        for event in events:
            head = heads[chain_key(event.sponsor_id)]
            event.previous_hash = head.head_hash
            event.hash = event_hash(key=secret, previous_hash=event.previous_hash, fields=hashed_fields(event))
            head.head_hash = event.hash
            head.length += 1
        insert_all(events)
        # The verifier walks each chain in id order: the rows must have been numbered in the order
        # they were chained (COPY takes ids reserved in ascending order; SQLite numbers a multi-row
        # VALUES in order).
        if any(later.pk <= earlier.pk for earlier, later in pairwise(events)):
            raise RuntimeError("The audit rows were not numbered in the order they were chained")
        for event in events:
            heads[chain_key(event.sponsor_id)].head_id = event.pk
        for head in heads.values():
            head.key_id = key_id
            head.signature = sign(
                secret,
                head_message(chain=head.chain, length=head.length, head_id=head.head_id, head_hash=head.head_hash),
            )
        _heads_save(list(heads.values()))
    return events


_HEAD_FIELDS = ["length", "head_id", "head_hash", "key_id", "signature"]


def _heads_save(heads: list[AuditChainHead]) -> None:
    """Move the chains' heads on in one statement. Not ``bulk_update``: its CASE has one branch per
    head, tried in turn for every row, so moving the 50,000 heads of a national sweep would be
    quadratic (minutes); PostgreSQL joins the new values as arrays instead."""
    if len(heads) == 1:
        heads[0].save(update_fields=_HEAD_FIELDS)
    elif connection.vendor == "postgresql":
        columns = ["id", *_HEAD_FIELDS]
        types = ["bigint", "bigint", "bigint", "text", "text", "text"]
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)
        assignments = ", ".join(f"{name} = v.{name}" for name in _HEAD_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {AuditChainHead._meta.db_table} h SET {assignments} "  # noqa: S608 - names, not values
                f"FROM unnest({arrays}) AS v({', '.join(columns)}) WHERE h.id = v.id",
                [[getattr(head, "pk" if name == "id" else name) for head in heads] for name in columns],
            )
    else:
        AuditChainHead.objects.bulk_update(heads, _HEAD_FIELDS, batch_size=500)


def _new_event(
    entry: dict[str, Any], *, key_id: str, now, request_ip: str | None, via_token: str | None = None
) -> AuditEvent:
    """An unsaved event from ``record``'s keyword arguments, its defaults filled in."""
    actor, target, sponsor = entry["actor"], entry.get("target"), entry.get("sponsor", _UNSET)
    if sponsor is _UNSET:
        if getattr(target, "is_tenant", False):  # a sponsor is the head of its own chain
            sponsor = target
        else:
            sponsor = getattr(target, "sponsor", None) or getattr(actor, "sponsor", None)
    ip_address = entry.get("ip_address", request_ip)
    payload = entry.get("payload")
    if via_token:  # written during an API request: which token did it (its name and id)
        payload = {**(payload or {}), "api_token": via_token}
    actor_obj = actor if getattr(actor, "pk", None) else None
    actor_label = entry.get("actor_label")
    if actor_label is None:
        actor_label = actor_obj.email if actor_obj is not None else "System"
    return AuditEvent(
        sponsor=sponsor,
        actor=actor_obj,
        actor_label=actor_label,
        verb=entry["verb"],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        payload_json=canonical_payload(payload),
        # Whole microseconds in UTC: the value every database gives back unchanged.
        occurred_at=now,
        ip_address=_normalised_ip(ip_address),
        key_id=key_id,
    )
