"""The Home Office queues as one list: every case waiting, from every app, searched, filtered,
sorted and paginated in the database (a UNION ALL of one query per kind of case).

Each part has the same columns (``c_*``); the page shows a slice of the union, so a page costs the
same few queries however many sponsors and cases there are. The due date is the service level in
force on the day the case arrived (``ServiceLevel``) counted in Home Office working days (England
and Wales); the database sorts on it through a CASE over the (service, day) pairs the queues hold.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncDate

from sms.casework.models import CaseAssignment, CaseType, ServiceLevel
from sms.certificates.models import AllocationRequest, DefinedCosRequest
from sms.compliance.selectors import representations_awaiting_decision
from sms.core.dates import Nation, add_working_days
from sms.core.selectors import closure_days
from sms.licensing.models import LicenceApplication, SponsorRequest
from sms.reporting.models import Obligation

HOME_OFFICE_NATION = Nation.ENGLAND_AND_WALES


@dataclass(frozen=True)
class Queue:
    key: str
    label: str


QUEUES = [
    Queue("applications", "Licence applications"),
    Queue("renewals", "Renewals"),
    Queue("variations", "Variations"),
    Queue("additional_level_1", "Additional Level 1 requests"),
    Queue("allocation_requests", "Allocation requests"),
    Queue("defined_cos", "Defined CoS requests"),
    Queue("representations", "Suspension representations"),
    Queue("reports", "Reports received"),
]
QUEUE_LABELS = {queue.key: queue.label for queue in QUEUES}
COLUMNS = (
    "c_type",
    "c_id",
    "c_uuid",
    "c_ref",
    "c_queue",
    "c_service",
    "c_sponsor_id",
    "c_sponsor_name",
    "c_licence",
    "c_received",
    "c_late",
    "c_assignee",
    "c_due",
)
SORTS = {
    "due": ("c_due", "c_received", "c_id"),
    "oldest": ("c_received", "c_id"),
    "newest": ("-c_received", "-c_id"),
}


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _assignee(case_type: str) -> Subquery:
    return Subquery(
        CaseAssignment.objects.filter(case_type=case_type, case_id=OuterRef("pk")).values("assigned_to_id")[:1],
        output_field=IntegerField(),
    )


def _sponsor_columns() -> dict:
    return {
        "c_sponsor_id": F("sponsor_id"),
        "c_sponsor_name": F("sponsor__name"),
        "c_licence": F("sponsor__licence__number"),
        "c_company": F("sponsor__registered_number"),
    }


def _received_when_paid() -> Coalesce:
    """A request with a fee (a renewal, a priority allocation request) reaches the Home Office, and
    its service level starts, when the fee is paid; any other request when it is made."""
    return Coalesce(F("paid_at"), F("created_at"))


def _sponsor_request_kinds() -> dict[str, list[str]]:
    return {
        "renewals": [SponsorRequest.Kind.RENEWAL],
        "variations": sorted(SponsorRequest.VARIATION_KINDS),
        "additional_level_1": [SponsorRequest.Kind.ADDITIONAL_LEVEL_1],
    }


SPONSOR_REQUEST_SERVICE = {
    "renewals": ServiceLevel.Kind.RENEWAL,
    "variations": ServiceLevel.Kind.VARIATION,
    "additional_level_1": ServiceLevel.Kind.ADDITIONAL_LEVEL_1,
}


def _parts() -> dict[str, QuerySet]:
    """Every waiting case of each model, with the common columns (before search and filters)."""
    request_queue = Case(
        *[When(kind__in=kinds, then=_text(key)) for key, kinds in _sponsor_request_kinds().items()],
        output_field=CharField(),
    )
    request_service = Case(
        *[
            When(kind__in=kinds, then=_text(SPONSOR_REQUEST_SERVICE[key]))
            for key, kinds in _sponsor_request_kinds().items()
        ],
        output_field=CharField(),
    )
    return {
        "applications": LicenceApplication.objects.filter(status=LicenceApplication.Status.SUBMITTED).annotate(
            c_type=_text(CaseType.APPLICATION),
            c_queue=_text("applications"),
            c_service=_text(ServiceLevel.Kind.APPLICATION),
            c_sponsor_id=Value(None, output_field=IntegerField()),
            c_sponsor_name=KT("answers__organisation__name"),
            c_licence=_text(""),
            c_company=KT("answers__organisation__registered_number"),
            c_received=F("submitted_at"),
            c_late=Value(False, output_field=BooleanField()),
            c_assignee=_assignee(CaseType.APPLICATION),
        ),
        "sponsor_requests": SponsorRequest.objects.filter(status=SponsorRequest.Status.SUBMITTED).annotate(
            c_type=_text(CaseType.SPONSOR_REQUEST),
            c_queue=request_queue,
            c_service=request_service,
            **_sponsor_columns(),
            c_received=_received_when_paid(),
            c_late=Value(False, output_field=BooleanField()),
            c_assignee=_assignee(CaseType.SPONSOR_REQUEST),
        ),
        "allocation_requests": AllocationRequest.objects.filter(status=AllocationRequest.Status.SUBMITTED).annotate(
            c_type=_text(CaseType.ALLOCATION_REQUEST),
            c_queue=_text("allocation_requests"),
            c_service=Case(
                When(priority=True, then=_text(ServiceLevel.Kind.ALLOCATION_PRIORITY)),
                default=_text(ServiceLevel.Kind.ALLOCATION),
                output_field=CharField(),
            ),
            **_sponsor_columns(),
            c_received=_received_when_paid(),
            c_late=Value(False, output_field=BooleanField()),
            c_assignee=_assignee(CaseType.ALLOCATION_REQUEST),
        ),
        "defined_cos": DefinedCosRequest.objects.filter(status=DefinedCosRequest.Status.SUBMITTED).annotate(
            c_type=_text(CaseType.DEFINED_COS_REQUEST),
            c_queue=_text("defined_cos"),
            c_service=_text(ServiceLevel.Kind.DEFINED_COS),
            **_sponsor_columns(),
            c_received=F("created_at"),
            c_late=Value(False, output_field=BooleanField()),
            c_assignee=_assignee(CaseType.DEFINED_COS_REQUEST),
        ),
        "representations": representations_awaiting_decision().annotate(
            c_type=_text(CaseType.REPRESENTATION),
            c_queue=_text("representations"),
            c_service=_text(ServiceLevel.Kind.REPRESENTATION),
            **_sponsor_columns(),
            c_received=F("created_at"),
            c_late=F("late"),
            c_assignee=_assignee(CaseType.REPRESENTATION),
        ),
        "reports": Obligation.objects.filter(
            status__in=[Obligation.Status.REPORTED_ON_TIME, Obligation.Status.REPORTED_LATE]
        ).annotate(
            c_type=_text(CaseType.REPORT),
            c_queue=_text("reports"),
            c_service=_text(ServiceLevel.Kind.REPORT),
            **_sponsor_columns(),
            c_received=F("reported_at"),
            c_late=ExpressionWrapper(Q(status=Obligation.Status.REPORTED_LATE), output_field=BooleanField()),
            c_assignee=_assignee(CaseType.REPORT),
        ),
    }


# Which parts can hold a queue's cases (the sponsor requests' part holds three queues).
PART_OF_QUEUE = {
    "applications": "applications",
    "renewals": "sponsor_requests",
    "variations": "sponsor_requests",
    "additional_level_1": "sponsor_requests",
    "allocation_requests": "allocation_requests",
    "defined_cos": "defined_cos",
    "representations": "representations",
    "reports": "reports",
}


def _narrowed(*, queue: str = "", search: str = "", assignment: str = "", user=None) -> list[QuerySet]:
    parts = _parts()
    if queue in PART_OF_QUEUE:
        parts = {PART_OF_QUEUE[queue]: parts[PART_OF_QUEUE[queue]]}
    narrowed = []
    for name, part in parts.items():
        part = part.order_by()  # a part of a UNION may not have its own order
        if queue:
            part = part.filter(c_queue=queue)
        if search:
            term = search.strip()
            match = (
                Q(c_sponsor_name__icontains=term)
                | Q(c_licence__iexact=term)
                | Q(c_company__iexact=term)
                | Q(c_company__iexact=term.lstrip("0"))
            )
            if name != "reports":
                match |= Q(reference__iexact=term)
            part = part.filter(match)
        if assignment == "mine" and user is not None:
            part = part.filter(c_assignee=user.pk)
        elif assignment == "unassigned":
            part = part.filter(c_assignee__isnull=True)
        narrowed.append(part)
    return narrowed


def due_dates(pairs) -> dict[tuple[str, date], date]:
    """(service, day received) -> the day a decision is due: the service level in force on that day,
    counted in Home Office working days."""
    levels: dict[str, list[tuple[date, int]]] = {}
    for level in ServiceLevel.objects.order_by("-effective_from"):
        levels.setdefault(level.kind, []).append((level.effective_from, level.working_days))
    closures = closure_days(nation=HOME_OFFICE_NATION)
    due = {}
    for service, day in pairs:
        if day is None or service not in levels:
            continue
        days = next((n for start, n in levels[service] if start <= day), levels[service][-1][1])
        due[(service, day)] = add_working_days(day, days, nation=HOME_OFFICE_NATION, closures=closures)
    return due


def case_list(*, queue: str = "", search: str = "", assignment: str = "", sort: str = "due", user=None) -> QuerySet:
    """Every waiting case that matches, as rows of ``COLUMNS``, in the order asked for."""
    parts = [
        part.annotate(c_day=TruncDate("c_received"))
        for part in _narrowed(queue=queue, search=search, assignment=assignment, user=user)
    ]
    days = (
        parts[0]
        .values_list("c_service", "c_day")
        .union(*[part.values_list("c_service", "c_day") for part in parts[1:]])
    )
    due = due_dates(days)
    if due:
        due_on = Case(
            *[When(c_service=service, c_day=day, then=Value(on)) for (service, day), on in due.items()],
            output_field=DateField(),
        )
    else:
        due_on = Value(None, output_field=DateField())
    rows = [
        part.annotate(c_id=F("pk"), c_uuid=F("uuid"), c_ref=_ref(part), c_due=due_on).values(*COLUMNS) for part in parts
    ]
    combined = rows[0].union(*rows[1:], all=True) if len(rows) > 1 else rows[0]
    return combined.order_by(*SORTS.get(sort, SORTS["due"]))


def _ref(part: QuerySet):
    if part.model is Obligation:
        return _text("")
    return F("reference")


def queue_counts() -> dict[str, dict]:
    """Cases waiting in each queue (and, for reports, how many came late): one query per kind of case."""
    parts = _parts()
    counts = {queue.key: {"total": 0, "late": 0} for queue in QUEUES}
    for part in parts.values():
        grouped = part.order_by().values("c_queue").annotate(total=Count("pk"), late=Count("pk", filter=Q(c_late=True)))
        for row in grouped:
            counts[row["c_queue"]] = {"total": row["total"], "late": row["late"]}
    return counts
