"""Certificates of Sponsorship and CAS: drafts, assignment, withdrawal, notes, use, expiry, and
defined CoS requests (domain.md section 3). Every status change is checked against
``Certificate.TRANSITIONS`` with the row locked, and audited."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Subquery
from django.urls import reverse
from django.utils import timezone

from sms.accounts.models import Sponsor
from sms.accounts.notices import sponsor_tell
from sms.accounts.policy import Action, require
from sms.audit import services as audit
from sms.audit.models import Verb
from sms.certificates import rules
from sms.certificates.models import (
    Certificate,
    DefinedCosRequest,
    Occupation,
    OccupationTable,
    SalaryThreshold,
    certificate_reference,
)
from sms.certificates.services.allocations import allocation_consume
from sms.core.exceptions import DomainError
from sms.core.fees import fee_in_force
from sms.core.lifecycle import check_transition, lock, sources_of, transition
from sms.core.limits import DATE_RANGE, date_in_range
from sms.core.models import FeeRate
from sms.core.selectors import fee_rates
from sms.core.signals import status_changed
from sms.licensing.models import ROUTE_CATEGORY, Licence, LicenceRoute, Route, RouteCategory
from sms.notifications.models import Notice

Status = Certificate.Status
# Fields a person types; everything else is set by the services.
EDITABLE_FIELDS = (
    "family_name", "given_names", "nationality", "date_of_birth", "place_of_birth", "country_of_birth", "gender",
    "country_of_residence", "passport_number", "passport_issue_date", "passport_expiry_date", "home_address",
    "ni_number", "employee_number", "route", "is_extension", "job_title", "soc_code", "job_summary", "salary_pence",
    "allowances_pence", "weekly_hours", "salary_option", "switching_from_student", "start_date", "end_date",
    "work_address", "other_work_sites",
)  # fmt: skip


class AssignmentRefused(DomainError):
    """The certificate fails one or more assignment rules; ``problems`` names each field and rule."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


def kind_for_route(route: str) -> str:
    return Certificate.Kind.CAS if ROUTE_CATEGORY.get(route) == RouteCategory.STUDENT else Certificate.Kind.COS


@transaction.atomic
def certificate_save_draft(
    *, sponsor: Sponsor, actor, data: dict, certificate: Certificate | None = None
) -> Certificate:
    """Create or update a draft. A draft can be saved once the family name is entered; drafts
    survive sign-out (they are rows, not session data)."""
    require(actor, Action.CREATE_CERTIFICATE, certificate or sponsor)
    if not (data.get("family_name") or "").strip():
        raise DomainError("Enter the worker's family name to save a draft")
    if certificate is None:
        certificate = Certificate(sponsor=sponsor, created_by=actor)
        created = True
    else:
        certificate = lock(Certificate, certificate.pk)
        created = False
        if certificate.sponsor_id != sponsor.pk:
            raise PermissionDenied
        if certificate.status != Status.DRAFT:
            raise DomainError("Only a draft can be changed; add a sponsor note to an assigned certificate")
        if (
            hasattr(certificate, "defined_request")
            and certificate.defined_request.status != DefinedCosRequest.Status.SUBMITTED
        ):
            raise DomainError("A decided defined CoS request cannot be changed")
    changed = _fill_draft(certificate, data)
    certificate.save()
    # Every save is audited: the first with the kind, each later edit with the fields it changed.
    payload = {"kind": certificate.kind} if created else {"kind": certificate.kind, "changed": sorted(changed)}
    audit.record(actor=actor, verb=Verb.CERTIFICATE_DRAFTED, target=certificate, sponsor=sponsor, payload=payload)
    return certificate


def _fill_draft(certificate: Certificate, data: dict) -> list[str]:
    """Set the typed fields from ``data`` (stripped), the kind from the route, and check the model's
    field rules; the names of the fields that changed."""
    changed = []
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            value = value.strip() if isinstance(value, str) else value
            if getattr(certificate, name) != value:
                changed.append(name)
            setattr(certificate, name, value)
    if certificate.route:
        certificate.kind = kind_for_route(certificate.route)
    _check_fields(certificate)
    return changed


def draft_build(*, sponsor: Sponsor, created_by, data: dict) -> Certificate:
    """A new draft, unsaved, built and checked as ``certificate_save_draft`` would save it: for imports,
    which save many at once (sms.certificates.services.bulk) and have asked the policy first."""
    if not (data.get("family_name") or "").strip():
        raise DomainError("Enter the worker's family name to save a draft")
    certificate = Certificate(sponsor=sponsor, created_by=created_by)
    _fill_draft(certificate, data)
    return certificate


