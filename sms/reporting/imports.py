"""Facts from an HR system's CSV export: validated as a whole, errors by row and column, all or nothing.

Each row names the person by their certificate reference and gives one fact, in the template's columns.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.core.exceptions import DomainError
from sms.core.imports import FileError, ImportRefused
from sms.reporting.models import Fact, SponsoredPerson
from sms.reporting.services.facts import fact_record

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10000
COLUMNS = [
    "certificate_reference", "fact", "start_date", "end_date", "authorised", "paid", "leave_reason",
    "new_salary_gbp", "new_value", "notes",
]  # fmt: skip


def facts_template() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(["CACD3479KXY", "absence", "2026-11-02", "2026-11-13", "no", "no", "", "", "", "No contact"])
    return out.getvalue()


def _date(value: str, column: str, required: bool):
    value = value.strip()
    if not value:
        if required:
            raise ValueError(f"{column}: must not be empty")
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(f"{column}: must be a date like 2026-11-02")


def _yes_no(value: str, column: str):
    value = value.strip().lower()
    if not value:
        return None
    if value not in ("yes", "no"):
        raise ValueError(f"{column}: must be yes or no")
    return value == "yes"


def _row_values(row: dict) -> dict:
    """Parse one row; raises ValueError("column: message") at the first bad cell of each kind."""
    problems, values = [], {}
    kind = (row.get("fact") or "").strip()
    if kind not in Fact.Kind.values:
        problems.append(f"fact: must be one of {', '.join(Fact.Kind.values)}")
    values["kind"] = kind
    for column, key, required in (("start_date", "start_date", True), ("end_date", "end_date", False)):
        try:
            values[key] = _date(row.get(column) or "", column, required)
        except ValueError as error:
            problems.append(str(error))
    for column in ("authorised", "paid"):
        try:
            values[column] = _yes_no(row.get(column) or "", column)
        except ValueError as error:
            problems.append(str(error))
    reason = (row.get("leave_reason") or "").strip()
    if reason not in Fact.LeaveReason.values:
        problems.append("leave_reason: must be blank or one of " + ", ".join(v for v in Fact.LeaveReason.values if v))
    values["leave_reason"] = reason
    salary = (row.get("new_salary_gbp") or "").strip()
    if salary:
        try:
            values["new_salary_pence"] = int(Decimal(salary.replace(",", "")) * 100)
        except InvalidOperation:
            problems.append("new_salary_gbp: must be an amount in pounds, like 41700")
    values["new_value"] = (row.get("new_value") or "").strip()
    values["notes"] = (row.get("notes") or "").strip()
    if problems:
        raise ValueError(problems)
    return values


@transaction.atomic
def facts_import_csv(*, sponsor, actor, upload) -> int:
    """Record every row's fact, or none: any bad cell or refused fact names its row and column."""
    require(actor, Action.REPORT_ACTIVITY, sponsor)
    if upload.size > MAX_BYTES:
        raise ImportRefused([FileError(None, "", "The file must be smaller than 2MB")])
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([FileError(None, "", "The file must be a CSV file saved as UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    if [name.strip() for name in (reader.fieldnames or [])] != COLUMNS:
        raise ImportRefused([FileError(None, "", "The first row must be the template's column names, in order")])
    rows = list(reader)
    if not rows:
        raise ImportRefused([FileError(None, "", "The file has no facts in it")])
    if len(rows) > MAX_ROWS:
        raise ImportRefused([FileError(None, "", f"A file can hold at most {MAX_ROWS} facts")])
    references = {(row.get("certificate_reference") or "").strip() for row in rows}
    people = {
        person.certificate.reference: person
        for person in SponsoredPerson.objects.filter(
            sponsor=sponsor, certificate__reference__in=references
        ).select_related("certificate")
    }
    errors, parsed = [], []
    for number, row in enumerate(rows, start=2):
        reference = (row.get("certificate_reference") or "").strip()
        person = people.get(reference)
        if person is None:
            errors.append(
                FileError(number, "certificate_reference", "no one on your worker register has this certificate")
            )
        try:
            values = _row_values(row)
        except ValueError as error:
            for problem in error.args[0]:
                column, message = problem.split(": ", 1)
                errors.append(FileError(number, column, message))
            continue
        if person is not None:
            parsed.append((number, person, values))
    if errors:
        raise ImportRefused(errors)
    for number, person, values in parsed:
        try:
            fact_record(person=person, actor=actor, **values)
        except DomainError as error:
            errors.append(FileError(number, "fact", str(error)))
        except PermissionDenied:
            errors.append(FileError(number, "certificate_reference", "you may not record facts about this person"))
    if errors:
        raise ImportRefused(errors)  # rolls back every fact recorded above
    audit.record(actor=actor, verb=Verb.FACTS_IMPORTED, sponsor=sponsor, payload={"rows": len(parsed)})
    return len(parsed)
