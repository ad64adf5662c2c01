"""The one entry point that writes the audit trail: ``audit.record(actor=, verb=, target=, payload=)``.

Import as ``from sms.audit import services as audit``.
"""

import ipaddress
from typing import Any

from django.db import transaction
from django.utils import timezone

from sms.audit import keys
from sms.audit.chain import GENESIS_HASH, canonical_payload, chain_key, event_hash, hashed_fields, head_message, sign
from sms.audit.context import current_api_token, current_ip
from sms.audit.models import AuditChainHead, AuditEvent, Verb

_UNSET = object()


def _chain_head_locked(chain: str) -> AuditChainHead:
    """The chain's head, locked for this transaction: writers of one chain take turns, so each row
    links to the true previous row. (SQLite allows one writer at a time anyway.)"""
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, length=0, head_id=0, head_hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head


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
    if sponsor is _UNSET:
        if getattr(target, "is_tenant", False):  # a sponsor is the head of its own chain
            sponsor = target
        else:
            sponsor = getattr(target, "sponsor", None) or getattr(actor, "sponsor", None)
    if ip_address is _UNSET:
        ip_address = current_ip.get()
    via_token = current_api_token.get()
    if via_token:
        payload = {**(payload or {}), "api_token": via_token}
    actor_obj = actor if getattr(actor, "pk", None) else None
    if actor_label is None:
        actor_label = actor_obj.email if actor_obj is not None else "System"
    key_id, secret = keys.current()

    event = AuditEvent(
        sponsor=sponsor,
        actor=actor_obj,
        actor_label=actor_label,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        payload_json=canonical_payload(payload),
        # Whole microseconds in UTC: the value every database gives back unchanged.
        occurred_at=timezone.now(),
        ip_address=_normalised_ip(ip_address),
        key_id=key_id,
    )
    with transaction.atomic():
        head = _chain_head_locked(chain_key(event.sponsor_id))
        event.previous_hash = head.head_hash
        event.hash = event_hash(key=secret, previous_hash=event.previous_hash, fields=hashed_fields(event))
        event.save(force_insert=True)
        head.length += 1
        head.head_id = event.pk
        head.head_hash = event.hash
        head.key_id = key_id
        head.signature = sign(
            secret, head_message(chain=head.chain, length=head.length, head_id=head.head_id, head_hash=head.head_hash)
        )
        head.save(update_fields=["length", "head_id", "head_hash", "key_id", "signature"])
    return event
