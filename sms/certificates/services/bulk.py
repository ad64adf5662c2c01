"""Bulk data: CoS drafts from a CSV file, CAS from XML (domain.md section 8).

Each file is validated as a whole: every error names its row (or element) and column, and nothing
is created unless every row is valid. XML is parsed with external entities, DTDs and network
access off, size-bounded, and validated against the schema the project ships.
"""

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from lxml import etree

from sms.accounts.models import Sponsor
from sms.accounts.policy import Action, can, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates import rules
from sms.certificates.forms import CertificateForm
from sms.certificates.models import Certificate, CertificateImport
from sms.certificates.services.certificates import assignment_context, kind_for_route
from sms.core.csv_export import neutralise
from sms.core.forms import FormRows
from sms.core.imports import MEGABYTE, FileError, ImportRefused, collector_paused, csv_rows, read_upload
from sms.core.inserts import insert_all
from sms.core.lifecycle import lock, transition
from sms.core.uploads import safe_display_name

logger = logging.getLogger(__name__)

# A CSV file may hold a large university's or employer's whole intake (docs/decisions.md, "Certificate
# imports at an intake's size"): 50,000 rows, at up to 500 bytes a row. A file of more than
# BACKGROUND_ROWS rows is imported by the background worker, with its progress on a page; a smaller
# one within the request. An API batch or a CAS XML file is imported within the request: at most
# MAX_BATCH certificates.
MAX_CSV_BYTES = 25 * MEGABYTE
MAX_ROWS = 50_000
BACKGROUND_ROWS = 2_000
MAX_BATCH = 5_000
MAX_XML_BYTES = 5 * MEGABYTE
# A refused background import keeps this many of its problems (in row order) for its page, and counts them all.
PROBLEMS_KEPT = 1_000
PROGRESS_EVERY = 1_000
IMPORT_ABANDONED_AFTER = timedelta(days=1)
CAS_NAMESPACE = "urn:sponsor-management-system:cas-batch:1"
CAS_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "cas_batch.xsd"

# Template columns: (column, certificate form field, required in a file). Each cell is checked by
# the certificate page's own form (CertificateForm), so a field rule is written once.
CSV_COLUMNS = [
    ("family_name", "family_name", True),
    ("given_names", "given_names", True),
    ("nationality", "nationality", True),
    ("date_of_birth", "date_of_birth", True),
    ("place_of_birth", "place_of_birth", False),
    ("country_of_birth", "country_of_birth", False),
    ("gender", "gender", False),
    ("country_of_residence", "country_of_residence", False),
    ("passport_number", "passport_number", True),
    ("passport_issue_date", "passport_issue_date", False),
    ("passport_expiry_date", "passport_expiry_date", False),
    ("home_address", "home_address", False),
    ("ni_number", "ni_number", False),
    ("employee_number", "employee_number", False),
    ("route", "route", True),
    ("is_extension", "is_extension", False),
    ("job_title", "job_title", True),
    ("soc_code", "soc_code", True),
    ("job_summary", "job_summary", True),
    ("salary_gbp", "salary_pence", True),
    ("allowances_gbp", "allowances_pence", False),
    ("weekly_hours", "weekly_hours", True),
    ("start_date", "start_date", True),
    ("end_date", "end_date", True),
    ("work_address", "work_address", True),
    ("other_work_sites", "other_work_sites", False),
    # Added later, optional, and may be left out of a file: blank means the standard salary option, no.
    ("salary_option", "salary_option", False),
    ("switching_from_student", "switching_from_student", False),
]
LATER_COLUMNS = 2
YES_NO_FIELDS = ("is_extension", "switching_from_student")
COLUMN_FOR_FIELD = {field: column for column, field, _ in CSV_COLUMNS}


