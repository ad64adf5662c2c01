"""The bulk audit writer (``audit.record_many``) and the verifier's check inside PostgreSQL.

The bulk writer must leave chains that verify exactly as single writes do, interleaved with them;
the database's HMAC (sha256() over the padded keys) must agree with Python's on every kind of value.
"""

import hashlib
import hmac

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sms.audit import keys
from sms.audit import services as audit
from sms.audit.chain import chain_key, event_hash_sql, event_message_sql, hmac_pads
from sms.audit.models import AuditChainHead, AuditEvent, Verb
from sms.audit.verification import verify_audit_trail

from .test_tampering import tamper


@pytest.mark.parametrize("key", [b"short", b"k" * 64, b"a key longer than one block " * 4])
def test_the_padded_keys_give_the_standard_hmac(key):
    ipad, opad = hmac_pads(key)
    message = "12:sms-audit-v1 – £5 ✓".encode()
    inner = hashlib.sha256(ipad + message).digest()
    assert hashlib.sha256(opad + inner).hexdigest() == hmac.new(key, message, hashlib.sha256).hexdigest()


def test_a_bulk_append_links_every_row_and_moves_the_head_once(level_1, other_level_1):
    audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    before = AuditEvent.objects.filter(sponsor=level_1.sponsor).count()
    total_before = AuditEvent.objects.count()
    entries = [{"actor": level_1, "verb": Verb.PERSON_REGISTERED, "payload": {"n": n}} for n in range(50)]
    entries += [{"actor": other_level_1, "verb": Verb.PERSON_REGISTERED, "payload": {"n": n}} for n in range(5)]
    entries.append({"actor": None, "verb": Verb.OBLIGATIONS_SWEPT, "sponsor": None, "payload": {"opened": 3}})
    with CaptureQueriesContext(connection) as queries:
        events = audit.record_many(entries)
    # One lock on the heads (a second, after creating the Home Office chain's head), one INSERT of
    # every row, one UPDATE of the heads, whatever the count.
    statements = [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]]
    assert len(statements) <= 5, [sql[:80] for sql in statements]
    assert len([sql for sql in statements if sql.startswith('INSERT INTO "audit_auditevent"')]) == 1
    assert [event.payload for event in events[:50]] == [{"n": n} for n in range(50)]
    chain = list(AuditEvent.objects.filter(sponsor=level_1.sponsor).order_by("id").values_list("previous_hash", "hash"))
    assert len(chain) == before + 50
    assert all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))
    head = AuditChainHead.objects.get(chain=chain_key(level_1.sponsor_id))
    assert (head.length, head.head_id, head.head_hash) == (before + 50, events[49].pk, events[49].hash)
    assert AuditChainHead.objects.get(chain="home-office").length == 1
    report = verify_audit_trail()
    assert report.ok, report.reason
    assert report.checked == total_before + 56


def test_bulk_and_single_writes_interleave_on_one_chain(level_1):
    before = AuditEvent.objects.count()
    for round_ in range(3):
        audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1, payload={"round": round_})
        audit.record_many([{"actor": level_1, "verb": Verb.FACT_RECORDED, "payload": {"n": n}} for n in range(4)])
        audit.record(actor=level_1, verb=Verb.SIGNED_OUT, target=level_1)
    assert audit.record_many([]) == []
    report = verify_audit_trail()
    assert report.ok, report.reason
    assert report.checked == before + 18
    # The bulk rows are as tamper-evident as any other.
    middle = AuditEvent.objects.filter(verb=Verb.FACT_RECORDED).order_by("id")[5]
    tamper("UPDATE audit_auditevent SET payload_json = %s WHERE id = %s", ['{"n":9}', middle.pk])
    assert verify_audit_trail().broken_id == middle.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the check runs inside PostgreSQL")
def test_postgresql_computes_the_same_hash_as_python_for_every_kind_of_value(level_1, caseworker, settings):
    settings.AUDIT_KEYS = {"long": "a key longer than one SHA-256 block, " * 3, **settings.AUDIT_KEYS}
    audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1, ip_address="2001:db8::1")
    audit.record(actor=level_1, verb=Verb.NOTICE_READ, payload={"note": 'Zoë’s café – £574 ✓\n"quoted"'})
    audit.record(actor=None, verb=Verb.OBLIGATIONS_SWEPT, sponsor=None, ip_address="10.0.0.7")
    audit.record(actor=caseworker, verb=Verb.CASE_NOTE_ADDED, target=level_1.sponsor, ip_address=None)
    pads = {key_id: hmac_pads(secret) for key_id, secret in keys.held().items()}
    digest = event_hash_sql(message=event_message_sql(), ipad="%s::bytea", opad="%s::bytea")
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.order_by("id"):
            ipad, opad = pads[event.key_id]
            # Only fixed fragments are formatted in; the keys and the id are parameters.
            cursor.execute(f"SELECT {digest} FROM audit_auditevent e WHERE e.id = %s", [opad, ipad, event.pk])  # noqa: S608
            assert cursor.fetchone()[0] == event.hash, event.verb


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the check runs inside PostgreSQL")
def test_postgresql_verification_reads_back_only_the_exceptions(level_1, other_level_1):
    audit.record_many([{"actor": level_1, "verb": Verb.FACT_RECORDED, "payload": {"n": n}} for n in range(300)])
    audit.record_many([{"actor": other_level_1, "verb": Verb.FACT_RECORDED, "payload": {"n": n}} for n in range(30)])
    with CaptureQueriesContext(connection) as queries:
        report = verify_audit_trail()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count()
    # No statement walks the rows in Python: the check is one query, answered by the chains' ends.
    assert not any("ORDER BY" in q["sql"] and '"audit_auditevent"."payload_json"' in q["sql"] for q in queries)
    assert any("sha256(" in q["sql"] for q in queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the check runs inside PostgreSQL")
def test_a_row_outside_the_databases_shortcuts_is_checked_again_and_passes(level_1, time_machine):
    """The SQL counts bytes for fields the service writes in ASCII and assumes 16-digit times (issue 14's
    speed). A row outside those assumptions gets a different SQL message: it must be rechecked in
    Python and pass, never be reported as tampered with."""

    class OddTarget:
        class _meta:  # noqa: N801 - stands in for a model's options
            label_lower = "café.réservation"

        pk = "é-7"
        sponsor = None

        def __str__(self):
            return "Réservation"

    time_machine.move_to("1999-12-31 23:59:59.5Z", tick=False)  # 15 digits of microseconds
    audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    audit.record(actor=level_1, verb=Verb.NOTICE_READ, target=OddTarget(), sponsor=level_1.sponsor)
    pads = {key_id: hmac_pads(secret) for key_id, secret in keys.held().items()}
    digest = event_hash_sql(message=event_message_sql(), ipad="%s::bytea", opad="%s::bytea")
    odd = AuditEvent.objects.order_by("-id")[:2]
    with connection.cursor() as cursor:
        for event in odd:
            ipad, opad = pads[event.key_id]
            cursor.execute(f"SELECT {digest} FROM audit_auditevent e WHERE e.id = %s", [opad, ipad, event.pk])  # noqa: S608
            assert cursor.fetchone()[0] != event.hash  # the database's shortcut does not match these two
    report = verify_audit_trail()
    assert report.ok, report.reason
    assert report.checked == AuditEvent.objects.count()
