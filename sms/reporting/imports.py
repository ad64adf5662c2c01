"""Facts from an HR system's CSV export: validated as a whole, errors by row and column, all or nothing.

Each row is checked by the same form as the page that records one fact, then by the same service.

Each row names the person by their certificate reference and gives one fact, in the template's columns.
"""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates.models import REFERENCE_LENGTH
from sms.core.exceptions import DomainError
from sms.core.imports import FileError, ImportRefused, csv_rows
from sms.reporting.forms import FactForm
from sms.reporting.models import Fact, SponsoredPerson, fact_applies
from sms.reporting.services.facts import fact_record

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10000
COLUMNS = [
    "certificate_reference", "fact", "start_date", "end_date", "authorised", "pay", "leave_reason", "end_reason",
    "new_salary_gbp", "new_value", "notes",
]  # fmt: skip


def facts_template() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        ["CACD3479KXY", "absence", "2026-11-02", "2026-11-16", "no", "unpaid", "", "", "", "", "No contact"]
    )
    return out.getvalue()


# The form field each column feeds, where the names differ.
FORM_FIELD = {"new_salary_gbp": "new_salary"}
COLUMN_FOR_FIELD = {field: column for column, field in FORM_FIELD.items()}


def _row_form(row: dict, kind: str) -> FactForm:
    """The page's form for this kind of fact, bound to the row's cells (so each field rule is written once)."""
    data = {FORM_FIELD.get(column, column): str(row.get(column) or "").strip() for column in COLUMNS[2:]}
    for column in ("authorised", "pay", "leave_reason", "end_reason"):
        data[column] = data[column].lower()
    return FactForm(data=data, kind=kind)


def _row_errors(number: int, form: FactForm) -> list[FileError]:
    return [
        FileError(number, COLUMN_FOR_FIELD.get(field, field) if field != "__all__" else "", message)
        for field, messages in form.errors.items()
        for message in messages
    ]


@transaction.atomic
def facts_import_csv(*, sponsor, actor, upload) -> int:
    """Record every row's fact, or none: any bad cell or refused fact names its row and column."""
    require(actor, Action.REPORT_ACTIVITY, sponsor)
    rows = csv_rows(upload, columns=COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, noun="fact")
    return facts_import_rows(sponsor=sponsor, actor=actor, rows=rows, source="csv")


@transaction.atomic
def facts_import_rows(*, sponsor, actor, rows: list[tuple[int, dict]], source: str = "api") -> int:
    """Record every row's fact, or none (a CSV file's rows, or a batch an HR system sends to the API):
    each row is a dict of the template's COLUMNS, as text; errors name the row and column."""
    require(actor, Action.REPORT_ACTIVITY, sponsor)
    if not rows or len(rows) > MAX_ROWS:
        raise ImportRefused([FileError(None, "", f"Send between 1 and {MAX_ROWS} facts at once")])
    references = {str(row.get("certificate_reference") or "").strip() for _, row in rows}
    people = {
        person.certificate.reference: person
        for person in SponsoredPerson.objects.filter(
            sponsor=sponsor, certificate__reference__in=[ref for ref in references if len(ref) == REFERENCE_LENGTH]
        ).select_related("certificate")
    }
    # Every row is checked, by the page's form and then by the service, before the file is refused,
    # so one upload shows every problem in it.
    errors, recorded = [], 0
    for number, row in rows:
        reference = str(row.get("certificate_reference") or "").strip()
        person = people.get(reference)
        kind = str(row.get("fact") or "").strip()
        row_errors = []
        if person is None:
            row_errors.append(
                FileError(number, "certificate_reference", "no one on your worker register has this certificate")
            )
        if kind not in Fact.Kind.values:
            row_errors.append(FileError(number, "fact", f"must be one of {', '.join(Fact.Kind.values)}"))
        elif person is not None and not fact_applies(kind, person.kind):
            row_errors.append(FileError(number, "fact", f"{kind} cannot be recorded about a {person.kind}"))
        form = _row_form(row, kind)
        if not form.is_valid():
            row_errors.extend(_row_errors(number, form))
        if row_errors:
            errors.extend(row_errors)
            continue
        try:
            with transaction.atomic():
                fact_record(person=person, actor=actor, kind=kind, **form.values())
        except DomainError as error:
            errors.append(FileError(number, getattr(error, "field", "") or "fact", str(error)))
            continue
        except PermissionDenied:
            errors.append(FileError(number, "certificate_reference", "you may not record facts about this person"))
            continue
        recorded += 1
    if errors:
        raise ImportRefused(errors)  # rolls back every fact recorded above
    audit.record(actor=actor, verb=Verb.FACTS_IMPORTED, sponsor=sponsor, payload={"rows": recorded, "source": source})
    return recorded
