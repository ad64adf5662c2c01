"""Bulk data: CoS drafts from a CSV file, CAS from XML (domain.md section 8).

Each file is validated as a whole: every error names its row (or element) and column, and nothing
is created unless every row is valid. XML is parsed with external entities, DTDs and network
access off, size-bounded, and validated against the schema the project ships.
"""

import csv
import io
import zipfile
from datetime import date
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
from sms.certificates.services.certificates import assignment_context, certificate_save_draft
from sms.core.csv_export import neutralise
from sms.core.imports import FileError, ImportRefused

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
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
        value = (row.get(column) or "").strip()
        if not value and required:
            problems.append((column, "must not be empty"))
        if field in YES_NO_FIELDS:
            if value and value.lower() not in ("yes", "no"):
                problems.append((column, "must be yes or no"))
            value = "on" if value.lower() == "yes" else ""
        data[field] = value
    return CertificateForm(data=data), problems


def _decode(upload, limit: int) -> bytes:
    if upload.size > limit:
        raise ImportRefused([FileError(None, "", f"The file must be smaller than {limit // (1024 * 1024)}MB")])
    return upload.read()


@transaction.atomic
def certificates_import_csv(*, sponsor: Sponsor, actor, upload) -> list[Certificate]:
    """Create a draft CoS for every row, or none: every row must be well formed and pass the
    assignment rules (apart from the allocation, checked when each is assigned)."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    try:
        text = _decode(upload, MAX_CSV_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([FileError(None, "", "The file must be a CSV file saved as UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    expected = [column for column, *_ in CSV_COLUMNS]
    header = [name.strip() for name in reader.fieldnames or []]
    if header not in (expected, expected[:-LATER_COLUMNS]):
        raise ImportRefused([FileError(None, "", "The first row must be the template's column names, in order")])
    errors: list[FileError] = []
    rows: list[dict] = []
    today = timezone.localdate()
    contexts: dict[tuple[str, str], rules.AssignmentContext] = {}
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportRefused([FileError(None, "", f"A file can hold at most {MAX_ROWS} certificates")])
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
    if not rows and not errors:
        raise ImportRefused([FileError(None, "", "The file has no certificates in it")])
    if errors:
        raise ImportRefused(sorted(errors, key=lambda error: (error.row or 0, error.column)))
    created = [certificate_save_draft(sponsor=sponsor, actor=actor, data=data) for data in rows]
    audit.record(
        actor=actor, verb=Verb.CERTIFICATES_IMPORTED, sponsor=sponsor, payload={"format": "csv", "count": len(created)}
    )
    return created


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


def _text(element, name: str) -> str:
    child = element.find(f"{{{CAS_NAMESPACE}}}{name}")
    return (child.text or "").strip() if child is not None else ""


@transaction.atomic
def cas_import_xml(*, sponsor: Sponsor, actor, upload) -> list[Certificate]:
    """Create a draft CAS for every <CAS> element of a batch file valid against the shipped schema."""
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    data = _decode(upload, MAX_XML_BYTES)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ImportRefused([FileError(None, "", "The file must not contain a DOCTYPE or entity declarations")])
    try:
        document = etree.fromstring(data, _cas_parser())
    except etree.XMLSyntaxError as error:
        raise ImportRefused([FileError(error.lineno, "", f"The file is not well-formed XML: {error.msg}")]) from None
    schema = cas_schema()
    if not schema.validate(document):
        raise ImportRefused([FileError(entry.line, "", entry.message) for entry in schema.error_log][:100])
    created, errors = [], []
    today = timezone.localdate()
    elements = document.findall(f"{{{CAS_NAMESPACE}}}CAS")
    if len(elements) > MAX_ROWS:
        raise ImportRefused([FileError(None, "", f"A file can hold at most {MAX_ROWS} CAS")])
    for element in elements:
        values = {field: _text(element, name) for field, name in CAS_ELEMENT_FOR_FIELD.items()}
        bad_dates = []
        for field in ("date_of_birth", "start_date", "end_date"):
            try:
                values[field] = date.fromisoformat(values[field])
            except ValueError:
                bad_dates.append(
                    FileError(element.sourceline, CAS_ELEMENT_FOR_FIELD[field], "must be a date like 2026-03-27")
                )
        if bad_dates:
            errors.extend(bad_dates)
            continue
        certificate = certificate_save_draft(sponsor=sponsor, actor=actor, data=values)
        check = rules.check_assignment(certificate, assignment_context(certificate, today))
        errors.extend(
            FileError(element.sourceline, CAS_ELEMENT_FOR_FIELD.get(p.field, p.field), p.message)
            for p in check.problems
        )
        created.append(certificate)
    if errors:
        raise ImportRefused(errors)
    audit.record(
        actor=actor, verb=Verb.CERTIFICATES_IMPORTED, sponsor=sponsor, payload={"format": "xml", "count": len(created)}
    )
    return created


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
