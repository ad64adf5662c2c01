"""Large audit exports: requested on the page, produced by the worker into a file, downloaded later."""

import logging
import tempfile
from contextlib import contextmanager

from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from sms.accounts import policy
from sms.accounts.policy import Action
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.trail import export
from sms.trail.models import EXPORT_KEPT_FOR, AuditExport
from sms.trail.selectors import audit_event_search

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 10_000


def audit_export_request(*, actor, sponsor, filters: dict) -> AuditExport:
    """Queue an export of the trail as ``actor`` sees it with ``filters``: ``sponsor``'s (sponsor
    users), or with no sponsor the national trail (Home Office staff)."""
    if sponsor is None:
        policy.require(actor, Action.VIEW_HOME_OFFICE_RECORDS)
    else:
        policy.require(actor, Action.VIEW_AUDIT_TRAIL, sponsor)
    return _queue(actor, filters)


def _queue(actor, filters: dict | None) -> AuditExport:
    """The export row, its audit event, and the worker's task once the transaction commits."""
    with transaction.atomic():
        job = AuditExport.objects.create(requested_by=actor, sponsor_id=actor.sponsor_id, filters=filters or {})
        audit.record(actor=actor, verb=Verb.AUDIT_EXPORTED, payload={**(filters or {}), "format": "csv (background)"})
        from sms.trail.tasks import produce_audit_export  # the task module imports this one

        transaction.on_commit(lambda: produce_audit_export.enqueue(job.pk))
    return job


def audit_export_produce(*, export_id: int) -> None:
    """Write the export to a file, then make it available; a failure leaves no file, only the status."""
    job = AuditExport.objects.select_related("requested_by").get(pk=export_id)
    if job.status != AuditExport.Status.QUEUED:
        return
    AuditExport.objects.filter(pk=job.pk).update(status=AuditExport.Status.RUNNING)
    search = audit_event_search(user=job.requested_by, data=job.filters)
    events = search.qs if search.is_valid() else search.queryset
    counter = [0]
    try:
        with tempfile.TemporaryFile(mode="w+b") as spool, _progress(job.pk, events) as progress:
            reported = 0
            for chunk in export.csv_rows_strict(events, counter):
                spool.write(chunk)
                if counter[0] - reported >= PROGRESS_EVERY:
                    reported = counter[0]
                    progress(reported)
            spool.seek(0)
            job.file.save(f"{job.uuid}.csv", File(spool), save=False)
    except Exception:
        logger.exception("Audit export %s failed", job.uuid)
        AuditExport.objects.filter(pk=job.pk).update(status=AuditExport.Status.FAILED, finished_at=timezone.now())
        return
    now = timezone.now()
    AuditExport.objects.filter(pk=job.pk).update(
        status=AuditExport.Status.READY,
        rows_written=counter[0],
        file=job.file.name,
        finished_at=now,
        expires_at=now + EXPORT_KEPT_FOR,
    )


@contextmanager
def _progress(export_id: int, events):
    """A function recording how many rows an export has written. While PostgreSQL writes the
    export (``COPY`` holds the connection until the last row), it writes on a connection of its own,
    and skips a count rather than wait should something else hold the export's row."""
    if not export.writes_in_database(events):
        yield lambda rows: AuditExport.objects.filter(pk=export_id).update(rows_written=rows)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table, rows_written, pk = (
        side.ops.quote_name(name)
        for name in (AuditExport._meta.db_table, AuditExport._meta.get_field("rows_written").column, "id")
    )
    sql = (
        f"UPDATE {table} SET {rows_written} = %s "  # noqa: S608 - names from the model
        f"WHERE {pk} = (SELECT {pk} FROM {table} WHERE {pk} = %s FOR UPDATE SKIP LOCKED)"
    )

    def record(rows: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(sql, [rows, export_id])

    try:
        yield record
    finally:
        side.close()


def audit_exports_purge(*, now=None) -> int:
    """Delete the files of background audit exports whose download has expired (the daily sweep):
    a copy of the trail should not outlive the 7 days it was offered for. The row stays, so the
    status page says it expired; returns how many files were removed."""
    now = now or timezone.now()
    expired = list(AuditExport.objects.filter(expires_at__lte=now).exclude(file="").only("pk", "file"))
    for job in expired:
        job.file.delete(save=False)
    AuditExport.objects.filter(pk__in=[job.pk for job in expired]).update(file="")
    return len(expired)
