"""Many new rows at once (``insert_all``): COPY on PostgreSQL, ``bulk_create`` elsewhere; either way
each object gets its id, in the order given, and every value reads back as it was held."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sms.audit import services as audit
from sms.audit.models import AuditEvent, Verb
from sms.audit.verification import verify_audit_trail
from sms.certificates.models import Certificate
from sms.core import inserts


def drafts(sponsor, user, count: int) -> list[Certificate]:
    return [
        Certificate(
            sponsor=sponsor,
            created_by=user,
            kind=Certificate.Kind.CAS if n % 2 else Certificate.Kind.COS,
            family_name=f'O\'Brien, "Tab"\t{n}\\',  # characters COPY's text format escapes
            date_of_birth=date(1990, 5, 17) if n % 3 else None,
            weekly_hours=Decimal("37.5"),
            salary_pence=5_600_000 + n,
            is_extension=bool(n % 2),
            home_address="Line 1\nLine 2",
        )
        for n in range(count)
    ]


def test_many_rows_get_ascending_ids_in_order_and_read_back_as_held(sponsor, level_1):
    made = drafts(sponsor, level_1, inserts.COPY_FROM + 50)

    inserts.insert_all(made)

    ids = [certificate.pk for certificate in made]
    assert None not in ids
    assert ids == sorted(ids)
    assert all(not certificate._state.adding for certificate in made)
    stored = {certificate.pk: certificate for certificate in Certificate.objects.filter(pk__in=ids)}
    assert len(stored) == len(made)
    for certificate in made:
        again = stored[certificate.pk]
        assert (again.uuid, again.kind, again.family_name, again.date_of_birth) == (
            certificate.uuid,
            certificate.kind,
            certificate.family_name,
            certificate.date_of_birth,
        )
        assert (again.weekly_hours, again.salary_pence, again.is_extension, again.home_address) == (
            Decimal("37.5"),
            certificate.salary_pence,
            certificate.is_extension,
            "Line 1\nLine 2",
        )
        assert (again.status, again.sponsor_id, again.created_by_id) == ("draft", sponsor.pk, level_1.pk)
        assert again.created_at == certificate.created_at is not None


def test_a_few_rows_go_in_by_one_insert(sponsor, level_1):
    with CaptureQueriesContext(connection) as queries:
        inserts.insert_all(drafts(sponsor, level_1, 3))
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["INSERT"]
    assert Certificate.objects.count() == 3


def test_audit_rows_written_together_still_verify(level_1):
    audit.record(actor=level_1, verb=Verb.SIGNED_IN, target=level_1)
    audit.record_many(
        [{"actor": level_1, "verb": Verb.FEE_RATE_ADDED, "payload": {"n": n}} for n in range(inserts.COPY_FROM * 2)]
    )
    audit.record(actor=level_1, verb=Verb.SIGNED_OUT, target=level_1)

    assert AuditEvent.objects.filter(verb=Verb.FEE_RATE_ADDED).count() == inserts.COPY_FROM * 2
    report = verify_audit_trail()
    assert report.ok, report.reason
