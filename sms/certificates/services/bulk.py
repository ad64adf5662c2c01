"""Bulk data: CoS drafts from a CSV file, CAS from XML (domain.md section 8).

Each file is validated as a whole: every error names its row (or element) and column, and nothing
is created unless every row is valid. XML is parsed with external entities, DTDs and network
access off, size-bounded, and validated against the schema the project ships.
"""

import csv
import io
import re
import zipfile
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from lxml import etree

from sms.accounts.models import Sponsor
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates import rules
from sms.certificates.forms import CertificateForm
from sms.certificates.models import Certificate
from sms.certificates.services.certificates import assignment_context, draft_build, kind_for_route
from sms.core.csv_export import neutralise
from sms.core.imports import FileError, ImportRefused, csv_rows, read_upload

# Kept until large files are imported in the background: a file these limits accept must finish
# within the request (docs/decisions.md, "Lists, searches, imports and assignment at scale").
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
BULK_BATCH = 1000
MAX_XML_BYTES = 5 * 1024 * 1024
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


def _row_form(row: dict) -> tuple[CertificateForm, list[tuple[str, str]]]:
    """The certificate form bound to one CSV row, and the row's own errors (empty required cells,
    a yes/no column that is neither)."""
    data, problems = {}, []
    for column, field, required in CSV_COLUMNS:
        value = row.get(column)
        # A JSON batch may send true/false and numbers; a CSV file sends text.
        value = ("yes" if value else "no") if isinstance(value, bool) else str("" if value is None else value).strip()
        if not value and required:
            problems.append((column, "must not be empty"))
        if field in YES_NO_FIELDS:
            if value and value.lower() not in ("yes", "no"):
                problems.append((column, "must be yes or no"))
            value = "on" if value.lower() == "yes" else ""
        data[field] = value
    return CertificateForm(data=data), problems