def csv_template() -> str:
    """The header row and one example row, for the downloadable template."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column for column, *_ in CSV_COLUMNS])
    example = {
        "family_name": "Okoro", "given_names": "Ada", "nationality": "Nigerian", "date_of_birth": "1990-05-17",
        "passport_number": "A12345678", "route": "skilled_worker", "is_extension": "no",
        "job_title": "Software developer",
        "soc_code": "2134", "job_summary": "Builds software", "salary_gbp": "56000", "weekly_hours": "37.5",
        "start_date": "2027-01-04", "end_date": "2030-01-03", "work_address": "12 Mill Lane, Leeds",
        "salary_option": "standard", "switching_from_student": "no",
    }  # fmt: skip
    writer.writerow([neutralise(example.get(column, "")) for column, *_ in CSV_COLUMNS])
    return out.getvalue()


def _row_data(row: dict) -> tuple[dict, dict[str, str]]:
    """One row as the certificate form's data, and the row's own problems by field (an empty
    required cell, a yes/no column that is neither)."""
    data, problems = {}, {}
    for column, field, required in CSV_COLUMNS:
        value = row.get(column)
        # A JSON batch may send true/false and numbers; a CSV file sends text.
        value = ("yes" if value else "no") if isinstance(value, bool) else str("" if value is None else value).strip()
        if not value and required:
            problems[field] = "must not be empty"
        if field in YES_NO_FIELDS:
            if value and value.lower() not in ("yes", "no"):
                problems[field] = "must be yes or no"
            value = "on" if value.lower() == "yes" else ""
        data[field] = value
    return data, problems


def _checked_drafts(
    *, sponsor: Sponsor, created_by, rows: Iterable[tuple[int, dict, dict]], column_of: dict, progress=None
) -> list[Certificate]:
    """An unsaved draft for every row, or ImportRefused naming every problem by row and column.

    ``rows`` holds (row number, the certificate form's data, the row's own problems by field). Each
    row is checked by the certificate page's form, built once for the file (``FormRows``), then by
    the assignment rules on what the form accepted (apart from the allocation, checked when each is
    assigned), so one pass reports every error in a row. A draft is built as a hand-saved one is
    (``certificate_save_draft``): the form's cleaned values, which the form has stripped and held to
    the model's field rules, and the kind its route gives. ``progress(rows checked)`` is called
    every PROGRESS_EVERY rows."""
    form = FormRows(CertificateForm())
    today = timezone.localdate()
    contexts: dict[tuple[str, str], rules.AssignmentContext] = {}
    errors: list[FileError] = []
    drafts: list[Certificate] = []
    for checked, (number, data, problems) in enumerate(rows, start=1):
        cleaned, form_errors = form.check(data)
        errors.extend(FileError(number, column_of.get(field, field), message) for field, message in problems.items())
        errors.extend(
            FileError(number, column_of.get(field, field), message)
            for field, messages in form_errors.items()
            if field not in problems
            for message in messages
        )
        bad = set(form_errors) | set(problems)
        accepted = {field: value for field, value in cleaned.items() if field not in bad}
        draft = Certificate(
            sponsor=sponsor, created_by=created_by, kind=kind_for_route(accepted.get("route", "")), **accepted
        )
        key = (draft.route, draft.soc_code)
        if key not in contexts:  # rows for the same route and occupation share what the rules read
            contexts[key] = assignment_context(draft, today)
        check = rules.check_assignment(draft, contexts[key])
        errors.extend(
            FileError(number, column_of.get(problem.field, problem.field), problem.message)
            for problem in check.problems
            if problem.field not in bad
        )
        if not bad:
            drafts.append(draft)
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked)
    if errors:
        raise ImportRefused(errors)
    return drafts


def _csv_records(upload) -> list[tuple[int, dict]]:
    return csv_rows(
        upload,
        columns=[column for column, *_ in CSV_COLUMNS],
        max_bytes=MAX_CSV_BYTES,
        max_rows=MAX_ROWS,
        noun="certificate",
        optional_last=LATER_COLUMNS,
    )


def certificates_import_csv(*, sponsor: Sponsor, actor, upload) -> list[Certificate] | CertificateImport:
    """Create a draft CoS for every row of a CSV file, or none: every row must be well formed and
    pass the assignment rules (apart from the allocation, checked when each is assigned).

    A file of up to BACKGROUND_ROWS certificates is imported at once: the drafts are returned, or
    ImportRefused names every problem. A larger one is kept for the background worker, and its
    ``CertificateImport`` is returned, to be followed on its page. A file that cannot be read is
    refused at once either way."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    records = _csv_records(upload)
    if len(records) <= BACKGROUND_ROWS:
        return certificates_import_rows(sponsor=sponsor, actor=actor, records=records, source="csv")
    with transaction.atomic():
        job = CertificateImport.objects.create(
            sponsor=sponsor, requested_by=actor, rows=len(records), file_name=safe_display_name(upload.name or "")
        )
        upload.seek(0)
        job.file.save("certificates.csv", upload)
        audit.record(
            actor=actor,
            verb=Verb.CERTIFICATE_IMPORT_STARTED,
            target=job,
            payload={"format": "csv", "rows": job.rows, "file": job.file_name},
        )
        from sms.certificates.tasks import import_certificates  # the task module imports this one

        job_id = job.pk
        transaction.on_commit(lambda: import_certificates.enqueue(job_id))
    return job


