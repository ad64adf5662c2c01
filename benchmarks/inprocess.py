"""The figures of issue 14 that are not page times, taken in this process through the services.

Those that write (the import, the sweep, one assignment) run inside a transaction that is rolled
back, so the data stays as generated and the benchmark can run again on it. Needs Django set up.
"""

import csv
import io
import time
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone


class _RolledBack(Exception):
    def __init__(self, result):
        super().__init__("rolled back")
        self.result = result


def rolled_back(function):
    """Run ``function`` in a transaction, roll it back, and return what it returned."""
    try:
        with transaction.atomic():
            raise _RolledBack(function())
    except _RolledBack as done:
        return done.result


def counted(function) -> tuple[object, float, int]:
    """(result, seconds, SQL statements) of one call. Counted by a wrapper round each execution, not
    Django's query log (which keeps only the last 9,000)."""
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return result, seconds, statements


def cos_csv(rows: int) -> bytes:
    """A CoS import file of ``rows`` valid rows, from the template's own example."""
    from sms.certificates.services.bulk import CSV_COLUMNS, csv_template

    header, example = list(csv.reader(io.StringIO(csv_template())))[:2]
    example = dict(zip(header, example, strict=True))
    start = timezone.localdate() + timedelta(days=30)
    example.update(start_date=start.isoformat(), end_date=(start + timedelta(days=3 * 365)).isoformat())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column for column, *_ in CSV_COLUMNS])
    for n in range(rows):
        row = {**example, "family_name": f"Importee{n}", "passport_number": f"X{n:08d}"}
        writer.writerow([row.get(column, "") for column, *_ in CSV_COLUMNS])
    return out.getvalue().encode()


def cos_import(*, actor, rows: int) -> dict:
    """Import ``rows`` CoS drafts through the service the upload page calls (rolled back): a file over
    ``BACKGROUND_ROWS`` is stored and queued there, then imported by the worker's service, both
    timed here (the worker's share apart too). Rows per second and CPU seconds, or the refusal."""
    from django.core.files.storage import default_storage

    from sms.certificates.models import CertificateImport
    from sms.certificates.services import bulk
    from sms.core.imports import ImportRefused

    data = cos_csv(rows)
    stored = []

    def run():
        upload = SimpleUploadedFile("certificates.csv", data, content_type="text/csv")
        try:
            result = bulk.certificates_import_csv(sponsor=actor.sponsor, actor=actor, upload=upload)
        except ImportRefused as refused:
            return 0, "; ".join(str(error) for error in refused.errors[:2]), "request", None
        if not isinstance(result, CertificateImport):
            return len(result), "", "request", None
        stored.append(result.file.name)
        started = time.perf_counter()
        job = bulk.certificate_import_run(import_id=result.pk)
        worker = time.perf_counter() - started
        refusal = "; ".join(f"Row {row}, column {column}: {message}" for row, column, message in job.problems[:2])
        return job.rows_created, refusal or ("" if job.rows_created else job.get_status_display()), "background", worker

    cpu = time.process_time()
    (created, refusal, path, worker_seconds), seconds, statements = rolled_back(lambda: counted(run))
    cpu = time.process_time() - cpu
    for name in stored:  # the worker deletes it once its transaction commits; this one was rolled back
        default_storage.delete(name)
    return {
        "rows": rows,
        "bytes": len(data),
        "created": created,
        "refused": refusal,
        "path": path,
        "seconds": seconds,
        "worker_seconds": worker_seconds,
        "cpu_seconds": cpu,
        "rows_per_second": created / seconds if created else 0.0,
        "statements": statements,
    }


