"""Someone with write access to the database changes the audit trail: each way is detected.

The tampering runs as raw SQL, as an attacker would (on PostgreSQL, as a superuser who can switch the
append-only triggers off). The attacker knows the hashing scheme but not the key, which lives
outside the database.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from sms.audit import services as audit
from sms.audit.chain import canonical_payload, chain_key, event_hash, hashed_fields, head_message, sign
from sms.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent, Verb
from sms.audit.verification import checkpoint_as_dict, checkpoint_record, verify_audit_trail

ATTACKER_KEY = b"the attacker does not hold the real key"


def tamper(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, list(params))
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def trail(level_1, other_level_1, caseworker):
    """Three chains (two sponsors and the Home Office), ten events each."""
    for n in range(10):
        audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1, payload={"n": n, "amount_pence": 57400})
        audit.record(actor=other_level_1, verb=Verb.SIGNED_IN, target=other_level_1, payload={"n": n})
        audit.record(actor=caseworker, verb=Verb.SIGNED_IN, target=caseworker, payload={"n": n})
    assert verify_audit_trail().ok
    return level_1.sponsor


def chain_ids(sponsor) -> list[int]:
    return list(AuditEvent.objects.filter(sponsor=sponsor).order_by("id").values_list("id", flat=True))


def forged_row_sql(row: AuditEvent) -> tuple[str, list]:
    columns = [
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
        "key_id",
        "previous_hash",
        "hash",
    ]
    values = [getattr(row, column) for column in columns]
    return (
        f"INSERT INTO audit_auditevent ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
        values,
    )


def rehash(row: AuditEvent, previous_hash: str) -> AuditEvent:
    row.previous_hash = previous_hash
    row.hash = event_hash(key=ATTACKER_KEY, previous_hash=previous_hash, fields=hashed_fields(row))
    return row


def assert_detected(against: dict | None = None) -> str:
    report = verify_audit_trail(against=against)
    assert not report.ok
    with pytest.raises(CommandError, match="Audit trail broken") as raised:
        call_command("verify_audit", stdout=StringIO())
    assert raised.value.returncode == 1
    return report.reason


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("verb", "signed_out"),
        ("payload_json", '{"amount_pence":1,"n":3}'),
        ("actor_label", "someone-else@example.com"),
        ("occurred_at", "2020-01-01 00:00:00+00:00"),
        ("key_id", "test-1"),
    ],
)
def test_a_changed_field_is_detected_at_its_row(trail, column, value):
    target = chain_ids(trail)[3]
    tamper(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, target])
    assert_detected()
    assert verify_audit_trail().broken_id == target


@pytest.mark.parametrize("position", [0, 4])
def test_a_row_removed_from_the_start_or_middle_breaks_the_next_link(trail, position):
    ids = chain_ids(trail)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [ids[position]])
    assert "link" in assert_detected()
    assert verify_audit_trail().broken_id == ids[position + 1]


@pytest.mark.parametrize("count", [1, 5])
def test_rows_removed_from_the_end_of_a_chain_are_detected_by_its_head(trail, count):
    ids = chain_ids(trail)
    tamper(f"DELETE FROM audit_auditevent WHERE id IN ({', '.join(['%s'] * count)})", ids[-count:])
    reason = assert_detected()
    assert f"sponsor:{trail.pk} has {10 - count + 0} rows" in reason or "rows were removed" in reason


def test_a_whole_chain_removed_is_detected_by_its_head(trail):
    tamper("DELETE FROM audit_auditevent WHERE sponsor_id = %s", [trail.pk])
    assert "rows were removed" in assert_detected()


def test_a_whole_chain_removed_with_its_head_is_detected_by_the_checkpoint(trail):
    checkpoint_record()
    tamper("DELETE FROM audit_auditevent WHERE sponsor_id = %s", [trail.pk])
    tamper("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain_key(trail.pk)])
    assert "recorded by the latest checkpoint are missing" in assert_detected()


def test_removing_the_checkpoints_too_is_detected_by_a_copy_kept_elsewhere(trail):
    kept_elsewhere = checkpoint_as_dict(checkpoint_record())
    tamper("DELETE FROM audit_auditevent WHERE sponsor_id = %s", [trail.pk])
    tamper("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain_key(trail.pk)])
    tamper("DELETE FROM audit_auditcheckpoint")
    assert verify_audit_trail().ok  # nothing left inside the database shows it...
    report = verify_audit_trail(against=kept_elsewhere)  # ...the copy outside does
    assert not report.ok
    assert "recorded by the checkpoint given are missing" in report.reason


def test_verify_audit_against_a_checkpoint_file(trail, tmp_path):
    checkpoint_file = tmp_path / "checkpoint.json"
    call_command("verify_audit", "--checkpoint-file", str(checkpoint_file), stdout=StringIO())
    out = StringIO()
    call_command("verify_audit", "--against", str(checkpoint_file), stdout=out)
    assert out.getvalue().startswith("OK: ")
    tamper("DELETE FROM audit_auditevent WHERE sponsor_id = %s", [trail.pk])
    tamper("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain_key(trail.pk)])
    tamper("DELETE FROM audit_auditcheckpoint")
    with pytest.raises(CommandError, match="recorded by the checkpoint given are missing"):
        call_command("verify_audit", "--against", str(checkpoint_file), stdout=StringIO())


def test_a_forged_checkpoint_file_is_refused(trail, tmp_path):
    forged = checkpoint_as_dict(checkpoint_record())
    forged["chains"][chain_key(trail.pk)][0] = 3
    checkpoint_file = tmp_path / "checkpoint.json"
    checkpoint_file.write_text(json.dumps(forged))
    with pytest.raises(CommandError, match="not signed with the audit key"):
        call_command("verify_audit", "--against", str(checkpoint_file), stdout=StringIO())


def test_a_forged_row_appended_with_a_well_formed_hash_is_detected(trail):
    last = AuditEvent.objects.filter(sponsor=trail).order_by("-id").first()
    forged = AuditEvent(**{f.attname: getattr(last, f.attname) for f in AuditEvent._meta.concrete_fields})
    forged.payload_json = canonical_payload({"note": "forged"})
    rehash(forged, last.hash)
    tamper(*forged_row_sql(forged))
    # Even with the head moved on to match, its signature needs the key.
    head = AuditChainHead.objects.get(chain=chain_key(trail.pk))
    new_id = AuditEvent.objects.filter(sponsor=trail).order_by("-id").values_list("id", flat=True).first()
    signature = sign(
        ATTACKER_KEY, head_message(chain=head.chain, length=head.length + 1, head_id=new_id, head_hash=forged.hash)
    )
    tamper(
        "UPDATE audit_auditchainhead SET length = length + 1, head_id = %s, head_hash = %s, signature = %s "
        "WHERE chain = %s",
        [new_id, forged.hash, signature, head.chain],
    )
    report = verify_audit_trail()
    assert report.broken_id == new_id
    assert "does not match its hash" in report.reason


def test_a_rewritten_row_with_the_rest_of_its_chain_rehashed_is_detected(trail):
    rows = list(AuditEvent.objects.filter(sponsor=trail).order_by("id"))
    rows[2].verb = Verb.SIGNED_OUT
    previous = rows[1].hash
    for row in rows[2:]:
        rehash(row, previous)
        previous = row.hash
        tamper(
            "UPDATE audit_auditevent SET verb = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [row.verb, row.previous_hash, row.hash, row.pk],
        )
    tamper("UPDATE audit_auditchainhead SET head_hash = %s WHERE chain = %s", [previous, chain_key(trail.pk)])
    report = verify_audit_trail()
    assert report.broken_id == rows[2].pk


def test_two_rows_swapped_are_detected(trail):
    first, second = chain_ids(trail)[2:4]
    tamper("UPDATE audit_auditevent SET payload_json = %s WHERE id = %s", ['{"n":3}', first])
    tamper("UPDATE audit_auditevent SET payload_json = %s WHERE id = %s", ['{"n":2}', second])
    assert verify_audit_trail().broken_id == first


def test_a_changed_checkpoint_is_detected(trail):
    checkpoint = checkpoint_record()
    tamper("UPDATE audit_auditcheckpoint SET total_rows = 1 WHERE id = %s", [checkpoint.pk])
    tamper(
        "UPDATE audit_auditcheckpoint SET chains_json = %s WHERE id = %s",
        [json.dumps({chain_key(trail.pk): [1, 1, "0" * 64]}), checkpoint.pk],
    )
    assert "not signed with the audit key" in assert_detected()


def test_emptying_the_audit_table_is_detected_where_it_is_not_refused(trail):
    tamper("DELETE FROM audit_auditevent")
    assert "rows were removed" in assert_detected()


def test_queryset_paths_that_would_change_rows_are_refused(trail):
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.filter(sponsor=trail).update(verb=Verb.SIGNED_OUT)
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.filter(sponsor=trail).delete()
    with pytest.raises(RuntimeError, match="append-only"):
        AuditCheckpoint.objects.all().delete()
    assert verify_audit_trail().ok


def test_rows_signed_with_a_retired_key_still_verify(trail, settings):
    settings.AUDIT_KEYS = {"test-3": "a-newer-audit-signing-key-0123456789abcdef", **settings.AUDIT_KEYS}
    audit.record(actor=None, verb=Verb.SIGNED_IN, target=trail, payload={"after": "rotation"})
    assert AuditEvent.objects.order_by("-id").first().key_id == "test-3"
    assert verify_audit_trail().ok
    settings.AUDIT_KEYS = {"test-3": settings.AUDIT_KEYS["test-3"]}
    report = verify_audit_trail()
    assert "signing key this installation does not hold" in report.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE statement")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditchainhead", "audit_auditcheckpoint"])
def test_postgresql_refuses_truncate_of_every_audit_table(trail, table):
    checkpoint_record()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks left from the fixtures
        cursor.execute("SET LOCAL sms.audit_maintenance = 'off'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert verify_audit_trail().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM audit_auditchainhead",
        "UPDATE audit_auditcheckpoint SET total_rows = 0",
        "DELETE FROM audit_auditcheckpoint",
    ],
)
def test_postgresql_refuses_removing_heads_and_changing_checkpoints(trail, statement):
    checkpoint_record()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
