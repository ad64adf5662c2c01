"""The append-only, hash-chained audit trail and its verifier."""

from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from sms.audit import services as audit
from sms.audit.chain import GENESIS_HASH
from sms.audit.models import AuditEvent, Verb
from sms.audit.verification import verify_audit_trail


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as an attacker with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only a superuser can step round the append-only trigger like this.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_record_writes_actor_verb_target_payload_time_and_ip(level_1):
    event = audit.record(
        actor=level_1,
        verb=Verb.PASSWORD_CHANGED,
        target=level_1,
        payload={"why": "test"},
        ip_address="10.1.2.3",
    )
    event.refresh_from_db()
    assert event.actor == level_1
    assert event.actor_label == level_1.email
    assert event.verb == Verb.PASSWORD_CHANGED
    assert event.target_type == "accounts.user"
    assert event.target_id == str(level_1.pk)
    assert event.payload == {"why": "test"}
    assert event.ip_address == "10.1.2.3"
    assert event.occurred_at is not None
    assert event.sponsor == level_1.sponsor


def test_each_sponsor_and_the_home_office_have_their_own_chain(level_1, other_level_1, caseworker):
    mine = audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    theirs = audit.record(actor=other_level_1, verb=Verb.SIGNED_IN, target=other_level_1)
    staff = audit.record(actor=caseworker, verb=Verb.SIGNED_IN, target=caseworker)
    previous_mine = AuditEvent.objects.filter(sponsor=level_1.sponsor).exclude(pk=mine.pk).order_by("-id").first()
    assert mine.previous_hash == previous_mine.hash
    previous_theirs = (
        AuditEvent.objects.filter(sponsor=other_level_1.sponsor).exclude(pk=theirs.pk).order_by("-id").first()
    )
    assert theirs.previous_hash == previous_theirs.hash
    assert staff.sponsor is None
    first_home_office = AuditEvent.objects.filter(sponsor=None).order_by("id").first()
    assert first_home_office.previous_hash == GENESIS_HASH


def test_verify_audit_prints_ok_with_the_count(level_1):
    audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    ok, checkpoint = out.getvalue().strip().splitlines()
    assert ok == f"OK: {AuditEvent.objects.count()} audit events verified"
    assert checkpoint.startswith("Checkpoint 1: ")


def test_audit_rows_cannot_be_updated_or_deleted_through_the_model(level_1):
    event = audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    event.verb = Verb.SIGNED_OUT
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET verb = 'signed_out' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgresql_trigger_refuses_update_and_delete(level_1, statement):
    event = audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).verb == Verb.SIGNED_IN


def test_a_changed_row_is_detected_by_verify_audit(level_1):
    audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    target = audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    audit.record(actor=level_1, verb=Verb.SIGNED_OUT, target=level_1)
    tamper("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["signed_out", target.pk])

    report = verify_audit_trail()
    assert not report.ok
    assert report.broken_id == target.pk
    with pytest.raises(CommandError, match=f"broken at row {target.pk}") as raised:
        call_command("verify_audit")
    assert raised.value.returncode == 1


def test_a_deleted_row_is_detected_at_the_next_row_of_its_chain(level_1):
    removed = audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
    following = audit.record(actor=level_1, verb=Verb.SIGNED_OUT, target=level_1)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])

    report = verify_audit_trail()
    assert report.broken_id == following.pk
    assert "link" in report.reason


def test_an_audit_row_rolls_back_with_the_action_it_records(level_1):
    def action_that_fails_after_auditing():
        with transaction.atomic():
            audit.record(actor=level_1, verb=Verb.PASSWORD_CHANGED, target=level_1)
            raise RuntimeError("the action failed")

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        action_that_fails_after_auditing()
    assert AuditEvent.objects.count() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_unbroken_chain_per_sponsor(level_1):
    """Many requests auditing at once (advisory lock per chain) still link every row to the last."""

    def write(n: int) -> None:
        try:
            audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1, payload={"n": n})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(80)))

    chain = list(AuditEvent.objects.filter(sponsor=level_1.sponsor).order_by("id").values_list("previous_hash", "hash"))
    assert len(chain) >= 80
    assert all(chain[i][0] == chain[i - 1][1] for i in range(1, len(chain)))
    assert verify_audit_trail().ok
