"""The one entry point that writes the audit trail: ``audit.record(actor=, verb=, target=, payload=)``.

Import as ``from sms.audit import services as audit``.
"""

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sms.audit.chain import GENESIS_HASH, chain_key, event_hash, hashed_fields
from sms.audit.context import current_ip
from sms.audit.models import AuditEvent, Verb

_UNSET = object()


def _lock_chain(key: str) -> None:
    """Serialise writers of one chain so each row links to the true previous row.

    PostgreSQL: a transaction-scoped advisory lock on the chain. SQLite allows one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"audit:{key}"])


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
    target's own sponsor when it has one. The IP address defaults to the current request's.
    """
    if sponsor is _UNSET:
        if getattr(target, "is_tenant", False):  # a sponsor is the head of its own chain
            sponsor = target
        else:
            sponsor = getattr(target, "sponsor", None) or getattr(actor, "sponsor", None)
    if ip_address is _UNSET:
        ip_address = current_ip.get()
    actor_obj = actor if getattr(actor, "pk", None) else None
    if actor_label is None:
        actor_label = actor_obj.email if actor_obj is not None else "System"

    event = AuditEvent(
        sponsor=sponsor,
        actor=actor_obj,
        actor_label=actor_label,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        payload=payload or {},
        occurred_at=timezone.now(),
        ip_address=ip_address,
    )
    with transaction.atomic():
        key = chain_key(event.sponsor_id)
        _lock_chain(key)
        previous = (
            AuditEvent.objects.filter(sponsor_id=event.sponsor_id)
            .order_by("-id")
            .values_list("hash", flat=True)
            .first()
        )
        event.previous_hash = previous or GENESIS_HASH
        event.hash = event_hash(previous_hash=event.previous_hash, fields=hashed_fields(event))
        event.save(force_insert=True)
    return event