def assignment_statements(*, actor) -> dict:
    """Statements to assign one ready draft through the service (rolled back)."""
    from sms.certificates.models import Certificate
    from sms.certificates.services.certificates import certificate_assign

    draft = (
        Certificate.objects.filter(sponsor=actor.sponsor, status=Certificate.Status.DRAFT, route="skilled_worker")
        .exclude(soc_code="")
        .order_by("-id")
        .first()
    )
    if draft is None:
        return {"statements": None, "seconds": None}
    _, seconds, statements = rolled_back(lambda: counted(lambda: certificate_assign(certificate=draft, actor=actor)))
    return {"statements": statements, "seconds": seconds}


def daily_sweep() -> dict:
    """The whole daily sweep (every step ``compliance_sweep`` runs), rolled back."""
    from sms.portal.sweep import daily_sweep as sweep
    from sms.reporting.models import SponsoredPerson

    workers = SponsoredPerson.objects.count()
    counts, seconds, statements = rolled_back(lambda: counted(sweep))
    return {
        "workers": workers,
        "opened": counts["obligations_opened"],
        "alerts": counts["alerts"],
        "seconds": seconds,
        "statements": statements,
    }


def _backend_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the database runs on this
    machine (read from /proc); None otherwise."""
    import os

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def audit_export(*, actor) -> dict:
    """The large export as it is made: requested by ``actor`` (the whole trail they may see), then
    produced by the worker's service into a file (rolled back, the file deleted). Rows per second
    of wall clock, and the CPU seconds of this process and of the database backend."""
    from sms.trail import services
    from sms.trail.models import AuditExport

    def run():
        job = services.audit_export_request(actor=actor, sponsor=actor.sponsor, filters={})
        backend = _backend_cpu_seconds()
        cpu, started = time.process_time(), time.perf_counter()
        services.audit_export_produce(export_id=job.pk)
        seconds = time.perf_counter() - started
        python_cpu = time.process_time() - cpu
        backend_cpu = None if backend is None else _backend_cpu_seconds() - backend
        job.refresh_from_db()
        size = job.file.size if job.file else 0
        if job.file:
            job.file.delete(save=False)
        return {
            "status": job.status,
            "complete": job.status == AuditExport.Status.READY,
            "rows": job.rows_written,
            "bytes": size,
            "seconds": seconds,
            "rows_per_second": job.rows_written / seconds if seconds else 0.0,
            "python_cpu": python_cpu,
            "database_cpu": backend_cpu,
        }

    return rolled_back(run)


def verify_audit(*, limit_seconds: float | None = None) -> dict:
    """``verify_audit``'s check of every row, chain and head (without recording a checkpoint).

    With ``limit_seconds``, a check still running then is left to finish in the background and the
    rate is what it had checked by then (rows are counted as their hash is checked)."""
    import threading

    from sms.audit import verification

    checked = [0]
    sign = verification.sign

    def counting_sign(key, message):
        checked[0] += 1
        return sign(key, message)

    outcome: dict = {}

    def run():
        from django.db import connection as thread_connection

        try:
            outcome["report"] = verification.verify_audit_trail()
        finally:
            thread_connection.close()

    verification.sign = counting_sign
    started = time.perf_counter()
    try:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(limit_seconds)
        seconds = time.perf_counter() - started
    finally:
        if "report" in outcome or limit_seconds is None:
            verification.sign = sign
    report = outcome.get("report")
    if report is None:
        return {"rows": checked[0], "ok": None, "reason": f"stopped timing after {seconds:.0f} s",
                "seconds": seconds, "rows_per_second": checked[0] / seconds, "complete": False}  # fmt: skip
    return {"rows": report.checked, "ok": report.ok, "reason": report.reason, "seconds": seconds,
            "rows_per_second": report.checked / seconds if seconds else 0.0, "complete": True}  # fmt: skip


def page_queries(user, paths: list[str]) -> dict[str, tuple[int, int]]:
    """{path: (HTTP status, SQL statements)} for ``user``, through Django's test client."""
    client = Client()
    client.force_login(user)
    result = {}
    for path in paths:
        response, _, statements = counted(lambda path=path: client.get(path))
        result[path] = (response.status_code, statements)
    return result
