"""Bulk data: CoS drafts from a CSV file, CAS from XML (domain.md section 8).

Each file is validated as a whole: every error names its row (or element) and column, and nothing
is created unless every row is valid. XML is parsed with external entities, DTDs and network
access off, size-bounded, and validated against the schema the project ships.
"""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from lxml import etree

from sms.accounts.models import Sponsor
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates import rules
from sms.certificates.models import Certificate
from sms.certificates.services.certificates import assignment_context, certificate_save_draft
from sms.core.csv_export import neutralise
from sms.core.imports import FileError, ImportRefused
from sms.licensing.models import Route

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_XML_BYTES = 5 * 1024 * 1024
CAS_NAMESPACE = "urn:sponsor-management-system:cas-batch:1"
CAS_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "data" / "cas_batch.xsd"

# Template columns: (column, certificate field, kind, required)
CSV_COLUMNS = [
    ("family_name", "family_name", "text", True),
    ("given_names", "given_names", "text", True),
    ("nationality", "nationality", "text", True),
    ("date_of_birth", "date_of_birth", "date", True),
    ("place_of_birth", "place_of_birth", "text", False),
    ("country_of_birth", "country_of_birth", "text", False),
    ("gender", "gender", "text", False),
    ("country_of_residence", "country_of_residence", "text", False),
    ("passport_number", "passport_number", "text", True),
    ("passport_issue_date", "passport_issue_date", "date", False),
    ("passport_expiry_date", "passport_expiry_date", "date", False),
    ("home_address", "home_address", "text", False),
    ("ni_number", "ni_number", "text", False),
    ("employee_number", "employee_number", "text", False),
    ("route", "route", "route", True),
    ("is_extension", "is_extension", "yes_no", False),
    ("job_title", "job_title", "text", True),
    ("soc_code", "soc_code", "soc", True),
    ("job_summary", "job_summary", "text", True),
    ("salary_gbp", "salary_pence", "pounds", True),
    ("allowances_gbp", "allowances_pence", "pounds", False),
    ("weekly_hours", "weekly_hours", "hours", True),
    ("start_date", "start_date", "date", True),
    ("end_date", "end_date", "date", True),
    ("work_address", "work_address", "text", True),
    ("other_work_sites", "other_work_sites", "text", False),
]
COLUMN_FOR_FIELD = {field: column for column, field, _, _ in CSV_COLUMNS}


def csv_template() -> str:
    """The header row and one example row, for the downloadable template."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column for column, *_ in CSV_COLUMNS])
    example = {
        "family_name": "Okoro", "given_names": "Ada", "nationality": "Nigerian", "date_of_birth": "1990-05-17",
        "passport_number": "A12345678", "route": "skilled_worker", "is_extension": "no",
        "job_title": "Software developer",
        "soc_code": "2134", "job_summary": "Builds software", "salary_gbp": "52000", "weekly_hours": "37.5",
        "start_date": "2027-01-04", "end_date": "2030-01-03", "work_address": "12 Mill Lane, Leeds",
    }  # fmt: skip
    writer.writerow([neutralise(example.get(column, "")) for column, *_ in CSV_COLUMNS])
    return out.getvalue()


def _parse_value(kind: str, raw: str):
    value = raw.strip()
    if value == "":
        return None
    if kind == "text":
        return value
    if kind == "date":
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date, no time
            except ValueError:
                continue
        raise ValueError("must be a date like 2027-01-04")
    if kind == "route":
        if value not in Route.values:
            raise ValueError("must be a route code from the template's guidance, like skilled_worker")
        return value
    if kind == "yes_no":
        if value.lower() not in ("yes", "no"):
            raise ValueError("must be yes or no")
        return value.lower() == "yes"
    if kind == "soc":
        if not (len(value) == 4 and value.isdigit()):
            raise ValueError("must be a 4-digit SOC 2020 code")
        return value
    if kind == "pounds":
        try:
            amount = Decimal(value.replace(",", "").replace("£", ""))
        except InvalidOperation:
            raise ValueError("must be an amount in pounds, like 41700") from None
        if amount < 0:
            raise ValueError("must not be negative")
        return int(amount * 100)
    if kind == "hours":
        try:
            hours = Decimal(value)
        except InvalidOperation:
            raise ValueError("must be a number of hours, like 37.5") from None
        if not 0 < hours <= 99:
            raise ValueError("must be between 0 and 99")
        return hours
    raise AssertionError(kind)


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
    if reader.fieldnames is None or [name.strip() for name in reader.fieldnames] != expected:
        raise ImportRefused([FileError(None, "", "The first row must be the template's column names, in order")])
    errors: list[FileError] = []
    parsed: list[tuple[int, dict]] = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportRefused([FileError(None, "", f"A file can hold at most {MAX_ROWS} certificates")])
        data, row_ok = {}, True
        for column, field, kind, required in CSV_COLUMNS:
            try:
                value = _parse_value(kind, row.get(column) or "")
            except ValueError as error:
                errors.append(FileError(number, column, str(error)))
                row_ok = False
                continue
            if value is None and required:
                errors.append(FileError(number, column, "must not be empty"))
                row_ok = False
            data[field] = value if value is not None else ("" if kind in ("text", "soc", "route") else None)
        if data.get("is_extension") is None:
            data["is_extension"] = False
        if row_ok:
            parsed.append((number, data))
    if not parsed and not errors:
        raise ImportRefused([FileError(None, "", "The file has no certificates in it")])
    created = []
    today = timezone.localdate()
    for number, data in parsed:
        certificate = certificate_save_draft(sponsor=sponsor, actor=actor, data=data)
        check = rules.check_assignment(certificate, assignment_context(certificate, today))
        errors.extend(FileError(number, COLUMN_FOR_FIELD.get(p.field, p.field), p.message) for p in check.problems)
        created.append(certificate)
    if errors:
        # Nothing is kept: the transaction is rolled back by raising.
        raise ImportRefused(sorted(errors, key=lambda error: (error.row or 0, error.column)))
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
        values = {
            "family_name": _text(element, "FamilyName"),
            "given_names": _text(element, "GivenNames"),
            "nationality": _text(element, "Nationality"),
            "date_of_birth": date.fromisoformat(_text(element, "DateOfBirth")),
            "passport_number": _text(element, "PassportNumber"),
            "route": _text(element, "Route"),
            "job_title": _text(element, "CourseTitle"),
            "start_date": date.fromisoformat(_text(element, "CourseStartDate")),
            "end_date": date.fromisoformat(_text(element, "CourseEndDate")),
            "work_address": _text(element, "StudyAddress"),
        }
        certificate = certificate_save_draft(sponsor=sponsor, actor=actor, data=values)
        check = rules.check_assignment(certificate, assignment_context(certificate, today))
        errors.extend(FileError(element.sourceline, p.field, p.message) for p in check.problems)
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