@transaction.atomic
def certificates_import_rows(
    *, sponsor: Sponsor, actor, records: list[tuple[int, dict]], source: str = "api"
) -> list[Certificate]:
    """Create a draft for every row, or none, within the request (a small CSV file's rows, or a
    batch sent to the API): each row is a dict of the template's columns, checked like a CSV row."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    if not records or len(records) > MAX_BATCH:
        raise ImportRefused([FileError(None, "", f"Send between 1 and {MAX_BATCH:,} certificates at once")])
    drafts = _csv_drafts(sponsor=sponsor, created_by=actor, records=records)
    return drafts_create_many(sponsor=sponsor, created_by=actor, drafts=drafts, file_format=source)


def _csv_drafts(*, sponsor: Sponsor, created_by, records: list[tuple[int, dict]], progress=None) -> list[Certificate]:
    """The checked drafts of CSV rows (or ImportRefused, every problem sorted by row and column)."""
    rows = ((number, *_row_data(row)) for number, row in records)
    try:
        return _checked_drafts(
            sponsor=sponsor, created_by=created_by, rows=rows, column_of=COLUMN_FOR_FIELD, progress=progress
        )
    except ImportRefused as refused:
        raise ImportRefused(sorted(refused.errors, key=lambda error: (error.row or 0, error.column))) from None


def certificate_import_run(*, import_id: int) -> CertificateImport:
    """Import a queued CSV file (the background worker's job): check every row, recording how many
    have been checked for its page, then create every draft, or keep the problems for the page; a
    failure is recorded too. The stored file is deleted however it ends."""
    with transaction.atomic():
        job = lock(CertificateImport, import_id)
        if job.status != CertificateImport.Status.QUEUED:
            return job  # already taken by another worker, or finished
        transition(job, CertificateImport.Status.CHECKING)
    job = CertificateImport.objects.select_related("sponsor", "requested_by").get(pk=import_id)
    with collector_paused():
        return _import_checked_file(job)


def _import_checked_file(job: CertificateImport) -> CertificateImport:
    """The worker's import of a file it has taken, ended as created, refused or failed."""
    import_id = job.pk
    try:
        if not can(job.requested_by, Action.CREATE_CERTIFICATE, job.sponsor):
            raise ImportRefused([FileError(None, "", "The person who sent the file may no longer create certificates")])
        with job.file.open("rb") as stored:
            records = _csv_records(stored)
        drafts = _csv_drafts(
            sponsor=job.sponsor,
            created_by=job.requested_by,
            records=records,
            progress=lambda checked: CertificateImport.objects.filter(pk=import_id).update(rows_checked=checked),
        )
        with transaction.atomic():
            job = lock(CertificateImport, import_id)
            drafts_create_many(sponsor=job.sponsor, created_by=job.requested_by, drafts=drafts, file_format="csv")
            return _import_end(
                job, CertificateImport.Status.CREATED, rows_checked=len(records), rows_created=len(drafts)
            )
    except ImportRefused as refused:
        problems = [[error.row, error.column, error.message] for error in refused.errors[:PROBLEMS_KEPT]]
        with transaction.atomic():
            job = lock(CertificateImport, import_id)
            return _import_end(
                job,
                CertificateImport.Status.REFUSED,
                rows_checked=job.rows if refused.errors[0].row else job.rows_checked,
                problems=problems,
                problem_count=len(refused.errors),
            )
    except Exception:  # any failure must be shown, never left "checking"
        logger.exception("Certificate import %s failed", job.uuid)
        with transaction.atomic():
            job = lock(CertificateImport, import_id)
            return _import_end(job, CertificateImport.Status.FAILED)


def _import_end(job: CertificateImport, status: str, **figures) -> CertificateImport:
    """Record how an import ended, audited, in the caller's transaction; its file is deleted once that commits."""
    for name, value in figures.items():
        setattr(job, name, value)
    job.finished_at = timezone.now()
    stored = job.file.name
    job.file = ""
    transition(job, status, extra_fields=(*figures, "finished_at", "file"))
    verb = {
        CertificateImport.Status.REFUSED: Verb.CERTIFICATE_IMPORT_REFUSED,
        CertificateImport.Status.FAILED: Verb.CERTIFICATE_IMPORT_FAILED,
    }.get(status)
    if verb:
        payload = {"rows": job.rows, "problems": job.problem_count} if job.problem_count else {"rows": job.rows}
        audit.record(actor=None, verb=verb, target=job, sponsor=job.sponsor, payload=payload)
    if stored:
        storage = job.file.storage
        transaction.on_commit(lambda: storage.delete(stored))
    return job


def certificate_imports_expire(*, now=None) -> int:
    """Background imports not finished a day after they were sent (no worker ran them, or it
    stopped part way) end as failed, and their files go (the daily sweep): an upload is kept only
    while it is needed. Returns how many ended."""
    now = now or timezone.now()
    stale = list(
        CertificateImport.objects.filter(
            status__in=[CertificateImport.Status.QUEUED, CertificateImport.Status.CHECKING],
            created_at__lte=now - IMPORT_ABANDONED_AFTER,
        ).values_list("pk", flat=True)
    )
    for import_id in stale:
        with transaction.atomic():
            job = lock(CertificateImport, import_id)
            if job.status in (CertificateImport.Status.QUEUED, CertificateImport.Status.CHECKING):
                _import_end(job, CertificateImport.Status.FAILED)
    return len(stale)


def drafts_create_many(
    *, sponsor: Sponsor, created_by, drafts: list[Certificate], file_format: str
) -> list[Certificate]:
    """Save a checked file's drafts set-based (``sms.core.inserts.insert_all``) and audit them
    together: a "drafted" entry each, as a draft saved by hand has, then the import itself, all by
    ``created_by``. For the import services, which ask the policy first; call inside the import's
    transaction."""
    insert_all(drafts)
    entries = [
        {
            "actor": created_by,
            "verb": Verb.CERTIFICATE_DRAFTED,
            "target": certificate,
            "sponsor": sponsor,
            "payload": {"kind": certificate.kind},
        }
        for certificate in drafts
    ]
    entries.append(
        {
            "actor": created_by,
            "verb": Verb.CERTIFICATES_IMPORTED,
            "sponsor": sponsor,
            "payload": {"format": file_format, "count": len(drafts)},
        }
    )
    audit.record_many(entries)  # one chain lock, one INSERT
    return drafts


def _cas_parser() -> etree.XMLParser:
    """No DTDs, no entity expansion, no network: hostile XML cannot reach files or blow up memory."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )


def cas_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAS_SCHEMA_PATH), _cas_parser()))


# The certificate field each element of a <CAS> fills, so problems name the element.
CAS_ELEMENT_FOR_FIELD = {
    "family_name": "FamilyName",
    "given_names": "GivenNames",
    "nationality": "Nationality",
    "date_of_birth": "DateOfBirth",
    "passport_number": "PassportNumber",
    "route": "Route",
    "job_title": "CourseTitle",
    "start_date": "CourseStartDate",
    "end_date": "CourseEndDate",
    "work_address": "StudyAddress",
}


CAS_DATE_FIELDS = ("date_of_birth", "start_date", "end_date")
# xs:date also allows a time zone, a sign and years beyond 9999; a CAS date is a plain calendar date.
CAS_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A DOCTYPE or entity declaration in any encoding an XML file may use.
DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
MAX_MESSAGE = 300


def _text(element, name: str) -> str:
    child = element.find(f"{{{CAS_NAMESPACE}}}{name}")
    return (child.text or "").strip() if child is not None else ""


def _schema_message(message: str) -> str:
    """A schema error as people read it: element names without the namespace, hostile values cut short."""
    message = message.replace(f"{{{CAS_NAMESPACE}}}", "")
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "…"


def _cas_document(data: bytes):
    """The parsed batch file, valid against the shipped schema, or ImportRefused saying why not."""
    no_declarations = FileError(None, "", "The file must not contain a DOCTYPE or entity declarations")
    if any(marker in data for marker in DECLARATIONS):
        raise ImportRefused([no_declarations])
    try:
        document = etree.fromstring(data, _cas_parser())
    except etree.XMLSyntaxError as error:
        message = _schema_message(f"The file is not well-formed XML: {error.msg}")
        raise ImportRefused([FileError(error.lineno, "", message)]) from None
    except ValueError as error:  # lxml refuses some inputs (such as an empty document) this way
        raise ImportRefused([FileError(None, "", f"The file is not well-formed XML: {error}")]) from None
    if document.getroottree().docinfo.internalDTD is not None:
        raise ImportRefused([no_declarations])
    if document.tag != f"{{{CAS_NAMESPACE}}}CASBatch":
        message = f"The file must be a CAS batch: a <CASBatch> element in the namespace {CAS_NAMESPACE}"
        raise ImportRefused([FileError(None, "", message)])
    schema = cas_schema()
    try:
        valid = schema.validate(document)
    except etree.XMLSchemaValidateError:
        raise ImportRefused([FileError(None, "", "The file does not follow the CAS batch schema")]) from None
    if not valid:
        errors = [FileError(entry.line, "", _schema_message(entry.message)) for entry in schema.error_log]
        raise ImportRefused(errors[:100])
    return document


def _cas_data(element) -> tuple[dict, dict[str, str]]:
    """One <CAS> as the certificate form's data, and the element's own date problems by field."""
    values = {field: _text(element, name) for field, name in CAS_ELEMENT_FOR_FIELD.items()}
    problems = {}
    for field in CAS_DATE_FIELDS:
        if not CAS_DATE.fullmatch(values[field]):
            problems[field] = "must be a date like 2026-03-27"
            values[field] = ""
    return values, problems


def _cas_form(element) -> tuple[CertificateForm, list[tuple[str, str]]]:
    """The certificate page's form bound to one <CAS>, and the element's own date problems."""
    values, problems = _cas_data(element)
    return CertificateForm(data=values), list(problems.items())


@transaction.atomic
def cas_import_xml(*, sponsor: Sponsor, actor, upload) -> list[Certificate]:
    """Create a draft CAS for every <CAS> element of a batch file valid against the shipped schema,
    or none: each element is checked by the certificate page's form, then by the assignment rules."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    document = _cas_document(read_upload(upload, MAX_XML_BYTES))
    elements = document.findall(f"{{{CAS_NAMESPACE}}}CAS")
    if len(elements) > MAX_BATCH:
        raise ImportRefused([FileError(None, "", f"A file can hold at most {MAX_BATCH:,} CAS")])
    rows = ((element.sourceline, *_cas_data(element)) for element in elements)
    drafts = _checked_drafts(sponsor=sponsor, created_by=actor, rows=rows, column_of=CAS_ELEMENT_FOR_FIELD)
    return drafts_create_many(sponsor=sponsor, created_by=actor, drafts=drafts, file_format="xml")


def cas_export_zip(*, sponsor_id) -> bytes:
    """CAS numbers and statuses as a ZIP holding one XML file in the shipped schema's namespace."""
    root = etree.Element(f"{{{CAS_NAMESPACE}}}CASStatusReport", nsmap={None: CAS_NAMESPACE})
    root.set("generated", timezone.now().isoformat(timespec="seconds"))
    cas = Certificate.objects.filter(sponsor_id=sponsor_id, kind=Certificate.Kind.CAS).order_by("created_at", "id")
    for certificate in cas.iterator(chunk_size=2000):
        item = etree.SubElement(root, f"{{{CAS_NAMESPACE}}}CASStatus")
        etree.SubElement(item, f"{{{CAS_NAMESPACE}}}Reference").text = certificate.reference or ""
        etree.SubElement(item, f"{{{CAS_NAMESPACE}}}FamilyName").text = certificate.family_name
        etree.SubElement(item, f"{{{CAS_NAMESPACE}}}Status").text = certificate.status
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "cas-statuses.xml", etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        )
    return buffer.getvalue()