@transaction.atomic
def certificates_import_csv(*, sponsor: Sponsor, actor, upload) -> list[Certificate]:
    """Create a draft CoS for every row, or none: every row must be well formed and pass the
    assignment rules (apart from the allocation, checked when each is assigned)."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    records = csv_rows(
        upload,
        columns=[column for column, *_ in CSV_COLUMNS],
        max_bytes=MAX_CSV_BYTES,
        max_rows=MAX_ROWS,
        noun="certificate",
        optional_last=LATER_COLUMNS,
    )
    return certificates_import_rows(sponsor=sponsor, actor=actor, records=records, source="csv")


@transaction.atomic
def certificates_import_rows(
    *, sponsor: Sponsor, actor, records: list[tuple[int, dict]], source: str = "api"
) -> list[Certificate]:
    """Create a draft for every row, or none (a CSV file's rows, or a batch sent to the API): each
    row is a dict of the template's columns, as text, checked like a CSV row."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    if not records or len(records) > MAX_ROWS:
        raise ImportRefused([FileError(None, "", f"Send between 1 and {MAX_ROWS} certificates at once")])
    errors: list[FileError] = []
    rows: list[dict] = []
    today = timezone.localdate()
    contexts: dict[tuple[str, str], rules.AssignmentContext] = {}
    for number, row in records:
        form, problems = _row_form(row)
        errors.extend(FileError(number, column, message) for column, message in problems)
        valid = form.is_valid() and not problems
        bad_fields = set(form.errors) | {field for column, field, _ in CSV_COLUMNS if column in dict(problems)}
        errors.extend(
            FileError(number, COLUMN_FOR_FIELD.get(field, field), message)
            for field, messages in form.errors.items()
            if COLUMN_FOR_FIELD.get(field, field) not in dict(problems)
            for message in messages
        )
        data = {field: value for field, value in form.cleaned_data.items() if field not in bad_fields}
        # The assignment rules run on what the form accepted, so one pass reports every error in the row.
        candidate = Certificate(sponsor=sponsor, **data)
        key = (candidate.route, candidate.soc_code)
        if key not in contexts:  # rows for the same route and occupation share what the rules read
            contexts[key] = assignment_context(candidate, today)
        check = rules.check_assignment(candidate, contexts[key])
        errors.extend(
            FileError(number, COLUMN_FOR_FIELD.get(problem.field, problem.field), problem.message)
            for problem in check.problems
            if problem.field not in bad_fields
        )
        if valid:
            rows.append(form.cleaned_data)
    if errors:
        raise ImportRefused(sorted(errors, key=lambda error: (error.row or 0, error.column)))
    return drafts_create_many(sponsor=sponsor, created_by=actor, rows=rows, file_format=source)


def drafts_create_many(*, sponsor: Sponsor, created_by, rows: list[dict], file_format: str) -> list[Certificate]:
    """Save a validated file's drafts set-based: each is built and checked as ``certificate_save_draft``
    builds and checks one (the same fields, stripped, and the model's field rules), then all go in
    with one INSERT per thousand rows and are audited together: a "drafted" entry each, as a draft
    saved by hand has, then the import itself, all by ``created_by``. For the import services, which
    ask the policy first; call inside the import's transaction."""
    drafts = [draft_build(sponsor=sponsor, created_by=created_by, data=data) for data in rows]
    Certificate.objects.bulk_create(drafts, batch_size=BULK_BATCH)
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


def _cas_form(element) -> tuple[CertificateForm, list[tuple[str, str]]]:
    """The certificate page's form bound to one <CAS>, and the element's own date problems."""
    values = {field: _text(element, name) for field, name in CAS_ELEMENT_FOR_FIELD.items()}
    problems = []
    for field in CAS_DATE_FIELDS:
        if not CAS_DATE.fullmatch(values[field]):
            problems.append((field, "must be a date like 2026-03-27"))
            values[field] = ""
    return CertificateForm(data=values), problems


@transaction.atomic
def cas_import_xml(*, sponsor: Sponsor, actor, upload) -> list[Certificate]:
    """Create a draft CAS for every <CAS> element of a batch file valid against the shipped schema,
    or none: each element is checked by the certificate page's form, then by the assignment rules."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    document = _cas_document(read_upload(upload, MAX_XML_BYTES))
    elements = document.findall(f"{{{CAS_NAMESPACE}}}CAS")
    if len(elements) > MAX_ROWS:
        raise ImportRefused([FileError(None, "", f"A file can hold at most {MAX_ROWS} CAS")])
    errors, rows = [], []
    today = timezone.localdate()
    contexts: dict[str, rules.AssignmentContext] = {}
    for element in elements:
        line = element.sourceline
        form, problems = _cas_form(element)
        valid = form.is_valid() and not problems
        bad_fields = set(form.errors) | {field for field, _ in problems}
        errors.extend(FileError(line, CAS_ELEMENT_FOR_FIELD[field], message) for field, message in problems)
        errors.extend(
            FileError(line, CAS_ELEMENT_FOR_FIELD.get(field, field), message)
            for field, messages in form.errors.items()
            for message in messages
        )
        data = {field: value for field, value in form.cleaned_data.items() if field not in bad_fields}
        candidate = Certificate(sponsor=sponsor, kind=kind_for_route(data.get("route", "")), **data)
        if candidate.route not in contexts:  # the rules read the same licence and route for every CAS
            contexts[candidate.route] = assignment_context(candidate, today)
        check = rules.check_assignment(candidate, contexts[candidate.route])
        errors.extend(
            FileError(line, CAS_ELEMENT_FOR_FIELD.get(problem.field, problem.field), problem.message)
            for problem in check.problems
            if problem.field not in bad_fields
        )
        if valid:
            rows.append(form.cleaned_data)
    if errors:
        raise ImportRefused(errors)
    return drafts_create_many(sponsor=sponsor, created_by=actor, rows=rows, file_format="xml")


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