def _check_fields(certificate: Certificate) -> None:
    """The model's own field rules (lengths, choices, hours and amounts in range), whoever calls: a
    value no form checked is refused with its rule, never left to the database to reject."""
    try:
        certificate.clean_fields(exclude=RELATIONS)
    except ValidationError as error:
        raise DomainError(
            "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        ) from None


RELATIONS = ("sponsor", "created_by", "assigned_by", "allocation")


def occupation_in_force(code: str, on: date) -> Occupation | None:
    """The occupation as the publication in force on ``on`` lists it (one query, with its publication)."""
    if not code:
        return None
    table_in_force = OccupationTable.objects.filter(effective_from__lte=on).order_by("-effective_from").values("pk")
    return Occupation.objects.select_related("table").filter(code=code, table=Subquery(table_in_force[:1])).first()


def threshold_in_force(route: str, on: date) -> SalaryThreshold | None:
    if not route:
        return None
    return SalaryThreshold.objects.filter(route=route, effective_from__lte=on).order_by("-effective_from").first()


def assignment_context(certificate: Certificate, today: date) -> rules.AssignmentContext:
    """Read what the assignment rules need from the database: a fixed number of queries, whatever the rules."""
    return _assignment_reads(certificate, today)[0]


def _assignment_reads(certificate: Certificate, today: date) -> tuple[rules.AssignmentContext, Licence]:
    """The assignment rules' context and the licence it was read from (with the route's rating), so
    assigning reads the licence once for the rules and the allocation year."""
    licence_route = (
        LicenceRoute.objects.filter(licence__sponsor_id=certificate.sponsor_id, route=certificate.route)
        .filter(removed_on__isnull=True)
        .values("rating")
    )
    licence = (
        Licence.objects.filter(sponsor_id=certificate.sponsor_id)
        .annotate(route_rating=Subquery(licence_route[:1]))
        .only("sponsor_id", "status", "start_date", "renewal_granted_on", "converted_from_tier2")
        .get()
    )
    occupation = occupation_in_force(certificate.soc_code, today)
    context = rules.AssignmentContext(
        today=today,
        licence_status=licence.status,
        route_rating=licence.route_rating,
        occupation=occupation,
        threshold=threshold_in_force(certificate.route, today),
        hours_basis=occupation.table.hours_per_week_basis if occupation else rules.AssignmentContext.hours_basis,
    )
    return context, licence


@dataclass(frozen=True)
class Costs:
    fee_pence: int
    skills_charge_pence: int
    skills_charge_exemption: str = ""  # why no Immigration Skills Charge is due, when it is not

    @property
    def total_pence(self) -> int:
        return self.fee_pence + self.skills_charge_pence


def certificate_costs(certificate: Certificate, on: date) -> Costs:
    """What assigning will charge, from the fee tables in force on ``on`` and the sponsor's size.

    CAS carry no fee. Temporary Worker routes, and International Sportsperson certificates of 12 months
    or less, pay the Temporary Worker CoS fee. The Skills Charge applies to Skilled Worker and Senior or
    Specialist Worker certificates, over the period from start to end date, unless an exemption applies.
    """
    if certificate.kind == Certificate.Kind.CAS:
        return Costs(0, 0)
    if not (date_in_range(certificate.start_date) and date_in_range(certificate.end_date)):
        raise DomainError(f"The costs cannot be worked out: the start and end dates must be between {DATE_RANGE}")
    category = ROUTE_CATEGORY.get(certificate.route)
    temporary = category == RouteCategory.TEMPORARY_WORKER or (
        certificate.route == Route.INTERNATIONAL_SPORTSPERSON
        and rules.sportsperson_short_stay(start=certificate.start_date, end=certificate.end_date)
    )
    fee_kind = FeeRate.Kind.COS_TEMPORARY_WORKER if temporary else FeeRate.Kind.COS_WORKER
    charge_kinds = (FeeRate.Kind.SKILLS_CHARGE_FIRST_YEAR, FeeRate.Kind.SKILLS_CHARGE_HALF_YEAR)
    rates = fee_rates(kinds=(fee_kind, *charge_kinds), on=on)  # every fee this certificate may charge, at once
    fee = fee_in_force(rates, kind=fee_kind, sponsor_size="", on=on)
    if not (certificate.route in rules.SKILLS_CHARGE_ROUTES and certificate.start_date and certificate.end_date):
        return Costs(fee, 0)
    exemption = rules.skills_charge_exemption(
        soc_code=certificate.soc_code,
        switching_from_student=certificate.switching_from_student,
        start=certificate.start_date,
        end=certificate.end_date,
    )
    if exemption:
        return Costs(fee, 0, exemption)
    # The sponsor is often loaded already (assigning locks the certificate with it).
    cached = Certificate.sponsor.is_cached(certificate)
    size = certificate.sponsor.size if cached else Sponsor.objects.only("size").get(pk=certificate.sponsor_id).size
    charge = rules.skills_charge(
        start=certificate.start_date,
        end=certificate.end_date,
        first_year_pence=fee_in_force(rates, kind=FeeRate.Kind.SKILLS_CHARGE_FIRST_YEAR, sponsor_size=size, on=on),
        half_year_pence=fee_in_force(rates, kind=FeeRate.Kind.SKILLS_CHARGE_HALF_YEAR, sponsor_size=size, on=on),
    )
    return Costs(fee, charge)


def _new_reference() -> str:
    for _ in range(5):
        reference = certificate_reference()
        if not Certificate.objects.filter(reference=reference).exists():
            return reference
    raise DomainError("Could not generate a unique reference number: try again")


@transaction.atomic
def certificate_assign(*, certificate: Certificate, actor) -> Certificate:
    """Assign a draft: check every rule, use one certificate from the allocation (undefined CoS and
    CAS), give it a reference number, record the fee and Skills Charge, start the validity clock."""
    require(actor, Action.CREATE_CERTIFICATE, certificate)
    # The row lock, with the sponsor read in the same statement (only the certificate row is locked).
    certificate = Certificate.objects.select_for_update(of=("self",)).select_related("sponsor").get(pk=certificate.pk)
    today = timezone.localdate()
    check_transition(certificate, Status.ASSIGNED)
    context, licence = _assignment_reads(certificate, today)
    check = rules.check_assignment(certificate, context)
    if not check.ok:
        raise AssignmentRefused(check.problems)
    if certificate.sponsorship == Certificate.Sponsorship.DEFINED:
        defined = getattr(certificate, "defined_request", None)
        if defined is None or defined.status != DefinedCosRequest.Status.GRANTED:
            raise DomainError("A defined CoS can be assigned only after the Home Office grants the request")
        if defined.assign_by and today > defined.assign_by:
            raise DomainError(f"This defined CoS had to be assigned by {defined.assign_by:%-d %B %Y}")
    else:
        certificate.allocation = allocation_consume(
            sponsor=certificate.sponsor, category=ROUTE_CATEGORY[certificate.route], on=today, licence=licence
        )
    costs = certificate_costs(certificate, today)
    certificate.reference = _new_reference()
    certificate.assigned_by = actor
    certificate.assigned_at = timezone.now()
    certificate.expires_on = rules.certificate_expiry(
        is_cas=certificate.kind == Certificate.Kind.CAS, assigned_on=today
    )
    certificate.fee_pence = costs.fee_pence
    certificate.skills_charge_pence = costs.skills_charge_pence
    transition(
        certificate,
        Status.ASSIGNED,
        extra_fields=(
            "reference",
            "assigned_by",
            "assigned_at",
            "expires_on",
            "fee_pence",
            "skills_charge_pence",
            "allocation",
        ),
    )
    audit.record(
        actor=actor,
        verb=Verb.CERTIFICATE_ASSIGNED,
        target=certificate,
        sponsor=certificate.sponsor,
        payload={
            "reference": certificate.reference,
            "route": certificate.route,
            "fee_pence": costs.fee_pence,
            "skills_charge_pence": costs.skills_charge_pence,
            "skills_charge_exemption": costs.skills_charge_exemption,
            "expires_on": certificate.expires_on.isoformat(),
        },
    )
    return certificate


def certificate_withdrawal_refusal(certificate: Certificate) -> str:
    """Why this certificate cannot be withdrawn now, or "" if it can: the page says so instead of
    offering a form, and the service refuses with the same words."""
    if certificate.status == Status.WITHDRAWN:
        when = timezone.localtime(certificate.closed_at) if certificate.closed_at else None
        on = f" on {when.day} {when:%B %Y}" if when else ""
        return f"This certificate was already withdrawn{on}"
    if certificate.status != Status.ASSIGNED:
        status = certificate.get_status_display().lower()
        return f"Only an assigned certificate can be withdrawn; its status is {status}"
    return ""


@transaction.atomic
def certificate_withdraw(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Withdraw an assigned certificate (Level 1: any; Level 2: only ones they created). It cannot be
    reused and does not go back to the allocation."""
    require(actor, Action.WITHDRAW_CERTIFICATE, certificate)
    certificate = lock(Certificate, certificate.pk)
    refusal = certificate_withdrawal_refusal(certificate)
    if refusal:
        raise DomainError(refusal)
    if not reason.strip():
        raise DomainError("Enter why you are withdrawing the certificate")
    certificate.withdrawal_reason = reason.strip()
    certificate.closed_at = timezone.now()
    transition(certificate, Status.WITHDRAWN, extra_fields=("withdrawal_reason", "closed_at"))
    audit.record(
        actor=actor,
        verb=Verb.CERTIFICATE_WITHDRAWN,
        target=certificate,
        payload={"reason": certificate.withdrawal_reason},
    )
    return certificate


@transaction.atomic
def certificate_add_note(*, certificate: Certificate, actor, note: str) -> Certificate:
    """Add a sponsor note, allowed only while the certificate is assigned (domain.md section 3)."""
    require(actor, Action.WITHDRAW_CERTIFICATE, certificate)
    certificate = lock(Certificate, certificate.pk)
    if certificate.status != Status.ASSIGNED:
        raise DomainError("A sponsor note can be added only while the certificate is assigned")
    if not note.strip():
        raise DomainError("Enter the note")
    stamp = f"{timezone.localtime():%d %B %Y %H:%M}, {actor.full_name or actor.email}"
    certificate.sponsor_note = (
        certificate.sponsor_note + "\n\n" if certificate.sponsor_note else ""
    ) + f"{stamp}: {note.strip()}"
    certificate.save(update_fields=["sponsor_note", "updated_at"])
    audit.record(actor=actor, verb=Verb.CERTIFICATE_NOTE_ADDED, target=certificate, payload={"note": note.strip()})
    return certificate


@transaction.atomic
def certificate_mark_used(
    *, certificate: Certificate, actor, visa_decision: str, permission_start: date | None, permission_end: date | None
) -> Certificate:
    """The Home Office records that a visa application used the certificate, and its outcome.

    A granted visa's permission end date is what the worker register later tracks.
    """
    require(actor, Action.DECIDE_CASES, certificate)
    certificate = lock(Certificate, certificate.pk)
    if visa_decision == Certificate.VisaDecision.GRANTED:
        if not (permission_start and permission_end):
            raise DomainError("Enter the dates the permission is valid from and to")
        if permission_end < permission_start:
            raise DomainError("The permission end date must be after its start date")
    certificate.visa_decision = visa_decision
    certificate.permission_start = permission_start if visa_decision == Certificate.VisaDecision.GRANTED else None
    certificate.permission_end = permission_end if visa_decision == Certificate.VisaDecision.GRANTED else None
    certificate.closed_at = timezone.now()
    transition(
        certificate, Status.USED, extra_fields=("visa_decision", "permission_start", "permission_end", "closed_at")
    )
    audit.record(
        actor=actor,
        verb=Verb.CERTIFICATE_USED,
        target=certificate,
        sponsor=certificate.sponsor,
        payload={
            "visa_decision": visa_decision,
            "permission_end": permission_end.isoformat() if permission_end else None,
        },
    )
    return certificate


@transaction.atomic
def certificate_cancel(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """The Home Office cancels an assigned certificate."""
    require(actor, Action.DECIDE_CASES, certificate)
    if not reason.strip():
        raise DomainError("Enter why the certificate is cancelled")
    certificate = lock(Certificate, certificate.pk)
    certificate.withdrawal_reason = reason.strip()
    certificate.closed_at = timezone.now()
    transition(certificate, Status.CANCELLED, extra_fields=("withdrawal_reason", "closed_at"))
    audit.record(
        actor=actor,
        verb=Verb.CERTIFICATE_CANCELLED,
        target=certificate,
        sponsor=certificate.sponsor,
        payload={"reason": reason},
    )
    sponsor_tell(
        sponsor=certificate.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Certificate {certificate.reference} cancelled by the Home Office",
        body=f"The Home Office cancelled certificate {certificate.reference} for {certificate.worker_name}. "
        f"Reasons: {certificate.withdrawal_reason}",
        link=reverse("certificates:detail", kwargs={"uuid": certificate.uuid}),
    )
    return certificate


@transaction.atomic
def certificates_expire(*, today: date | None = None) -> tuple[int, int]:
    """The daily sweep: expire assigned certificates past their date and lapse granted defined CoS
    requests not assigned in time. Set-based (one update each) and idempotent.

    Returns (certificates expired, defined requests lapsed).
    """
    today = today or timezone.localdate()
    due = Certificate.objects.filter(status__in=sources_of(Certificate, Status.EXPIRED), expires_on__lt=today)
    by_sponsor = dict(due.values("sponsor_id").annotate(count=Count("id")).values_list("sponsor_id", "count"))
    expiring = list(due.values_list("pk", flat=True)) if by_sponsor else []
    expired = due.update(status=Status.EXPIRED, closed_at=timezone.now())
    if expiring:
        # The only source of EXPIRED is ASSIGNED (the table): one signal for the whole sweep.
        status_changed.send(sender=Certificate, pks=expiring, previous=Status.ASSIGNED, status=Status.EXPIRED)
    for sponsor_id, count in by_sponsor.items():
        audit.record(
            actor=None,
            verb=Verb.CERTIFICATES_EXPIRED,
            sponsor=Sponsor(pk=sponsor_id),
            payload={"count": count, "as_of": today.isoformat()},
        )
    to_lapse = DefinedCosRequest.objects.filter(
        status__in=sources_of(DefinedCosRequest, DefinedCosRequest.Status.LAPSED),
        assign_by__lt=today,
        certificate__status=Status.DRAFT,
    )
    lapsing = list(to_lapse.values_list("pk", "sponsor_id", "reference"))
    lapsed = DefinedCosRequest.objects.filter(pk__in=[pk for pk, _, _ in lapsing]).update(
        status=DefinedCosRequest.Status.LAPSED
    )
    for _, sponsor_id, reference in lapsing:
        audit.record(
            actor=None,
            verb=Verb.DEFINED_COS_DECIDED,
            sponsor=Sponsor(pk=sponsor_id),
            payload={"reference": reference, "status": DefinedCosRequest.Status.LAPSED, "as_of": today.isoformat()},
        )
    return expired, lapsed


@transaction.atomic
def defined_cos_request_submit(*, sponsor: Sponsor, actor, data: dict) -> DefinedCosRequest:
    """Ask the Home Office for a defined CoS for a named Skilled Worker applying from outside the UK.

    The details must already pass the assignment rules (apart from the Home Office's decision).
    """
    require(actor, Action.CREATE_CERTIFICATE, sponsor)
    data = {**data, "route": "skilled_worker", "is_extension": False}
    certificate = certificate_save_draft(sponsor=sponsor, actor=actor, data=data)
    certificate.sponsorship = Certificate.Sponsorship.DEFINED
    certificate.save(update_fields=["sponsorship", "updated_at"])
    check = rules.check_assignment(certificate, assignment_context(certificate, timezone.localdate()))
    if not check.ok:
        raise AssignmentRefused(check.problems)
    request = DefinedCosRequest.objects.create(sponsor=sponsor, certificate=certificate, created_by=actor)
    audit.record(
        actor=actor,
        verb=Verb.DEFINED_COS_REQUESTED,
        target=request,
        sponsor=sponsor,
        payload={"worker": certificate.worker_name},
    )
    return request


@transaction.atomic
def defined_cos_decide(*, request: DefinedCosRequest, actor, grant: bool, reason: str) -> DefinedCosRequest:
    """Grant (the sponsor then has 3 months to assign) or refuse with reasons."""
    require(actor, Action.DECIDE_CASES, request)
    request = lock(DefinedCosRequest, request.pk)
    if not grant and not reason.strip():
        raise DomainError("Enter the reasons for refusing the request")
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_reason = reason.strip()
    status = DefinedCosRequest.Status.GRANTED if grant else DefinedCosRequest.Status.REFUSED
    if grant:
        request.assign_by = timezone.localdate() + relativedelta(months=rules.DEFINED_COS_ASSIGN_WITHIN_MONTHS)
    transition(request, status, extra_fields=("decided_at", "decided_by", "decision_reason", "assign_by"))
    audit.record(
        actor=actor,
        verb=Verb.DEFINED_COS_DECIDED,
        target=request,
        sponsor=request.sponsor,
        payload={"status": status, "reason": request.decision_reason},
    )
    outcome = request.get_status_display().lower()
    assign_by = f" Assign it by {request.assign_by.day} {request.assign_by:%B %Y}." if grant else ""
    sponsor_tell(
        sponsor=request.sponsor,
        kind=Notice.Kind.DECISION,
        subject=f"Defined CoS request {request.reference} {outcome}",
        body=f"Your defined CoS request {request.reference} has been {outcome}.{assign_by}"
        + (f" Reasons: {request.decision_reason}" if request.decision_reason else ""),
        link=reverse("certificates:list"),
    )
    return request
